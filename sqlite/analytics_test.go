package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

// analyticsFixture opens a database at path whose apps "app" and "other"
// hold storetest.BackfillEvents, and returns it with its analytics (and
// unique pairs) as RecordEvents wrote them.
func analyticsFixture(t *testing.T, path string) (*DB, string) {
	t.Helper()
	db := open(t, path)
	for _, id := range []string{"app", "other"} {
		if err := db.CreateApp(context.Background(), &inapp.App{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecordEvents(context.Background(), storetest.BackfillEvents()); err != nil {
		t.Fatal(err)
	}
	return db, storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db)
}

// TestAnalyticsBackfill: migration 0005 fills the rollups from events
// stored before it, and 0009 then drops the uniques RecordEvents no longer
// keeps: together, exactly what RecordEvents writes for them.
func TestAnalyticsBackfill(t *testing.T) {
	dir := t.TempDir()
	fixture, want := analyticsFixture(t, filepath.Join(dir, "fixture.db"))
	defer fixture.Close()
	if want == "" {
		t.Fatal("the fixture wrote no rollups")
	}
	// A database from before 0005 with the same apps and events; 0009
	// runs after it, as it does when upgrading from before 0005.
	path := filepath.Join(dir, "inappd.db")
	old := legacyDB(t, path, 4)
	copyRows(t, fixture.read, old, "apps")
	copyRows(t, fixture.read, old, "events")
	old.Close()
	db := open(t, path)
	defer db.Close()
	if got := storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db); got != want {
		t.Errorf("after the backfill:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
}

// TestAnalyticsUniquesKeptMigration: 0009 removes, from a database that
// 0005 and RecordEvents filled before it, the unique pairs of event types
// whose uniques are not kept, and zeroes their rollups' uniques; displays
// and clicks are untouched, and counting goes on from there.
func TestAnalyticsUniquesKeptMigration(t *testing.T) {
	dir := t.TempDir()
	fixture, want := analyticsFixture(t, filepath.Join(dir, "fixture.db"))
	defer fixture.Close()
	path := filepath.Join(dir, "inappd.db")
	old := legacyDB(t, path, 8)
	for _, table := range []string{"apps", "events", "analytics_rollups", "analytics_uniques"} {
		copyRows(t, fixture.read, old, table)
	}
	// What a version before 0009 wrote for the dismissals and the custom
	// events: their pairs (day and lifetime) and their rollups' uniques.
	if _, err := old.Exec(`
		INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
		SELECT app_id, campaign_id, day, event_type, treatment_id, e.id
		FROM analytics_rollups, (SELECT 'ep-0' AS id UNION ALL SELECT 'ep-1') e
		WHERE event_type IN ('_inapp.message_dismissed', 'purchase');
		UPDATE analytics_rollups SET uniques = 2 WHERE event_type IN ('_inapp.message_dismissed', 'purchase')`); err != nil {
		t.Fatal(err)
	}
	var oldPairs int
	if err := old.QueryRow(`SELECT count(*) FROM analytics_uniques WHERE event_type = 'purchase' AND day = '*'`).Scan(&oldPairs); err != nil || oldPairs == 0 {
		t.Fatalf("the fixture wrote no old pairs (%v)", err)
	}
	old.Close()
	db := open(t, path)
	defer db.Close()
	if got := storetest.AnalyticsSnapshot(t, db, "app", "other") + uniquePairs(t, db); got != want {
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
		plan := queryPlan(t, db.read, name, c.query, c.args)
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
