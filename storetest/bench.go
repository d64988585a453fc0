package storetest

import (
	"fmt"
	"time"

	inapp "github.com/inappd/inappd"
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
