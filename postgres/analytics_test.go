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
	events := backfillEvents()
	nul := &inapp.Event{EventType: inapp.EventDisplayed, Timestamp: "2026-11-20T10:00:00Z", Attributes: map[string]string{"campaign_id": "a\x00b"}}
	events = append(events, &inapp.EventRecord{AppID: "nul", EndpointID: "ep", EventID: "ev", Event: nul, Time: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)})
	if _, err := db.RecordEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	want := analyticsSnapshot(t, db, "app", "other")
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
	if got := analyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other"); got != want {
		t.Errorf("after the backfill:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
	if got := analyticsSnapshot(t, db, "nul"); got != "nul uniques by 0: map[]\nnul uniques by 1: map[]\nnul uniques by 3: map[]\nnul unique clickers by day: map[]\n" {
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
	if _, err := db.RecordEvents(ctx, backfillEvents()); err != nil {
		t.Fatal(err)
	}
	want := analyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other")
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
	if got := analyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db, "app", "other"); got != want {
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

// backfillEvents: displays, clicks and dismissals of two campaigns and
// treatments over two days by a few endpoints, repeats included, custom
// events with and without a campaign, and another app.
func backfillEvents() []*inapp.EventRecord {
	at := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
	var out []*inapp.EventRecord
	n := 0
	add := func(app, endpoint, eventType string, attrs map[string]string, t time.Time) {
		n++
		e := &inapp.Event{EventType: eventType, Timestamp: inapp.FormatTime(t), Attributes: attrs}
		out = append(out, &inapp.EventRecord{AppID: app, EndpointID: endpoint, EventID: fmt.Sprint("ev-", n), Event: e, Time: t})
	}
	for i := range 12 {
		endpoint := fmt.Sprint("ep-", i%4)
		t := at.Add(time.Duration(i) * 10 * time.Minute) // crosses midnight UTC
		add("app", endpoint, inapp.EventDisplayed, map[string]string{"campaign_id": "spring", "treatment_id": fmt.Sprint(i % 2)}, t)
		if i%3 == 0 {
			add("app", endpoint, inapp.EventClicked, map[string]string{"campaign_id": "spring", "treatment_id": fmt.Sprint(i % 2)}, t)
		}
		add("app", endpoint, inapp.EventDismissed, map[string]string{"campaign_id": "autumn"}, t) // main treatment by default
		if i%4 == 0 {
			add("app", endpoint, "purchase", map[string]string{"campaign_id": "spring"}, t) // counted, no uniques
		}
		add("app", endpoint, "_session.start", nil, t)
	}
	add("other", "ep-0", inapp.EventDisplayed, map[string]string{"campaign_id": "spring", "treatment_id": ""}, at)
	return out
}

// analyticsSnapshot renders the apps' rollups (daily and lifetime) and
// unique counts.
func analyticsSnapshot(t *testing.T, s inapp.AnalyticsStore, apps ...string) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	for _, app := range apps {
		for _, r := range [][2]string{{"2026-11-01", "2026-11-30"}, {inapp.AllTime, inapp.AllTime}} {
			rows, err := s.Rollups(ctx, app, "", r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rows {
				out += fmt.Sprintf("%s %s %s/%s %s %d/%d\n", app, x.Day, x.CampaignID, x.TreatmentID, x.EventType, x.Count, x.Uniques)
			}
		}
		for _, by := range []inapp.UniqueGrouping{inapp.UniqueTotal, inapp.UniqueByCampaign, inapp.UniqueByDay} {
			u, err := s.UniqueEndpoints(ctx, inapp.UniqueQuery{AppID: app, EventType: inapp.EventDisplayed, From: "2026-11-01", To: "2026-11-30", By: by})
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s uniques by %d: %v\n", app, by, u)
		}
		u, err := s.UniqueEndpoints(ctx, inapp.UniqueQuery{AppID: app, EventType: inapp.EventClicked, From: "2026-11-01", To: "2026-11-30", By: inapp.UniqueByDay})
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s unique clickers by day: %v\n", app, u)
	}
	return out
}
