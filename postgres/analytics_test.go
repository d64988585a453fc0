package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

// TestPostgresAnalyticsBackfill: migration 0005 fills the rollups from
// events stored before it, and 0009 then drops the uniques RecordEvents
// no longer keeps: together, exactly what RecordEvents writes for them.
// 0005 skips (rather than fails on) a document PostgreSQL cannot
// read as JSON text.
func TestPostgresAnalyticsBackfill(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	db := open(t, dsn)
	for _, id := range []string{"app", "other", "nul"} {
		if err := db.CreateApp(ctx, &inapp.App{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	events := storetest.BackfillEvents()
	nul := &inapp.Event{EventType: inapp.EventDisplayed, Timestamp: "2026-11-20T10:00:00Z", Attributes: map[string]string{"campaign_id": "a\x00b"}}
	events = append(events, &inapp.EventRecord{AppID: "nul", EndpointID: "ep", EventID: "ev", Event: nul, Time: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)})
	if _, err := db.RecordEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	want := storetest.AnalyticsSnapshot(t, db, "app", "other")
	if want == "" {
		t.Fatal("the fixture wrote no rollups")
	}
	want += uniquePairs(t, db, "app", "other")

	// The database as it was before 0005, events and all; 0009 runs again
	// after it, as it does when upgrading from before 0005.
	if _, err := db.pool.Exec(ctx, `DROP TRIGGER apps_analytics_delete ON apps;
		DROP FUNCTION inappd_analytics_forget_apps();
		DROP TABLE analytics_rollups, analytics_uniques;
		DELETE FROM schema_migrations WHERE version IN (5, 9)`); err != nil {
		t.Fatal(err)
	}
	db = open(t, dsn)
	if got := storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other"); got != want {
		t.Errorf("after the backfill:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
	if got := storetest.AnalyticsSnapshot(t, db, "nul"); got != "nul uniques by 0: map[]\nnul uniques by 1: map[]\nnul uniques by 3: map[]\nnul unique clickers by day: map[]\n" {
		t.Errorf("the event with a NUL in its campaign_id was backfilled:\n%s", got)
	}
}

// TestPostgresAnalyticsUniquesKeptMigration: 0009 removes, from a
// database that an earlier version filled, the unique pairs of event
// types whose uniques are not kept, and zeroes their rollups' uniques (in
// every shard); displays and clicks are untouched.
func TestPostgresAnalyticsUniquesKeptMigration(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	db := open(t, dsn)
	for _, id := range []string{"app", "other"} {
		if err := db.CreateApp(ctx, &inapp.App{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecordEvents(ctx, storetest.BackfillEvents()); err != nil {
		t.Fatal(err)
	}
	want := storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other")
	// What a version before 0009 wrote for the dismissals and the custom
	// events: their pairs (day and lifetime) and their rollups' uniques.
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
		SELECT DISTINCT app_id, campaign_id, day, event_type, treatment_id, e.id
		FROM analytics_rollups, (VALUES ('ep-0'), ('ep-1')) e(id)
		WHERE event_type IN ('_inapp.message_dismissed', 'purchase');
		UPDATE analytics_rollups SET uniques = 2 WHERE event_type IN ('_inapp.message_dismissed', 'purchase');
		DELETE FROM schema_migrations WHERE version = 9`); err != nil {
		t.Fatal(err)
	}
	if got := uniquePairs(t, db, "app", "other"); !strings.Contains(got, "pairs purchase lifetime=true") {
		t.Fatalf("the fixture wrote no old pairs:\n%s", got)
	}
	db = open(t, dsn)
	if got := storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other"); got != want {
		t.Errorf("after 0009:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
}

// uniquePairs counts the apps' rows of analytics_uniques by event type,
// day and lifetime apart.
func uniquePairs(t *testing.T, db *DB, apps ...string) string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), `SELECT event_type, day = '*', count(*) FROM analytics_uniques
		WHERE app_id = ANY ($1) GROUP BY 1, 2 ORDER BY 1, 2`, apps)
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	var eventType string
	var lifetime bool
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&eventType, &lifetime, &n}, func() error {
		out += fmt.Sprintf("pairs %s lifetime=%v: %d\n", eventType, lifetime, n)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
