package main

// Event streams end to end: PutEventStream, GetEventStream and
// DeleteEventStream through aws-sdk-go-v2, and events sent with PutEvents
// (an app client key) arriving at a real webhook receiver on loopback (also
// after it failed or was unreachable for a while, and after inappd was
// restarted with events still queued), at the machine's NATS JetStream,
// and in a file under --stream-dir.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/streams"
)

// streamNode starts a server on the given data directory (and PostgreSQL
// database, when dsn is set) with the given stream directory. stop closes
// it (also at the end of the test, if it still runs).
func streamNode(t *testing.T, dataDir, dsn, streamDir string) (m *Main, stop func()) {
	t.Helper()
	m = newTestMain(t)
	m.Config.DataDir = dataDir
	m.Config.Postgres = dsn
	m.Config.StreamDir = streamDir
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start inappd: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			if err := m.Close(); err != nil {
				t.Errorf("close inappd: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return m, stop
}

// testDSN is a throwaway PostgreSQL database with
// INAPPD_TEST_BACKEND=postgres, else "" (SQLite in the data directory).
func testDSN(t *testing.T) string {
	if os.Getenv("INAPPD_TEST_BACKEND") == "postgres" {
		return pgtest.NewDatabase(t)
	}
	return ""
}

func putEventStream(t *testing.T, c *pinpoint.Client, app, dest string) *types.EventStream {
	t.Helper()
	out, err := c.PutEventStream(t.Context(), &pinpoint.PutEventStreamInput{
		ApplicationId: aws.String(app),
		WriteEventStream: &types.WriteEventStream{
			DestinationStreamArn: aws.String(dest),
			RoleArn:              aws.String("arn:aws:iam::123456789012:role/pinpoint-events"),
		},
	})
	if err != nil {
		t.Fatalf("PutEventStream %s: %v", dest, err)
	}
	wantStatus(t, out.ResultMetadata, 200)
	return out.EventStream
}

// deviceEvents sends events with the app's client key, as an app does:
// one PutEvents for the endpoint, each event accepted.
func deviceEvents(t *testing.T, c *pinpoint.Client, app, endpoint string, ids []string, at time.Time) {
	t.Helper()
	events := map[string]types.Event{}
	for i, id := range ids {
		ev := displayedEvent("camp-1", at.Add(time.Duration(i)*time.Millisecond))
		ev.Metrics = map[string]float64{"n": float64(i)}
		events[id] = ev
	}
	res := putEvents(t, c, app, map[string]types.EventsBatch{endpoint: {Endpoint: &types.PublicEndpoint{}, Events: events}})
	for _, id := range ids {
		wantEventStatus(t, res, endpoint, id, 202)
	}
}

// hookReceiver is a webhook receiver on loopback. answer decides, per
// request (1-based), the status to answer, or 0 to drop the connection
// (the receiver looks down).
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	n      int
	ok     [][]string // lines of each accepted request
	ids    []string   // Inappd-Delivery-Id of every request
	answer func(n int) int
}

func newHookReceiver(t *testing.T, answer func(n int) int) *hookReceiver {
	r := &hookReceiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.n++
		status := http.StatusOK
		if r.answer != nil {
			status = r.answer(r.n)
		}
		r.ids = append(r.ids, req.Header.Get(streams.DeliveryIDHeader))
		if status == http.StatusOK {
			if ct := req.Header.Get("Content-Type"); ct != "application/x-ndjson" {
				t.Errorf("webhook Content-Type %q, want application/x-ndjson", ct)
			}
			var lines []string
			sc := bufio.NewScanner(strings.NewReader(string(body)))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				lines = append(lines, sc.Text())
			}
			r.ok = append(r.ok, lines)
		}
		r.mu.Unlock()
		if status == 0 {
			panic(http.ErrAbortHandler) // the connection drops, unanswered
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

// records returns every record the receiver accepted, decoded.
func (r *hookReceiver) records(t *testing.T) []map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, lines := range r.ok {
		for _, l := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("a record is not a JSON object: %q", l)
			}
			out = append(out, rec)
		}
	}
	return out
}

func (r *hookReceiver) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func recordEventIDs(recs []map[string]any) []string {
	var ids []string
	for _, r := range recs {
		id, _ := r["event_id"].(string)
		ids = append(ids, id)
	}
	return ids
}

func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEventStreamAPI(t *testing.T) {
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "streams")

	// No stream yet.
	_, err := c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	wantNotFound(t, err)
	_, err = c.DeleteEventStream(ctx, &pinpoint.DeleteEventStreamInput{ApplicationId: aws.String(app)})
	wantNotFound(t, err)

	before := time.Now().Add(-time.Second)
	put := putEventStream(t, c, app, "https://hooks.example.com/inappd?token=abc")
	if str(put.ApplicationId) != app || str(put.DestinationStreamArn) != "https://hooks.example.com/inappd?token=abc" ||
		str(put.RoleArn) != "arn:aws:iam::123456789012:role/pinpoint-events" || str(put.LastUpdatedBy) != m.RootKey.ID {
		t.Errorf("PutEventStream answered %s", mustJSON(t, put))
	}
	wantISOTime(t, "LastModifiedDate", str(put.LastModifiedDate))
	if at, _ := time.Parse(time.RFC3339Nano, str(put.LastModifiedDate)); at.Before(before) {
		t.Errorf("LastModifiedDate %s is not now", str(put.LastModifiedDate))
	}
	got, err := c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("GetEventStream: %v", err)
	}
	wantStatus(t, got.ResultMetadata, 200)
	sameJSON(t, "GetEventStream", put, got.EventStream)

	// The wire shape: EventStream as the payload, nothing else.
	raw := rawCall(t, m, nil, "GET", "/v1/apps/"+app+"/eventstream", nil)
	wantRawStatus(t, raw, 200)
	keys := []string{}
	for k := range raw.object(t) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"ApplicationId", "DestinationStreamArn", "LastModifiedDate", "LastUpdatedBy", "RoleArn"}; !slices.Equal(keys, want) {
		t.Errorf("GetEventStream members %v, want %v", keys, want)
	}

	// Put again replaces.
	put2 := putEventStream(t, c, app, "nats://127.0.0.1:4222/inappd.events")
	got, err = c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("GetEventStream: %v", err)
	}
	sameJSON(t, "GetEventStream after a second put", put2, got.EventStream)

	// Bad input, with Pinpoint's errors.
	kinesis := "arn:aws:kinesis:us-east-1:123456789012:stream/pinpoint-events"
	_, err = c.PutEventStream(ctx, &pinpoint.PutEventStreamInput{ApplicationId: aws.String(app),
		WriteEventStream: &types.WriteEventStream{DestinationStreamArn: aws.String(kinesis), RoleArn: aws.String("r")}})
	bad := wantBadRequest(t, err)
	for _, part := range []string{kinesis, "does not publish to Amazon Kinesis", "https://", "nats://host:4222/subject", "file:///path/events.jsonl", "--stream-dir"} {
		if !strings.Contains(str(bad.Message), part) {
			t.Errorf("the Kinesis refusal %q does not say %q", str(bad.Message), part)
		}
	}
	for body, msg := range map[string]string{
		`{"RoleArn":"r"}`: "Missing required member: DestinationStreamArn.",
		`{"DestinationStreamArn":"https://x.example"}`:                   "Missing required member: RoleArn.",
		`{"DestinationStreamArn":"ftp://x.example/e","RoleArn":"r"}`:     `DestinationStreamArn "ftp://x.example/e": inappd does not deliver to ftp:// destinations.`,
		`{"DestinationStreamArn":"nats://127.0.0.1:4222","RoleArn":"r"}`: "the URL names no subject",
		`{"DestinationStreamArn":"file:///tmp/e.jsonl","RoleArn":"r"}`:   "file:// destinations are off. The operator enables them by starting inappd with --stream-dir (or INAPPD_STREAM_DIR)",
		`{"DestinationStreamArn":7,"RoleArn":"r"}`:                       "Invalid value for DestinationStreamArn",
	} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/eventstream", []byte(body))
		got := wantRawError(t, r, "BadRequestException")
		if !strings.Contains(got["Message"].(string), msg) {
			t.Errorf("PutEventStream %s: message %q, want it to say %q", body, got["Message"], msg)
		}
	}
	// Nothing changed.
	got, _ = c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	sameJSON(t, "the stream after refused puts", put2, got.EventStream)

	// Unknown app; a client key may not touch streams.
	_, err = c.PutEventStream(ctx, &pinpoint.PutEventStreamInput{ApplicationId: aws.String("no-such-app"),
		WriteEventStream: &types.WriteEventStream{DestinationStreamArn: aws.String("https://x.example"), RoleArn: aws.String("r")}})
	wantNotFound(t, err)
	_, err = c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String("no-such-app")})
	wantNotFound(t, err)
	device := client(m, createClientKey(t, m, app))
	_, err = device.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	wantForbidden(t, err)
	_, err = device.DeleteEventStream(ctx, &pinpoint.DeleteEventStreamInput{ApplicationId: aws.String(app)})
	wantForbidden(t, err)

	// Delete answers the deleted stream.
	del, err := c.DeleteEventStream(ctx, &pinpoint.DeleteEventStreamInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("DeleteEventStream: %v", err)
	}
	wantStatus(t, del.ResultMetadata, 200)
	sameJSON(t, "DeleteEventStream", put2, del.EventStream)
	_, err = c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	wantNotFound(t, err)
	_, err = c.DeleteEventStream(ctx, &pinpoint.DeleteEventStreamInput{ApplicationId: aws.String(app)})
	wantNotFound(t, err)

	// Deleting the app deletes its stream.
	putEventStream(t, c, app, "https://hooks.example.com/inappd")
	if _, err := c.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(app)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetEventStream(ctx, &pinpoint.GetEventStreamInput{ApplicationId: aws.String(app)})
	wantNotFound(t, err)
}

// TestEventStreamWebhook: events sent by a device arrive at the webhook in
// Pinpoint's record format, through a receiver that first answers 500,
// then drops connections, then recovers.
func TestEventStreamWebhook(t *testing.T) {
	rcv := newHookReceiver(t, func(n int) int {
		switch {
		case n == 1:
			return http.StatusInternalServerError
		case n == 2:
			return 0 // down: the connection drops
		}
		return http.StatusOK
	})
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "webhook")
	putEventStream(t, c, app, rcv.URL+"/events")
	device := client(m, createClientKey(t, m, app))
	putEndpoint(t, device, app, "device-1", &types.EndpointRequest{
		ChannelType: types.ChannelTypeInApp,
		Demographic: &types.EndpointDemographic{AppVersion: aws.String("2.1"), Locale: aws.String("de_DE"), Make: aws.String("Samsung"),
			Model: aws.String("Galaxy S24"), Platform: aws.String("android"), PlatformVersion: aws.String("14")},
	})
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	before := time.Now()
	deviceEvents(t, device, app, "device-1", []string{"ev-1", "ev-2", "ev-3"}, at)
	deviceEvents(t, device, app, "device-2", []string{"ev-1"}, at) // an endpoint never registered
	// A client's retry of the same events: stored once, streamed once.
	deviceEvents(t, device, app, "device-1", []string{"ev-1", "ev-2"}, at)

	waitUntil(t, "4 records at the webhook", 15*time.Second, func() bool { return len(rcv.records(t)) >= 4 })
	time.Sleep(600 * time.Millisecond) // anything extra would arrive now
	recs := rcv.records(t)
	if got := recordEventIDs(recs); !slices.Equal(got, []string{"ev-1", "ev-2", "ev-3", "ev-1"}) {
		t.Fatalf("records for events %v, want ev-1, ev-2, ev-3 of device-1 and ev-1 of device-2, once each", got)
	}
	rcv.mu.Lock()
	if rcv.n < 3 || rcv.ids[0] != rcv.ids[1] || rcv.ids[1] != rcv.ids[2] {
		t.Errorf("delivery IDs of the attempts %q: the failed batch must be retried with the same ID", rcv.ids)
	}
	rcv.mu.Unlock()

	r := recs[0]
	wantField := func(path string, want any) {
		t.Helper()
		var v any = r
		for _, k := range strings.Split(path, ".") {
			obj, _ := v.(map[string]any)
			v = obj[k]
		}
		if fmt.Sprint(v) != fmt.Sprint(want) {
			t.Errorf("record %s = %v, want %v", path, v, want)
		}
	}
	wantField("event_type", "_inapp.message_displayed")
	wantField("event_version", "3.1")
	wantField("event_timestamp", float64(at.UnixMilli()))
	wantField("application.app_id", app)
	wantField("application.version_name", "2.1")
	wantField("client.client_id", "device-1")
	wantField("device.locale.code", "de_DE")
	wantField("device.locale.language", "de")
	wantField("device.locale.country", "DE")
	wantField("device.make", "Samsung")
	wantField("device.model", "Galaxy S24")
	wantField("device.platform.name", "android")
	wantField("device.platform.version", "14")
	wantField("session.session_id", "session-1")
	wantField("session.start_timestamp", float64(at.Add(-time.Minute).UnixMilli()))
	wantField("attributes.campaign_id", "camp-1")
	wantField("attributes.treatment_id", "0")
	wantField("metrics.n", 0)
	wantField("awsAccountId", inapp.Account)
	wantField("event_id", "ev-1")
	arrival := int64(r["arrival_timestamp"].(float64))
	if arrival < before.UnixMilli()-1000 || arrival > time.Now().UnixMilli() {
		t.Errorf("arrival_timestamp %d is not when the event arrived", arrival)
	}
	// The unregistered endpoint's record has no device details.
	if d := recs[3]["device"]; mustJSON(t, d) != `{"platform":{}}` {
		t.Errorf("device of an unregistered endpoint: %s", mustJSON(t, d))
	}

	// Deleting the stream stops delivery.
	if _, err := c.DeleteEventStream(t.Context(), &pinpoint.DeleteEventStreamInput{ApplicationId: aws.String(app)}); err != nil {
		t.Fatal(err)
	}
	n := rcv.requests()
	deviceEvents(t, device, app, "device-1", []string{"ev-after-delete"}, at)
	time.Sleep(700 * time.Millisecond)
	if rcv.requests() != n {
		t.Errorf("the webhook was called after the stream was deleted")
	}
}

// TestEventStreamRestart: events accepted while the receiver is down stay
// queued across a restart of inappd, and arrive once it is back.
func TestEventStreamRestart(t *testing.T) {
	var up atomic.Bool
	rcv := newHookReceiver(t, func(int) int {
		if up.Load() {
			return http.StatusOK
		}
		return http.StatusServiceUnavailable
	})
	dataDir, dsn := t.TempDir(), testDSN(t)
	m, stop := streamNode(t, dataDir, dsn, "")
	c := client(m, nil)
	app := createApp(t, c, "restart")
	putEventStream(t, c, app, rcv.URL)
	key := createClientKey(t, m, app)
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var want []string
	for i := range 3 {
		ids := []string{fmt.Sprintf("a%d", 2*i), fmt.Sprintf("a%d", 2*i+1)}
		deviceEvents(t, client(m, key), app, "device-1", ids, at)
		want = append(want, ids...)
	}
	waitUntil(t, "a failed delivery", 10*time.Second, func() bool { return rcv.requests() >= 1 })
	stop()

	// The same data, a new process; the receiver is back.
	up.Store(true)
	m, _ = streamNode(t, dataDir, dsn, "")
	deviceEvents(t, client(m, key), app, "device-1", []string{"b0", "b1"}, at)
	want = append(want, "b0", "b1")
	waitUntil(t, "every event at the webhook", 15*time.Second, func() bool { return len(rcv.records(t)) >= len(want) })
	time.Sleep(600 * time.Millisecond)
	got := recordEventIDs(rcv.records(t))
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("records for %v, want each of %v once", got, want)
	}
}

// natsJetStream connects to the machine's NATS JetStream, or skips.
func natsJetStream(t *testing.T) (string, jetstream.JetStream) {
	t.Helper()
	url := os.Getenv("INAPPD_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		skipf(t, "NATS with JetStream is not reachable at %s (%v): start nats-server -js, or set INAPPD_TEST_NATS", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		skipf(t, "NATS at %s has no JetStream (%v): start nats-server with -js", url, err)
	}
	return url, js
}

// TestEventStreamNATS: events arrive in JetStream exactly once: retried
// PutEvents are not re-sent, and the stream (created by inappd) dedupes
// by message ID.
func TestEventStreamNATS(t *testing.T) {
	url, js := natsJetStream(t)
	subject := "inappd.e2e." + inapp.NewID()[:12]
	name := streams.StreamName(subject)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		js.DeleteStream(ctx, name)
	})
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "nats")
	putEventStream(t, c, app, url+"/"+subject)
	device := client(m, createClientKey(t, m, app))
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	want := ids("n", 30)
	for i := 0; i < len(want); i += 10 {
		deviceEvents(t, device, app, "device-1", want[i:i+10], at)
	}
	deviceEvents(t, device, app, "device-1", want[:10], at) // a retry

	var st jetstream.Stream
	waitUntil(t, "30 messages in the JetStream stream", 15*time.Second, func() bool {
		var err error
		if st, err = js.Stream(t.Context(), name); err != nil {
			return false
		}
		info, err := st.Info(t.Context())
		return err == nil && info.State.Msgs >= 30
	})
	time.Sleep(600 * time.Millisecond)
	info, err := st.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 30 {
		t.Errorf("the stream holds %d messages, want exactly 30", info.State.Msgs)
	}
	var got []string
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		msg, err := st.GetMsg(t.Context(), seq)
		if err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		if err := json.Unmarshal(msg.Data, &rec); err != nil {
			t.Fatalf("message %d is not a record: %q", seq, msg.Data)
		}
		got = append(got, rec["event_id"].(string))
		if id, want := msg.Header.Get("Nats-Msg-Id"), app+"/device-1/"+rec["event_id"].(string); id != want {
			t.Errorf("message %d: Nats-Msg-Id %q, want %q", seq, id, want)
		}
		if rec["event_type"] != "_inapp.message_displayed" || rec["client"].(map[string]any)["client_id"] != "device-1" {
			t.Errorf("message %d: %s", seq, msg.Data)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("messages for %v, want %v", got, want)
	}
}

// TestEventStreamFile: events appended to a file under --stream-dir; a
// path outside it is refused.
func TestEventStreamFile(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	m, _ := streamNode(t, t.TempDir(), testDSN(t), dir)
	c := client(m, nil)
	app := createApp(t, c, "file")
	for dest, msg := range map[string]string{
		"file://" + outside + "/events.jsonl":    "is outside the stream directory",
		"file://" + dir + "/escape/events.jsonl": "is outside the stream directory",
		"file://" + dir + "/../events.jsonl":     `the path may not contain ".."`,
		"file://" + dir + "/no/such/dir.jsonl":   "does not exist; create it under the stream directory first",
	} {
		r := rawJSON(t, m, nil, "POST", "/v1/apps/"+app+"/eventstream", map[string]string{"DestinationStreamArn": dest, "RoleArn": "r"})
		got := wantRawError(t, r, "BadRequestException")
		if !strings.Contains(got["Message"].(string), msg) {
			t.Errorf("PutEventStream %s: message %q, want it to say %q", dest, got["Message"], msg)
		}
	}
	path := filepath.Join(dir, "events.jsonl")
	putEventStream(t, c, app, "file://"+path)
	device := client(m, createClientKey(t, m, app))
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	want := ids("f", 12)
	deviceEvents(t, device, app, "device-1", want[:5], at)
	deviceEvents(t, device, app, "device-2", want[5:], at)
	var lines []string
	waitUntil(t, "12 lines in the file", 15*time.Second, func() bool {
		b, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		return len(b) > 0 && len(lines) >= 12
	})
	var got []string
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("a line is not a record: %q", l)
		}
		if rec["application"].(map[string]any)["app_id"] != app {
			t.Errorf("record of another app: %s", l)
		}
		got = append(got, rec["event_id"].(string))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the file holds records for %v, want %v", got, want)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files were written outside the stream directory: %v", entries)
	}
}
