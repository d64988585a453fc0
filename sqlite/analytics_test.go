package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// TestAnalyticsBackfill: migration 0005 fills the rollups from events
// stored before it, and 0009 then drops the uniques RecordEvents no longer
// keeps: together, exactly what RecordEvents writes for them.
func TestAnalyticsBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, path)
	for _, id := range []string{"app", "other"} {
		if err := db.CreateApp(ctx, &inapp.App{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecordEvents(ctx, backfillEvents()); err != nil {
		t.Fatal(err)
	}
	want := analyticsSnapshot(t, db) + uniquePairs(t, db)

	// The database as it was before 0005, events and all; 0009 runs again
	// after it, as it does when upgrading from before 0005.
	if _, err := db.write.ExecContext(ctx, `DROP TRIGGER analytics_delete_app;
		DROP TABLE analytics_rollups; DROP TABLE analytics_uniques;
		DELETE FROM schema_migrations WHERE version IN (5, 9)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(t, path)
	defer db.Close()
	if got := analyticsSnapshot(t, db) + uniquePairs(t, db); got != want {
		t.Errorf("after the backfill:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
	if want == "" {
		t.Fatal("the fixture wrote no rollups")
	}
}

// TestAnalyticsUniquesKeptMigration: 0009 removes, from a database that
// 0005 and RecordEvents filled before it, the unique pairs of event types
// whose uniques are not kept, and zeroes their rollups' uniques; displays
// and clicks are untouched, and counting goes on from there.
func TestAnalyticsUniquesKeptMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, path)
	for _, id := range []string{"app", "other"} {
		if err := db.CreateApp(ctx, &inapp.App{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecordEvents(ctx, backfillEvents()); err != nil {
		t.Fatal(err)
	}
	want := analyticsSnapshot(t, db) + uniquePairs(t, db)
	// What a version before 0009 wrote for the dismissals and the custom
	// events: their pairs (day and lifetime) and their rollups' uniques.
	if _, err := db.write.ExecContext(ctx, `
		INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
		SELECT app_id, campaign_id, day, event_type, treatment_id, e.id
		FROM analytics_rollups, (SELECT 'ep-0' AS id UNION ALL SELECT 'ep-1') e
		WHERE event_type IN ('_inapp.message_dismissed', 'purchase');
		UPDATE analytics_rollups SET uniques = 2 WHERE event_type IN ('_inapp.message_dismissed', 'purchase');
		DELETE FROM schema_migrations WHERE version = 9`); err != nil {
		t.Fatal(err)
	}
	if got := uniquePairs(t, db); !strings.Contains(got, "pairs purchase lifetime=true") {
		t.Fatalf("the fixture wrote no old pairs:\n%s", got)
	}
	db.Close()
	db = open(t, path)
	defer db.Close()
	if got := analyticsSnapshot(t, db) + uniquePairs(t, db); got != want {
		t.Errorf("after 0009:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
}

// uniquePairs counts the rows of analytics_uniques by event type, day
// and lifetime apart.
func uniquePairs(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.read.Query(`SELECT event_type, day = '*', count(*) FROM analytics_uniques GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var eventType string
		var lifetime bool
		var n int
		if err := rows.Scan(&eventType, &lifetime, &n); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("pairs %s lifetime=%v: %d\n", eventType, lifetime, n)
	}
	if err := rows.Err(); err != nil {
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

// analyticsSnapshot renders every app's rollups (daily and lifetime) and
// unique counts.
func analyticsSnapshot(t *testing.T, s inapp.AnalyticsStore) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	for _, app := range []string{"app", "other"} {
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

// TestAnalyticsQueryPlans keeps the analytics reads on their keys: a
// campaign's uniques are one key range, the app's one range per campaign
// with rollups in the days asked, and rollups one range of days.
func TestAnalyticsQueryPlans(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	for name, c := range map[string]struct {
		query string
		args  int
		want  []string
	}{
		"Rollups":                 {rollupsQuery, 5, []string{"SEARCH analytics_rollups USING PRIMARY KEY (app_id=? AND day>? AND day<?)"}},
		"campaign uniques":        {campaignUniquesQuery("day"), 5, []string{"SEARCH analytics_uniques USING PRIMARY KEY (app_id=? AND campaign_id=? AND day>? AND day<?)"}},
		"campaign uniques, total": {campaignUniquesQuery("''"), 5, []string{"SEARCH analytics_uniques USING PRIMARY KEY (app_id=? AND campaign_id=? AND day>? AND day<?)"}},
		"app uniques": {appUniquesQuery("campaign_id"), 8, []string{
			"SEARCH analytics_uniques USING PRIMARY KEY (app_id=? AND campaign_id=? AND day>? AND day<?)",
			"SEARCH analytics_rollups USING PRIMARY KEY (app_id=? AND day>? AND day<?)",
		}},
	} {
		args := make([]any, c.args)
		for i := range args {
			args[i] = "x"
		}
		rows, err := db.read.Query("EXPLAIN QUERY PLAN "+c.query, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, want := range c.want {
			if !slices.Contains(plan, want) {
				t.Errorf("%s: plan %q lacks %q", name, plan, want)
			}
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN analytics") {
				t.Errorf("%s scans a table: %q", name, plan)
			}
		}
	}
}
