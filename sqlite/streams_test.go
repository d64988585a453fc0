package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// TestOutboxTriggerMigration: a database from before migration 0010 has
// the trigger that queued events; after the upgrade RecordEvents queues
// them instead, and nothing is queued twice (trigger and writer) or not
// at all.
func TestOutboxTriggerMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fixture := open(t, filepath.Join(dir, "fixture.db"))
	defer fixture.Close()
	if err := fixture.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	stream := &inapp.EventStream{ApplicationID: "app", DestinationStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s", RoleArn: "arn:aws:iam::123456789012:role/r"}
	if err := fixture.PutEventStream(ctx, stream); err != nil {
		t.Fatal(err)
	}
	// The database as 0006 left it, trigger and all, with the app and its
	// stream.
	path := filepath.Join(dir, "inappd.db")
	old := legacyDB(t, path, 9)
	copyRows(t, fixture.read, old, "apps")
	copyRows(t, fixture.read, old, "event_streams")
	var triggers int
	if err := old.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'events_stream_outbox'`).Scan(&triggers); err != nil || triggers != 1 {
		t.Fatalf("the old database has %d outbox triggers (%v)", triggers, err)
	}
	old.Close()

	db := open(t, path)
	defer db.Close()
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	event := func(id string) *inapp.EventRecord {
		return &inapp.EventRecord{AppID: "app", EndpointID: "ep", EventID: id, Time: at,
			Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at)}}
	}
	for _, batch := range [][]*inapp.EventRecord{{event("e1"), event("e2")}, {event("e2"), event("e3")}} {
		if _, err := db.RecordEvents(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	items, err := db.ReadOutbox(ctx, "app", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.EventID)
	}
	if want := []string{"e1", "e2", "e3"}; !slices.Equal(got, want) {
		t.Errorf("queued after the upgrade: %v, want %v", got, want)
	}
}
