package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryPlans keeps the per-request and per-event queries on their
// indexes: a SCAN here would grow with the table.
func TestQueryPlans(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	for name, query := range map[string]string{
		"GetEndpoint":          `SELECT doc FROM endpoints WHERE app_id = ? AND id = ?`,
		"CapCounts":            `SELECT day, campaign_id, count FROM counters WHERE app_id = ? AND endpoint_id = ? AND day IN (?, ?)`,
		"EndpointActivity":     `SELECT time FROM endpoint_activity WHERE app_id = ? AND endpoint_id = ?`,
		"UserEndpoints":        `SELECT doc FROM endpoints WHERE app_id = ? AND user_id = ? ORDER BY rowid`,
		"EndpointsByAddresses": `SELECT doc FROM endpoints WHERE app_id = ? AND json_extract(doc, '$.Address') IN (?, ?, ?) ORDER BY rowid`,
		"ListEvents":           `SELECT event_id, time, cap_day, doc FROM events WHERE app_id = ? AND endpoint_id = ? ORDER BY time DESC, rowid DESC LIMIT ?`,
		"ListSegments":         segments.latestOf(),
		"ListCampaigns":        campaigns.latestOf(),
		"GetKey":               `SELECT doc FROM access_keys WHERE id = ?`,
		"SegmentMemberships":   `SELECT segment_id FROM segment_members WHERE app_id = ? AND endpoint_id = ?`,
		"CountSegmentMembers":  `SELECT count(*) FROM segment_members WHERE app_id = ? AND segment_id = ?`,
		"ListImportJobs":       `SELECT seq, doc, state FROM import_jobs WHERE app_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
	} {
		plan := queryPlan(t, db.read, name, query, 4)
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") {
				t.Errorf("%s scans a table: %q", name, plan)
			}
		}
		t.Logf("%s: %q", name, plan)
	}
}

// queryPlan is SQLite's plan for query (EXPLAIN QUERY PLAN, one detail
// line a step), with n placeholder arguments: their values do not change
// which index a plan takes.
func queryPlan(t *testing.T, db *sql.DB, name, query string, n int) []string {
	t.Helper()
	args := make([]any, n)
	for i := range args {
		args[i] = "x"
	}
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return plan
}
