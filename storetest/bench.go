package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/endpointdoc"
	"github.com/inappd/inappd/targeting"
)

// BenchEvent is event n of the backends' RecordEvents benchmarks, in the mix Amplify reports (and
// cmd/inappd-bench sends): of every 30 events, 10 displayed messages
// (which move cap counters), 3 clicks and 3 dismissals, each of one of
// 20 campaigns and 2 treatments, picked at random as the load test does
// (so most (campaign, endpoint) pairs of the day are new), and 14 app
// events (sessions, screens, carts, purchases) of no campaign. The
// endpoint is one of 10,000, the day the same for every event.
func BenchEvent(n int) *inapp.EventRecord {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	h := uint64(n) * 0x9E3779B97F4A7C15 // spreads n: the event type and campaign do not follow the endpoint
	h ^= h >> 29
	e := &inapp.Event{
		Timestamp: inapp.FormatTime(at),
		Session:   &inapp.Session{ID: "s", StartTimestamp: inapp.FormatTime(at)},
		SdkName:   "aws-amplify", ClientSdkVersion: "6.0.0",
	}
	day := ""
	switch k := h % 30; {
	case k < 16:
		e.EventType = inapp.EventDisplayed
		switch {
		case k >= 13:
			e.EventType = inapp.EventDismissed
		case k >= 10:
			e.EventType = inapp.EventClicked
		default:
			day = "2025-06-01"
		}
		e.Attributes = map[string]string{
			inapp.CampaignIDAttribute:  fmt.Sprint("camp-", (h>>8)%20),
			inapp.TreatmentIDAttribute: fmt.Sprint((h >> 16) % 2),
		}
	default:
		e.EventType = []string{"_session.start", "screen_viewed", "add_to_cart", "purchase"}[k%4]
		e.Attributes = map[string]string{"sku": "x1"}
	}
	return &inapp.EventRecord{
		AppID: "app", EndpointID: fmt.Sprint("ep-", n%10000), EventID: fmt.Sprint("ev-", n),
		Event: e, Time: at.Add(time.Duration(n) * time.Millisecond), CapDay: day,
	}
}

// EstimateEndpoints fills the app with n endpoints shaped and ordered as
// the million-row import test writes them (random IDs, so key order is not
// table order), for the backends' segment size estimate benchmarks.
func EstimateEndpoints(ctx context.Context, s inapp.Store, appID string, n int) error {
	now := inapp.FormatTime(time.Now())
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		var ids []string
		reqs := map[string]*inapp.EndpointRequest{}
		for i := start; i < min(start+chunk, n); i++ {
			h := sha256.Sum256([]byte(strconv.Itoa(i)))
			x := hex.EncodeToString(h[:16])
			id := x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
			ids = append(ids, id)
			reqs[id] = &inapp.EndpointRequest{
				ChannelType: "IN_APP",
				User:        &inapp.EndpointUser{UserID: "user-" + x[:12], UserAttributes: map[string][]string{"plan": {[]string{"free", "pro", "team"}[i%3]}}},
				Attributes:  map[string][]string{"interests": {"shoes", "hats"}},
				Demographic: &inapp.Demographic{Platform: []string{"ios", "android", "web"}[i%3], Timezone: "Europe/Paris"},
				Location:    &inapp.Location{Country: "FR"},
				Metrics:     map[string]float64{"sessions": float64(i % 50)},
			}
		}
		err := s.UpdateEndpoints(ctx, appID, ids, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
			return inapp.ApplyEndpointRequest(cur, reqs[id], appID, id, now), nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// EstimateSegment is the 4-dimension segment of the million-row import
// test's second estimate.
func EstimateSegment() (*targeting.Segment, error) {
	var dims inapp.SegmentDimensions
	if err := json.Unmarshal([]byte(`{"UserAttributes":{"plan":{"AttributeType":"INCLUSIVE","Values":["free","team"]}},
		"Demographic":{"Platform":{"DimensionType":"INCLUSIVE","Values":["ios"]}},"Location":{"Country":{"DimensionType":"INCLUSIVE","Values":["FR"]}},
		"Metrics":{"sessions":{"ComparisonOperator":"GREATER_THAN","Value":10}}}`), &dims); err != nil {
		return nil, err
	}
	return targeting.CompileSegment(&inapp.Segment{SegmentType: "DIMENSIONAL", Dimensions: &dims}, nil)
}

// CountEstimate runs what the estimate endpoint runs over a store's
// endpoint documents: scan (a store's ScanEndpointDocs) hands out batches,
// each decoded for what seg reads only and matched, on every core.
func CountEstimate(ctx context.Context, scan func(ctx context.Context, appID string, fn func(docs []string) error) error, appID string, seg *targeting.Segment) (scanned, matched int, err error) {
	reads := seg.Reads()
	pool := sync.Pool{New: func() any { return endpointdoc.New(reads.Attributes, reads.UserAttributes, reads.Metrics) }}
	now := time.Now()
	var s, m atomic.Int64
	err = scan(ctx, appID, func(docs []string) error {
		d := pool.Get().(*endpointdoc.Decoder)
		defer pool.Put(d)
		sub := &targeting.Subject{Now: now}
		var found int64
		for _, doc := range docs {
			e, err := d.Decode(doc)
			if err != nil {
				return err
			}
			sub.Endpoint = e
			if seg.Match(sub) {
				found++
			}
		}
		s.Add(int64(len(docs)))
		m.Add(found)
		return nil
	})
	return int(s.Load()), int(m.Load()), err
}
