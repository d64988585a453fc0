package pinpointapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// BenchmarkPutEventsHandler measures what a PutEvents request of 100
// events over 10 endpoints (the load bench's mix: a third displays, a
// tenth clicks, attributed to campaigns) costs the server besides the
// event writer: reading and decoding the body, validating every event,
// encoding its document, reading the time zone of the endpoints whose
// displays move a cap, and writing the 202 answer. The event sink
// acknowledges at once; the writer's own cost is sqlite's
// BenchmarkRecordEvents. Reported per event: the handler's share of the
// CPU budget that 100,000 events/s leaves on a 2-core machine.
func BenchmarkPutEventsHandler(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "inappd.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const app, endpoints = "bench", 1000
	if err := db.CreateApp(ctx, &inapp.App{ID: app, Name: app}); err != nil {
		b.Fatal(err)
	}
	batch := map[string]*inapp.EndpointRequest{}
	for i := range endpoints {
		batch[fmt.Sprint("ep-", i)] = &inapp.EndpointRequest{ChannelType: "IN_APP", Demographic: &inapp.Demographic{Timezone: "Europe/Paris"}}
	}
	s := &Server{Store: db, Auth: rootAuth{}, Events: ackSink{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := s.Handler()
	if err := s.upsertEndpoints(ctx, app, batch); err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, 64)
	for i := range bodies {
		bodies[i] = putEventsBody(i, endpoints)
	}
	path := "/v1/apps/" + app + "/events"
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		body := bodies[n%len(bodies)]
		n++
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"StatusCode":202`) {
			b.Fatalf("PutEvents: %d %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*100)/1e3, "µs/event")
}

// putEventsBody is request i: 10 endpoints of n, 10 events each, shaped
// as Amplify sends them.
func putEventsBody(i, n int) []byte {
	types := []string{"_inapp.message_displayed", "_inapp.message_displayed", "_inapp.message_displayed",
		"_inapp.message_clicked", "_inapp.message_dismissed", "_session.start", "app_launched", "screen_viewed", "add_to_cart", "purchase"}
	ts := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	var out bytes.Buffer
	out.WriteString(`{"BatchItem":{`)
	for e := range 10 {
		if e > 0 {
			out.WriteByte(',')
		}
		fmt.Fprintf(&out, `"ep-%d":{"Endpoint":{},"Events":{`, (i*10+e)%n)
		for k := range 10 {
			if k > 0 {
				out.WriteByte(',')
			}
			typ := types[(k+e)%len(types)]
			fmt.Fprintf(&out, `"ev-%d-%d-%d":{"EventType":%q,"Timestamp":%q,"AppPackageName":"com.example.shop","AppTitle":"Example Shop","AppVersionCode":"3.4.1","ClientSdkVersion":"6.4.0","SdkName":"aws-amplify/js","Session":{"Id":"s-%d","StartTimestamp":%q},"Attributes":{`,
				i, e, k, typ, ts, i, ts)
			if strings.HasPrefix(typ, "_inapp.") {
				c := strconv.Itoa((i*7 + k) % 1000)
				out.WriteString(`"campaign_id":"campaign-` + c + `","treatment_id":"0","delivery_type":"IN_APP_MESSAGE","campaign_activity_id":"activity-` + c + `"}}`)
			} else {
				out.WriteString(`"screen":"home"},"Metrics":{"price":19.99}}`)
			}
		}
		out.WriteString(`}}`)
	}
	out.WriteString(`}}`)
	return out.Bytes()
}

type rootAuth struct{}

func (rootAuth) Verify(*http.Request, []byte) (*inapp.AccessKey, error) {
	return &inapp.AccessKey{ID: "root"}, nil
}

// ackSink acknowledges every event as new, at once.
type ackSink struct{}

func (ackSink) Reserve(int) (EventRoom, error) { return ackSink{}, nil }

func (ackSink) Release() {}

func (ackSink) Submit(_ context.Context, records []*inapp.EventRecord) ([]bool, error) {
	fresh := make([]bool, len(records))
	for i := range fresh {
		fresh[i] = true
	}
	return fresh, nil
}
