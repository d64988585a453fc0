package sqlite

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

// TestStoreRetention runs the store suite's retention tests alone (TestStore
// runs them too).
func TestStoreRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T) inapp.Store {
		db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestPruneQueryPlans keeps the retention deletes on indexes: a SCAN of
// events, counters or the analytics tables would read the whole table on
// every batch. (The apps table is read whole: it holds one row per app.)
func TestPruneQueryPlans(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	for name, c := range map[string]struct {
		query string
		args  int
		want  []string
	}{
		"events": {pruneEventsSQL, 2, []string{
			"SEARCH events USING COVERING INDEX events_by_time (time<?)",
			"SEARCH events USING INTEGER PRIMARY KEY (rowid=?)",
		}},
		"activity": {pruneActivitySQL, 3, []string{"SEARCH endpoint_activity USING PRIMARY KEY (app_id=? AND endpoint_id=?)"}},
		"counters": {pruneCountersSQL, 2, []string{
			"SEARCH counters USING COVERING INDEX counters_by_day (day<?)",
			"SEARCH counters USING PRIMARY KEY (app_id=? AND endpoint_id=? AND day=? AND campaign_id=?)",
		}},
		"old analytics": {oldRollupCampaignsSQL, 1, []string{"SEARCH r USING PRIMARY KEY (app_id=? AND day>? AND day<?)"}},
		"uniques": {pruneUniquesSQL, 4, []string{
			"SEARCH analytics_uniques USING PRIMARY KEY (app_id=? AND campaign_id=? AND day>? AND day<?)",
		}},
		"rollups": {pruneRollupsSQL, 4, []string{"SEARCH analytics_rollups USING PRIMARY KEY (app_id=? AND day>? AND day<?)"}},
	} {
		plan := queryPlan(t, db.events, name, c.query, c.args)
		t.Logf("%s: %q", name, plan)
		for _, want := range c.want {
			if !slices.Contains(plan, want) {
				t.Errorf("%s: plan %q lacks %q", name, plan, want)
			}
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN a ") {
				t.Errorf("%s scans a table: %q", name, plan)
			}
		}
	}
}
