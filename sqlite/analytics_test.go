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
// stored before it, with exactly what RecordEvents writes for them.
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
	want := analyticsSnapshot(t, db)

	// The database as it was before 0005, events and all.
	if _, err := db.write.ExecContext(ctx, `DROP TRIGGER analytics_delete_app;
		DROP TABLE analytics_rollups; DROP TABLE analytics_uniques;
		DELETE FROM schema_migrations WHERE version = 5`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(t, path)
	defer db.Close()
	if got := analyticsSnapshot(t, db); got != want {
		t.Errorf("after the backfill:\n%s\nwant (as RecordEvents wrote):\n%s", got, want)
	}
	if want == "" {
		t.Fatal("the fixture wrote no rollups")
	}
}

// backfillEvents: displays, clicks and dismissals of two campaigns and
// treatments over two days by a few endpoints, repeats included, an event
// of no campaign, and another app.
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
