package postgres

import (
	"strings"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

// TestPostgresStoreRetention runs the store suite's retention tests alone
// (TestPostgresStore runs them too), in one database emptied before each.
func TestPostgresStoreRetention(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	storetest.RunRetention(t, func(t *testing.T) inapp.Store {
		pgtest.Reset(t, dsn)
		return open(t, dsn)
	})
}

// TestPostgresPruneQueryPlans keeps the retention deletes on indexes, the
// way TestPostgresQueryPlans does for the hot paths: sequential scans are
// priced out, so a plan that still has one has no index to use and would
// read the whole table on every batch.
func TestPostgresPruneQueryPlans(t *testing.T) {
	plan := queryPlanner(t, open(t, pgtest.NewDatabase(t)))
	for name, q := range map[string]struct {
		sql  string
		args []any
		want []string // what the plan must hold: the indexes it uses
	}{
		"events":        {pruneEventsSQL, []any{int64(1), int64(10), int64(1)}, []string{"events_by_time", "endpoint_activity_pkey"}},
		"counters":      {pruneCountersSQL, []any{"2026-01-01", int64(10)}, []string{"counters_by_day"}},
		"old analytics": {oldRollupCampaignsSQL, []any{"2026-01-01"}, []string{"analytics_rollups_pkey", "Index Cond: ((app_id = a.id)"}},
		"uniques":       {pruneUniquesSQL, []any{"a", "c", "2026-01-01", int64(10)}, []string{"analytics_uniques_pkey"}},
		"rollups":       {pruneRollupsSQL, []any{"a", "2026-01-01", "c", int64(10)}, []string{"analytics_rollups_pkey", "analytics_uniques_pkey"}},
	} {
		text := plan(name, q.sql, q.args...)
		if strings.Contains(text, "Seq Scan") {
			t.Errorf("%s scans a table:\n%s", name, text)
		}
		for _, index := range q.want {
			if !strings.Contains(text, index) {
				t.Errorf("%s does not use %s:\n%s", name, index, text)
			}
		}
		if testing.Verbose() {
			t.Logf("%s:\n%s", name, text)
		}
	}
}
