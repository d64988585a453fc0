package main

// Checks that every acknowledged event was stored, once:
//
//  1. Retries: a sample of acknowledged PutEvents requests (those holding
//     probe events) is sent again, unchanged: each must be answered 202
//     again, and must not count twice (checked by 2).
//  2. Through the API, exactly, for the probe endpoints: each got a known
//     number a of acknowledged _inapp.message_displayed events of the probe
//     campaign (top priority, on a segment of its own). With the campaign's
//     Limits.Total at a, GetInAppMessages must leave the campaign out
//     (stored count >= a: nothing acknowledged was lost); at a+1 it must
//     carry it (stored count < a+1: nothing counted twice, retries
//     included). The cap is moved with UpdateCampaign, one value at a time.
//  3. In the storage, in total, when the bench started the server: the
//     server is killed with SIGKILL (no graceful flush), the SQLite events file is
//     opened, and the app's rows in events and its "*" rows in counters are
//     counted: they must equal the acknowledged events and displays.

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"time"

	// The storage check reads the server's events file (and this
	// registers the "sqlite" driver it opens it with).
	"github.com/inappd/inappd/sqlite"
)

// verification is what the checks found.
type verification struct {
	Acked          int64    `json:"events_acknowledged"`
	DisplayedAcked int64    `json:"displayed_acknowledged"`
	Throttled      int64    `json:"requests_throttled_429"`
	Ambiguous      int64    `json:"events_unknown_fate"`
	Partial        int64    `json:"answers_with_refused_events"`
	Refused        int64    `json:"requests_refused"`
	Resent         int      `json:"requests_resent"`
	ResendFailures int      `json:"resend_failures"`
	ProbeEndpoints int      `json:"probe_endpoints_checked"`
	ProbeDisplays  int64    `json:"probe_displays_checked"`
	ProbeLost      int      `json:"probe_endpoints_missing_events"`
	ProbeDoubled   int      `json:"probe_endpoints_counted_twice"`
	ProbeSkipped   int      `json:"probe_endpoints_skipped"`
	CapWrites      int      `json:"cap_updates"`
	StoreChecked   bool     `json:"store_checked"`
	StoredEvents   int64    `json:"stored_events"`
	StoredDisplays int64    `json:"stored_displays"`
	StoreNote      string   `json:"store_note,omitempty"`
	OK             bool     `json:"ok"`
	Problems       []string `json:"problems,omitempty"`
}

func (v *verification) problem(format string, args ...any) {
	v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
}

// resend sends the kept request bodies again with the client key.
func (b *bench) resend(ctx context.Context, l *eventLoad, v *verification) {
	for _, body := range l.resends {
		v.Resent++
		var ans putEventsAnswer
		_, err := b.device.call(ctx, http.MethodPost, "/v1/apps/"+b.appID+"/events", body, &ans)
		if err != nil {
			v.ResendFailures++
			continue
		}
		for _, r := range ans.Results {
			for _, st := range r.EventsItemResponse {
				if st.StatusCode != http.StatusAccepted {
					v.ResendFailures++
				}
			}
		}
	}
	if v.ResendFailures > 0 {
		v.problem("%d of the events sent again (retries of acknowledged requests) were not answered 202", v.ResendFailures)
	}
}

// checkProbes runs check 2.
func (b *bench) checkProbes(ctx context.Context, l *eventLoad, v *verification) error {
	// Endpoints by the cap value to test them at.
	hidden := map[int][]int{}  // cap a: these must not see the probe campaign
	visible := map[int][]int{} // cap a+1: these must
	for p := range l.probeAck {
		a := int(l.probeAck[p].Load())
		if l.probeLost[p].Load() {
			v.ProbeSkipped++
			continue
		}
		v.ProbeEndpoints++
		v.ProbeDisplays += int64(a)
		if a > 0 {
			hidden[a] = append(hidden[a], p)
		}
		visible[a+1] = append(visible[a+1], p)
	}
	var caps []int
	for c := range hidden {
		caps = append(caps, c)
	}
	for c := range visible {
		if _, ok := hidden[c]; !ok {
			caps = append(caps, c)
		}
	}
	slices.Sort(caps)
	lost, doubled := map[int]bool{}, map[int]bool{}
	for _, c := range caps {
		req := &campaignRequest{Limits: &limits{Total: c}}
		if _, err := b.root.call(ctx, http.MethodPut, "/v1/apps/"+b.appID+"/campaigns/"+b.probeID, req, nil); err != nil {
			return fmt.Errorf("move the probe campaign's cap to %d: %w", c, err)
		}
		v.CapWrites++
		check := func(ps []int, wantVisible bool) error {
			var mu sync.Mutex
			var firstErr error
			var wg sync.WaitGroup
			sem := make(chan struct{}, 8)
			for _, p := range ps {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					// On the node that took the cap's write: it is
					// visible there at once (on the others within the
					// visibility measured apart).
					has, err := b.sees(ctx, b.writer, endpointID(p), b.probeID)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err != nil:
						firstErr = err
					case has && !wantVisible:
						lost[p] = true
					case !has && wantVisible:
						doubled[p] = true
					}
				}()
			}
			wg.Wait()
			return firstErr
		}
		if err := check(hidden[c], false); err != nil {
			return err
		}
		if err := check(visible[c], true); err != nil {
			return err
		}
	}
	v.ProbeLost, v.ProbeDoubled = len(lost), len(doubled)
	if v.ProbeLost > 0 {
		v.problem("%d probe endpoints have fewer stored displays than were acknowledged", v.ProbeLost)
	}
	if v.ProbeDoubled > 0 {
		v.problem("%d probe endpoints have more stored displays than were acknowledged (retries counted twice?)", v.ProbeDoubled)
	}
	// Put the cap back where it was.
	_, err := b.root.call(ctx, http.MethodPut, "/v1/apps/"+b.appID+"/campaigns/"+b.probeID, &campaignRequest{Limits: &limits{Total: 100}}, nil)
	return err
}

// sees reports whether GetInAppMessages of endpoint, asked through a (a
// device API), carries campaign.
func (b *bench) sees(ctx context.Context, a *api, endpoint, campaign string) (bool, error) {
	var ans struct {
		InAppMessageCampaigns []struct {
			CampaignID string `json:"CampaignId"`
		} `json:"InAppMessageCampaigns"`
	}
	if _, err := a.call(ctx, http.MethodGet, "/v1/apps/"+b.appID+"/endpoints/"+url.PathEscape(endpoint)+"/inappmessages", nil, &ans); err != nil {
		return false, err
	}
	for _, c := range ans.InAppMessageCampaigns {
		if c.CampaignID == campaign {
			return true, nil
		}
	}
	return false, nil
}

// checkStore runs check 3 on a server that is no longer running.
func checkStore(ctx context.Context, dataDir, appID string, l *eventLoad, v *verification) {
	// Events and counters are in the events file (sqlite.EventsPath).
	path := sqlite.EventsPath(filepath.Join(dataDir, "inappd.db"))
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String() + "?_busy_timeout=5000"
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		v.StoreNote = "could not open the database: " + err.Error()
		return
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE app_id = ?`, appID).Scan(&v.StoredEvents); err != nil {
		v.StoreNote = "could not count events (schema changed?): " + err.Error()
		return
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(sum(count), 0) FROM counters WHERE app_id = ? AND day = '*'`, appID).Scan(&v.StoredDisplays); err != nil {
		v.StoreNote = "could not sum the cap counters (schema changed?): " + err.Error()
		return
	}
	v.StoreChecked = true
	compareStored(l, v)
}

// compareStored compares what the storage holds with what was
// acknowledged.
func compareStored(l *eventLoad, v *verification) {
	amb := l.ambiguous.Load()
	switch {
	case v.StoredEvents < v.Acked:
		v.problem("storage holds %d events of the app; %d were acknowledged: %d lost", v.StoredEvents, v.Acked, v.Acked-v.StoredEvents)
	case v.StoredEvents > v.Acked+amb:
		v.problem("storage holds %d events; only %d were acknowledged (+%d of unknown fate)", v.StoredEvents, v.Acked, amb)
	}
	if l.partial.Load() == 0 {
		switch {
		case v.StoredDisplays < v.DisplayedAcked:
			v.problem("the cap counters hold %d displays; %d were acknowledged", v.StoredDisplays, v.DisplayedAcked)
		case v.StoredDisplays > v.DisplayedAcked+amb:
			v.problem("the cap counters hold %d displays; only %d were acknowledged (retries counted twice?)", v.StoredDisplays, v.DisplayedAcked)
		}
	}
}

// ---- admin-write visibility ----

// visibilityTrial is one pause (or resume) and how long GetInAppMessages
// took to reflect it.
type visibilityTrial struct {
	Campaign   string  `json:"campaign"`
	Action     string  `json:"action"`
	WriteMS    float64 `json:"write_ms"`     // the UpdateCampaign call
	ServerMS   float64 `json:"server_ms"`    // of which in the server, as its Server-Timing header says (-1: none)
	VisibleMS  float64 `json:"visible_ms"`   // from sending the write to the first answer that reflects it
	AfterAckMS float64 `json:"after_ack_ms"` // from the write's answer to that answer
	Polls      int     `json:"polls"`
}

// visibility pauses a campaign an endpoint sees and polls GetInAppMessages
// of that endpoint until the campaign is gone, then resumes it and polls
// until it is back; trials times. With spacing, each write waits that
// long and up to half as long again (at random) after the one before.
func (b *bench) visibility(ctx context.Context, trials int, spacing time.Duration) ([]visibilityTrial, error) {
	var out []visibilityTrial
	used := map[string]bool{b.probeID: true}
	for t := 0; t < trials; t++ {
		// An endpoint and a campaign it sees (not the probe, not one used),
		// without caps: the PutEvents load may send displays for any
		// endpoint, and a cap they reach would keep the resumed campaign
		// out for a reason other than the write.
		var ep, camp string
		for try := 0; try < 200 && camp == ""; try++ {
			ep = endpointID(b.rng.IntN(b.ds.endpoints))
			var ans struct {
				InAppMessageCampaigns []struct {
					CampaignID string `json:"CampaignId"`
					DailyCap   int    `json:"DailyCap"`
					SessionCap int    `json:"SessionCap"`
					TotalCap   int    `json:"TotalCap"`
				} `json:"InAppMessageCampaigns"`
			}
			if _, err := b.device.call(ctx, http.MethodGet, "/v1/apps/"+b.appID+"/endpoints/"+ep+"/inappmessages", nil, &ans); err != nil {
				return out, err
			}
			for _, c := range ans.InAppMessageCampaigns {
				if !used[c.CampaignID] && c.DailyCap == 0 && c.SessionCap == 0 && c.TotalCap == 0 {
					camp = c.CampaignID
					break
				}
			}
		}
		if camp == "" {
			return out, fmt.Errorf("found no endpoint that sees a campaign without caps")
		}
		used[camp] = true
		for _, pause := range []bool{true, false} {
			if spacing > 0 {
				time.Sleep(spacing + time.Duration(b.rng.Int64N(int64(spacing/2))))
			}
			tr, err := b.flip(ctx, ep, camp, pause)
			if err != nil {
				return out, err
			}
			out = append(out, tr)
		}
	}
	return out, nil
}

func (b *bench) flip(ctx context.Context, ep, camp string, pause bool) (visibilityTrial, error) {
	tr := visibilityTrial{Campaign: camp, Action: "resume"}
	if pause {
		tr.Action = "pause"
	}
	start := time.Now()
	var ack time.Duration
	errc := make(chan error, 1)
	var server float64
	go func() {
		_, h, err := b.root.callHeader(ctx, http.MethodPut, "/v1/apps/"+b.appID+"/campaigns/"+camp, &campaignRequest{IsPaused: &pause}, nil)
		ack, server = time.Since(start), serverMS(h)
		errc <- err
	}()
	deadline := start.Add(30 * time.Second)
	for {
		has, err := b.sees(ctx, b.device, ep, camp)
		if err != nil {
			return tr, err
		}
		tr.Polls++
		if has != pause {
			tr.VisibleMS = ms(time.Since(start))
			break
		}
		if time.Now().After(deadline) {
			return tr, fmt.Errorf("campaign %s still %s for %s 30 s after UpdateCampaign", camp, map[bool]string{true: "delivered", false: "left out"}[pause], ep)
		}
	}
	if err := <-errc; err != nil {
		return tr, err
	}
	tr.WriteMS, tr.ServerMS = ms(ack), server
	tr.AfterAckMS = max(0, tr.VisibleMS-tr.WriteMS)
	return tr, nil
}
