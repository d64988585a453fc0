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
	path := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, path)
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	stream := &inapp.EventStream{ApplicationID: "app", DestinationStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s", RoleArn: "arn:aws:iam::123456789012:role/r"}
	if err := db.PutEventStream(ctx, stream); err != nil {
		t.Fatal(err)
	}
	// The database as 0006 left it.
	if _, err := db.write.ExecContext(ctx, `CREATE TRIGGER IF NOT EXISTS events_stream_outbox AFTER INSERT ON events
		WHEN EXISTS (SELECT 1 FROM event_streams WHERE app_id = NEW.app_id)
		BEGIN
			INSERT INTO stream_outbox (app_id, endpoint_id, event_id, arrival)
			VALUES (NEW.app_id, NEW.endpoint_id, NEW.event_id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
		END;
		DELETE FROM schema_migrations WHERE version = 10`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = open(t, path)
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
