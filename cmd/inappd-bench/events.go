package main

// PutEvents load, and the bookkeeping that lets the bench check afterwards
// that every acknowledged event was stored, once.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxProbeDisplays is how many displayed events one probe endpoint may be
// sent: the check needs a total cap one above the count, and caps go to
// 100.
const maxProbeDisplays = 95

// eventLoad generates PutEvents batches and counts what was acknowledged.
type eventLoad struct {
	base, appID string
	ds          *dataset
	campaignIDs []string
	probeID     string // the probe campaign
	perBatch    int    // events per request
	endpoints   int    // endpoints per request

	acked     atomic.Int64 // events answered 202 in a 202 answer
	displayed atomic.Int64 // of which _inapp.message_displayed with a campaign_id (requests answered 202 for every event)
	partial   atomic.Int64 // 202 answers that refused some of their events
	refused   atomic.Int64 // requests refused as a whole (4xx other than 429)
	throttled atomic.Int64 // 429 answers
	ambiguous atomic.Int64 // events of requests whose fate is unknown (5xx, transport error)

	// Probe endpoints [0, ds.probes): displayed events of the probe
	// campaign, reserved (sent or being sent) and acknowledged.
	reserved  []atomic.Int32
	probeAck  []atomic.Int32
	probeLost []atomic.Bool // a request with its events had an unknown fate
	probeRR   atomic.Int64
	seq       atomic.Int64 // requests built

	mu      sync.Mutex
	resends [][]byte // acknowledged request bodies holding probe events, to send again

	answer atomic.Pointer[[]byte] // a real 202 answer, for the bare handler
}

func newEventLoad(base, appID string, ds *dataset, campaignIDs []string, probeID string, perBatch, endpoints int) *eventLoad {
	if endpoints < 1 {
		endpoints = 1
	}
	endpoints = min(endpoints, perBatch, ds.endpoints)
	return &eventLoad{
		base: base, appID: appID, ds: ds, campaignIDs: campaignIDs, probeID: probeID,
		perBatch: perBatch, endpoints: endpoints,
		reserved:  make([]atomic.Int32, ds.probes),
		probeAck:  make([]atomic.Int32, ds.probes),
		probeLost: make([]atomic.Bool, ds.probes),
	}
}

// batch is one generated request.
type batch struct {
	body      []byte
	probe     int      // probe endpoint index, -1 if none
	probeEP   string   // its endpoint ID
	probeIDs  []string // its displayed-event IDs for the probe campaign
	displayed int      // displayed events with a campaign_id in the batch
}

var eventTypes = []string{
	"_inapp.message_displayed", "_inapp.message_displayed", "_inapp.message_displayed",
	"_inapp.message_clicked", "_inapp.message_dismissed",
	"_session.start", "app_launched", "screen_viewed", "add_to_cart", "purchase",
}

// build makes one PutEvents request: l.endpoints endpoints (one of them a
// probe endpoint while the probes have room) sharing l.perBatch events; a
// third are _inapp.message_displayed and a tenth _inapp.message_clicked,
// attributed to a campaign (campaign_id, treatment_id), the rest
// dismissals, sessions and custom events, as Amplify reports them.
func (l *eventLoad) build(w *worker) *batch {
	b := &batch{probe: -1}
	now := time.Now().UTC()
	ts := now.Format("2006-01-02T15:04:05.000Z")
	session := now.Add(-time.Duration(w.r.IntN(600)) * time.Second).Format("2006-01-02T15:04:05.000Z")
	// Event IDs are unique in the run: the request's sequence number is
	// the run's, not the worker's (workers are new in every round).
	seq := uint64(l.seq.Add(1))
	out := make([]byte, 0, l.perBatch*520)
	out = append(out, `{"BatchItem":{`...)
	per := l.perBatch / l.endpoints
	extra := l.perBatch % l.endpoints

	// A probe endpoint takes the first slot, with 1 to 3 displays of the
	// probe campaign, while its budget lasts.
	probe, probeDisplays := -1, 0
	if l.ds.probes > 0 {
		for try := 0; try < 4; try++ {
			p := int(l.probeRR.Add(1) % int64(l.ds.probes))
			k := 1 + w.r.IntN(3)
			if l.reserved[p].Add(int32(k)) <= maxProbeDisplays {
				probe, probeDisplays = p, k
				break
			}
			l.reserved[p].Add(-int32(k))
		}
	}
	seen := map[int]bool{}
	for e := 0; e < l.endpoints; e++ {
		n := per
		if e < extra {
			n++
		}
		var ep int
		if e == 0 && probe >= 0 {
			ep = probe
		} else {
			for {
				ep = w.r.IntN(l.ds.endpoints)
				if !seen[ep] {
					break
				}
			}
		}
		seen[ep] = true
		id := endpointID(ep)
		if e > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, id)
		out = append(out, `:{"Endpoint":{},"Events":{`...)
		sessionID := "s-" + l.ds.runID + "-" + strconv.FormatUint(seq, 36) + "-" + strconv.Itoa(e)
		for k := 0; k < n; k++ {
			if k > 0 {
				out = append(out, ',')
			}
			eventID := l.eventID(seq, e, k)
			typ := eventTypes[(k+e)%len(eventTypes)]
			campaign := ""
			if typ[0] == '_' && typ[1] == 'i' {
				campaign = l.campaignIDs[w.r.IntN(len(l.campaignIDs))]
			}
			if ep == probe && k < probeDisplays {
				typ, campaign = "_inapp.message_displayed", l.probeID
				b.probeIDs = append(b.probeIDs, eventID)
			}
			if ep == probe && k >= probeDisplays && typ == "_inapp.message_displayed" {
				typ = "screen_viewed" // the probe campaign's count stays what the bench sent
			}
			if typ == "_inapp.message_displayed" && campaign != "" {
				b.displayed++
			}
			out = strconv.AppendQuote(out, eventID)
			out = append(out, `:{"EventType":"`...)
			out = append(out, typ...)
			out = append(out, `","Timestamp":"`...)
			out = append(out, ts...)
			out = append(out, `","AppPackageName":"com.example.shop","AppTitle":"Example Shop","AppVersionCode":"3.4.1","ClientSdkVersion":"6.4.0","SdkName":"aws-amplify/js"`...)
			out = append(out, `,"Session":{"Id":"`...)
			out = append(out, sessionID...)
			out = append(out, `","StartTimestamp":"`...)
			out = append(out, session...)
			out = append(out, `"},"Attributes":{`...)
			switch {
			case campaign != "":
				out = append(out, `"campaign_id":"`...)
				out = append(out, campaign...)
				out = append(out, `","treatment_id":"0","delivery_type":"IN_APP_MESSAGE","campaign_activity_id":"`...)
				out = append(out, campaign[:8]...)
				out = append(out, `-in-app"`...)
				if typ == "_inapp.message_clicked" {
					out = append(out, `,"button_id":"primary"`...)
				}
				out = append(out, '}')
			case typ == "purchase" || typ == "add_to_cart":
				out = append(out, `"sku":"SKU-`...)
				out = strconv.AppendInt(out, int64(w.r.IntN(5000)), 10)
				out = append(out, `","currency":"USD"},"Metrics":{"price":`...)
				out = strconv.AppendFloat(out, float64(w.r.IntN(20000))/100, 'f', 2, 64)
				out = append(out, `,"quantity":`...)
				out = strconv.AppendInt(out, int64(1+w.r.IntN(3)), 10)
				out = append(out, '}')
			default:
				out = append(out, `"screen":"`...)
				out = append(out, []string{"home", "catalog", "product", "cart", "profile"}[w.r.IntN(5)]...)
				out = append(out, `"}`...)
			}
			out = append(out, '}')
		}
		out = append(out, `}}`...)
		if ep == probe {
			b.probe, b.probeEP = probe, id
		}
	}
	out = append(out, `}}`...)
	b.body = out
	return b
}

// putEventsAnswer is PutEvents' 202 body, as far as the bench reads it.
type putEventsAnswer struct {
	Results map[string]struct {
		EventsItemResponse map[string]struct {
			StatusCode int `json:"StatusCode"`
		} `json:"EventsItemResponse"`
	} `json:"Results"`
}

// doer sends generated batches to bases (the servers, or the baseline),
// each worker to one of them (bases[id % len]).
func (l *eventLoad) doer(bases []string, track bool) doer {
	urls := make([]string, len(bases))
	for i, base := range bases {
		urls[i] = base + "/v1/apps/" + l.appID + "/events"
	}
	return func(w *worker) outcome {
		b := l.build(w)
		req, err := http.NewRequest(http.MethodPost, urls[w.id%len(urls)], bytes.NewReader(b.body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if err := w.signer.sign(req, payloadHash(b.body)); err != nil {
			panic(err)
		}
		o := outcome{start: time.Now()}
		resp, err := w.client.Do(req)
		var body []byte
		var wait time.Duration
		if err == nil {
			body, err = w.readBody(resp)
			o.status = resp.StatusCode
			wait = retryAfter(resp)
		}
		o.end = time.Now()
		if err != nil {
			o.status, o.err = 0, err
		}
		if o.status == http.StatusTooManyRequests {
			// Come back when the server says, as the SDKs do.
			defer time.Sleep(wait)
		}
		o.bytes = len(body)
		if o.status == http.StatusAccepted {
			if track && l.answer.Load() == nil {
				c := bytes.Clone(body)
				l.answer.CompareAndSwap(nil, &c)
			}
			var ans putEventsAnswer
			if json.Unmarshal(body, &ans) == nil {
				for _, r := range ans.Results {
					for _, st := range r.EventsItemResponse {
						if st.StatusCode == http.StatusAccepted {
							o.units++
						}
					}
				}
				if track {
					l.account(b, &ans)
				}
			}
		} else if track {
			l.unacknowledged(b, o.status)
		}
		return o
	}
}

// retryAfter is how long a throttled client waits: the Retry-After
// header's seconds, 1 s when there is none, never more than 2 s (a load
// worker must not sleep through the end of its round).
func retryAfter(resp *http.Response) time.Duration {
	n, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		n = 1
	}
	return min(time.Duration(n)*time.Second, 2*time.Second)
}

// account records an acknowledged request.
func (l *eventLoad) account(b *batch, ans *putEventsAnswer) {
	n := 0
	for _, r := range ans.Results {
		for _, st := range r.EventsItemResponse {
			if st.StatusCode == http.StatusAccepted {
				n++
			}
		}
	}
	l.acked.Add(int64(n))
	if n == l.perBatch {
		l.displayed.Add(int64(b.displayed))
	} else {
		// Some events were refused: which displays were stored can no
		// longer be told from the batch alone (the probe check still holds).
		l.partial.Add(1)
	}
	if b.probe < 0 {
		return
	}
	acked := 0
	for _, id := range b.probeIDs {
		if ans.Results[b.probeEP].EventsItemResponse[id].StatusCode == http.StatusAccepted {
			acked++
		}
	}
	l.probeAck[b.probe].Add(int32(acked))
	if acked > 0 {
		l.mu.Lock()
		if len(l.resends) < 200 {
			l.resends = append(l.resends, b.body)
		}
		l.mu.Unlock()
	}
}

// unacknowledged records a refused or failed request: after a 429 nothing
// was stored; after anything else the bench cannot tell.
func (l *eventLoad) unacknowledged(b *batch, status int) {
	if status == http.StatusTooManyRequests {
		l.throttled.Add(1)
		return
	}
	if status >= 400 && status < 500 {
		l.refused.Add(1) // refused as a whole: nothing stored
		return
	}
	l.ambiguous.Add(int64(l.perBatch))
	if b.probe >= 0 {
		l.probeLost[b.probe].Store(true)
	}
}

// eventID is a unique event ID shaped like the UUIDs clients send:
// run, slot and event in the batch, request sequence number.
func (l *eventLoad) eventID(seq uint64, slot, k int) string {
	b := make([]byte, 0, 36)
	b = append(b, l.ds.runID...)
	b = appendHex(b, 0, 8-len(l.ds.runID))
	b = append(b, '-')
	b = appendHex(b, uint64(slot)<<8|uint64(k), 4)
	b = append(b, "-4000-8000-"...)
	b = appendHex(b, seq, 12)
	return string(b)
}

func appendHex(b []byte, v uint64, width int) []byte {
	const digits = "0123456789abcdef"
	for i := width - 1; i >= 0; i-- {
		b = append(b, digits[(v>>(4*uint(i)))&0xf])
	}
	return b
}
