package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	inapp "github.com/inappd/inappd"
)

// TestEstimateScanOrders: an app holding most of the endpoints table is scanned in
// table order (rowid windows, read concurrently), a small one through its
// index; either way every endpoint of the app once and no other app's,
// with rows of three apps interleaved and some deleted.
func TestEstimateScanOrders(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	apps := map[string]int{"big": 9000, "small": 300, "mid": 1500}
	for app := range apps {
		if err := db.CreateApp(ctx, &inapp.App{ID: app, Name: app}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{}
	// Interleaved: each round adds a slice of every app's endpoints.
	for round := range 10 {
		for app, n := range apps {
			var ids []string
			for i := round * n / 10; i < (round+1)*n/10; i++ {
				ids = append(ids, fmt.Sprintf("%s-%05d", app, (i*7919)%n)) // not in key order
			}
			err := db.UpdateEndpoints(ctx, app, ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
				return &inapp.Endpoint{ID: id, ApplicationID: app, ChannelType: "IN_APP"}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want[app] = append(want[app], ids...)
		}
	}
	for app, ids := range want {
		for i := 0; i < len(ids); i += 97 {
			if _, err := db.DeleteEndpoint(ctx, app, ids[i]); err != nil {
				t.Fatal(err)
			}
			ids[i] = ""
		}
		want[app] = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
		slices.Sort(want[app])
	}

	for app, tableOrder := range map[string]bool{"big": true, "small": false, "mid": true} {
		_, concurrent, done, err := db.endpointDocs(ctx, app)
		if err != nil {
			t.Fatal(err)
		}
		done()
		if concurrent != tableOrder {
			t.Errorf("%s (%d of %d endpoints): table order %v, want %v", app, len(want[app]), len(want["big"])+len(want["small"])+len(want["mid"]), concurrent, tableOrder)
		}

		var got []string
		if err := db.ScanEndpoints(ctx, app, func(e *inapp.Endpoint) bool { got = append(got, e.ID); return true }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want[app]) {
			t.Errorf("ScanEndpoints(%s): %d endpoints, want %d (%s)", app, len(got), len(want[app]), firstDiff(got, want[app]))
		}

		var mu sync.Mutex
		got = got[:0]
		err = db.ScanEndpointDocs(ctx, app, func(docs []string) error {
			for _, doc := range docs {
				e, err := inapp.DecodeEndpoint(doc)
				if err != nil {
					return err
				}
				mu.Lock()
				got = append(got, e.ID)
				mu.Unlock()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want[app]) {
			t.Errorf("ScanEndpointDocs(%s): %d endpoints, want %d (%s)", app, len(got), len(want[app]), firstDiff(got, want[app]))
		}
	}

	boom := fmt.Errorf("stop")
	calls := 0
	var mu sync.Mutex
	err := db.ScanEndpointDocs(ctx, "big", func([]string) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return boom
	})
	if err != boom || calls > runtime.GOMAXPROCS(0) {
		t.Errorf("ScanEndpointDocs with fn failing: %v after %d calls, want %v after at most one per goroutine", err, calls, boom)
	}
	if err := db.ScanEndpointDocs(ctx, "missing", func([]string) error { return nil }); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		t.Errorf("ScanEndpointDocs of a missing app: %v, want ENOTFOUND", err)
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at %d: %q, want %q", i, got[i], want[i])
		}
	}
	return "one is a prefix of the other"
}

// TestEstimateScanQueryPlans: the table-order scan reads a rowid range, not the
// app_id index (which would read every entry of the app per window); the
// probe and the range bounds read only the index or the ends of the table.
func TestEstimateScanQueryPlans(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	for _, q := range []struct {
		name, sql string
		n         int
		want      string
	}{
		{"scanByRowid", scanByRowidSQL, 3, "SEARCH endpoints USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"},
		{"scanByKey", scanByKeySQL, 3, "SEARCH endpoints USING INDEX sqlite_autoindex_endpoints_1 (app_id=? AND id>?)"},
		{"scanProbe", scanProbeSQL, 2, "SEARCH endpoints USING COVERING INDEX sqlite_autoindex_endpoints_1 (app_id=?)"},
	} {
		plan := queryPlan(t, db.read, q.name, q.sql, q.n)
		if !slices.Contains(plan, q.want) {
			t.Errorf("%s: plan %q, want a step %q", q.name, plan, q.want)
		}
	}
	plan := queryPlan(t, db.read, "rowidSpan", rowidSpanSQL, 0)
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN endpoints") && !strings.Contains(step, "INDEX") {
			t.Errorf("rowidSpan reads the whole table: %q", plan)
		}
	}
	t.Logf("rowidSpan: %q", plan)
}
