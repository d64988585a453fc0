package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	"github.com/jackc/pgx/v5"

	"github.com/inappd/inappd/sqlite"

	"github.com/inappd/inappd/internal/syncbuf"
)

// TestPutEventsFullQueue: while the database takes no writes, a queue of
// 150 events fills and every PutEvents beyond it gets Pinpoint's
// throttling answer at once (429 TooManyRequestsException, Retry-After).
// A request is admitted only while the queue has room for the most events
// one may carry (100), taken before its body is decoded.
// Once the database takes writes again, the requests the queue held are
// stored and answered 202, the throttled ones were not stored, and sent
// again they are stored once; a client with the SDK's standard retryer
// gets through by itself.
//
// The log says so once, not once per refused request.
func TestPutEventsFullQueue(t *testing.T) {
	t.Parallel()
	m := newTestMain(t)
	m.Config.EventQueue = 150
	logs := &syncbuf.Buffer{}
	m.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	useTestBackend(t, m)
	runTestMain(t, m)
	c := client(m, nil)
	app := createApp(t, c, "full-queue")
	now := time.Now()
	const perRequest, requests = 50, 6
	input := func(i int) *pinpoint.PutEventsInput {
		events := map[string]types.Event{}
		for k := range perRequest {
			events[fmt.Sprintf("r%d-e%02d", i, k)] = types.Event{EventType: aws.String("screen_viewed"), Timestamp: aws.String(isoTime(now))}
		}
		return &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
			fmt.Sprintf("d%d", i): {Endpoint: &types.PublicEndpoint{}, Events: events},
		}}}
	}
	stored := func(i int) int {
		return len(listEvents(t, m, app, fmt.Sprintf("d%d", i), "?limit=500").Events)
	}

	release := holdWrites(t, m)
	// Request 0 is taken by the writer, which then waits for the
	// database; requests 1 and 2 fill the queue: 50 events queued and
	// 100 reserved leave no room for request 3's 100.
	answers := make(chan error, 4)
	for i := range 3 {
		go func() {
			_, err := c.PutEvents(context.Background(), input(i))
			answers <- err
		}()
		waitUntil(t, fmt.Sprintf("request %d queued", i), 3*time.Second, func() bool {
			s := m.events.Stats()
			return s.Requests == int64(i+1) && s.Pending == i*perRequest
		})
	}
	for i := 3; i < requests; i++ {
		_, err := c.PutEvents(t.Context(), input(i))
		wantErr[types.TooManyRequestsException](t, err)
	}
	// The raw answer: Pinpoint's error format, and when to come back.
	raw := rawJSON(t, m, nil, "POST", "/v1/apps/"+app+"/events", input(requests).EventsRequest)
	wantRawError(t, raw, "TooManyRequestsException")
	if got := raw.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	// A full queue answers before decoding the body: a request it could
	// not have taken anyway costs no decoding.
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(`{"BatchItem":`)), "TooManyRequestsException")
	if s := m.events.Stats(); s.Throttled != requests-3+2 {
		t.Errorf("writer counted %d throttled requests, want %d", s.Throttled, requests-3+2)
	}
	if n := strings.Count(logs.String(), "PutEvents at capacity"); n != 1 {
		t.Errorf("%d refused requests logged %d capacity lines, want 1:\n%s", requests-3+2, n, logs)
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "op=PutEvents") {
			t.Errorf("a refused PutEvents logged a line of its own: %s", line)
		}
	}

	// The SDK's standard retryer takes the 429 for throttling and tries
	// again: the request gets through once there is room.
	retrying := pinpoint.New(c.Options(), func(o *pinpoint.Options) {
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts, o.MaxBackoff = 50, 100*time.Millisecond
		})
	})
	throttled := m.events.Stats().Throttled
	go func() {
		_, err := retrying.PutEvents(context.Background(), input(requests+1))
		answers <- err
	}()
	waitUntil(t, "the retrying client throttled", 3*time.Second, func() bool { return m.events.Stats().Throttled > throttled })

	// Event writes held and the queue full, marketers and devices are
	// not held: a segment, a campaign and an endpoint are written, and
	// GetInAppMessages serves the campaign at once. (A write that waited
	// for the events would fail at the deadline, before SQLite's busy
	// timeout.)
	wctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	seg, err := c.CreateSegment(wctx, &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: attrSegment("held", "plan", "gold")})
	if err != nil {
		t.Fatalf("CreateSegment while event writes are held: %v", err)
	}
	_, err = c.CreateCampaign(wctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app),
		WriteCampaignRequest: campaignRequest("held", str(seg.SegmentResponse.Id), 1)})
	if err != nil {
		t.Fatalf("CreateCampaign while event writes are held: %v", err)
	}
	_, err = c.UpdateEndpoint(wctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("gold-device"),
		EndpointRequest: inAppEndpoint("", map[string][]string{"plan": {"gold"}})})
	if err != nil {
		t.Fatalf("UpdateEndpoint while event writes are held: %v", err)
	}
	msgs, err := c.GetInAppMessages(wctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String("gold-device")})
	if err != nil || len(msgs.InAppMessagesResponse.InAppMessageCampaigns) != 1 {
		t.Fatalf("GetInAppMessages while event writes are held: %+v, %v; want the campaign just made", msgs, err)
	}

	release()
	for range 4 {
		if err := <-answers; err != nil {
			t.Errorf("a request the queue held, or the retrying one, failed: %v", err)
		}
	}
	for i := range requests + 2 {
		want := 0
		if i < 3 || i == requests+1 {
			want = perRequest
		}
		if n := stored(i); n != want {
			t.Errorf("endpoint d%d: %d events stored, want %d", i, n, want)
		}
	}
	// Sent again, the throttled requests are stored; request 0 again
	// changes nothing (its event IDs are stored already).
	for _, i := range []int{0, 3, 4, 5} {
		out, err := c.PutEvents(t.Context(), input(i))
		if err != nil {
			t.Fatalf("request %d sent again: %v", i, err)
		}
		wantStatus(t, out.ResultMetadata, 202)
		if n := stored(i); n != perRequest {
			t.Errorf("endpoint d%d after the retry: %d events stored, want %d", i, n, perRequest)
		}
	}
}

// holdWrites keeps m's database from taking event writes until the
// returned release is called (or the test ends): the write lock of
// SQLite's events file, from a connection of its own, or on PostgreSQL a
// lock on the events table that inserts wait for. SQLite's writer gives
// up after its busy timeout (5 s): release before that.
func holdWrites(t *testing.T, m *Main) (release func()) {
	t.Helper()
	ctx := t.Context()
	var undo func() error
	if dsn := m.Config.Postgres; dsn != "" {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect to PostgreSQL: %v", err)
		}
		tx, err := conn.Begin(ctx)
		if err == nil {
			_, err = tx.Exec(ctx, "LOCK TABLE events IN SHARE MODE")
		}
		if err != nil {
			conn.Close(ctx)
			t.Fatalf("lock the events table: %v", err)
		}
		undo = func() error {
			defer conn.Close(context.Background())
			return tx.Rollback(context.Background())
		}
	} else {
		// The events file's lock: event batches are written there.
		db, err := sql.Open("sqlite", "file:"+sqlite.EventsPath(filepath.Join(m.Config.DataDir, "inappd.db")))
		if err != nil {
			t.Fatal(err)
		}
		conn, err := db.Conn(ctx)
		if err == nil {
			_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		}
		if err != nil {
			db.Close()
			t.Fatalf("take the SQLite events file's write lock: %v", err)
		}
		undo = func() error {
			defer db.Close()
			defer conn.Close()
			_, err := conn.ExecContext(context.Background(), "ROLLBACK")
			return err
		}
	}
	done := false
	release = func() {
		if !done {
			done = true
			if err := undo(); err != nil {
				t.Errorf("release the write lock: %v", err)
			}
		}
	}
	t.Cleanup(release)
	return release
}

// TestEventQueueFlag: --event-queue (or INAPPD_EVENT_QUEUE) sizes the
// queue; one smaller than a full PutEvents request stops the start with
// a message that says so.
func TestEventQueueFlag(t *testing.T) {
	for _, c := range []struct {
		args    []string
		env     string
		want    int
		wantErr string
	}{
		{nil, "", 40_000, ""},
		{[]string{"--event-queue", "5000"}, "", 5000, ""},
		{nil, "250", 250, ""},
		{[]string{"--event-queue=800"}, "250", 800, ""},
		{[]string{"--event-queue", "99"}, "", 0, "--event-queue 99: the queue must hold at least one full PutEvents request (100 events)"},
		{nil, "lots", 0, `INAPPD_EVENT_QUEUE: parse error`},
	} {
		m := NewMain()
		err := m.ParseFlags(c.args, func(k string) string {
			if k == "INAPPD_EVENT_QUEUE" {
				return c.env
			}
			return ""
		})
		switch {
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("args %q, INAPPD_EVENT_QUEUE=%q: %v; want an error saying %s", c.args, c.env, err, c.wantErr)
		case c.wantErr == "" && (err != nil || m.Config.EventQueue != c.want):
			t.Errorf("args %q, INAPPD_EVENT_QUEUE=%q: queue %d, %v; want %d", c.args, c.env, m.Config.EventQueue, err, c.want)
		}
	}
}
