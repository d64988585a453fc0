package pinpointapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/segtest"
	"github.com/inappd/inappd/postgres"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/sqlite"
	"github.com/inappd/inappd/targeting"
)

// estimateFixture is the generated endpoints of one app and segments over
// them, stored in a real store.
type estimateFixture struct {
	app       string
	endpoints []*inapp.Endpoint
	segs      *segtest.Segments
}

func newEstimateFixture(t *testing.T, store inapp.Store, app string, n int, seed uint64) *estimateFixture {
	t.Helper()
	ctx := context.Background()
	if err := store.CreateApp(ctx, &inapp.App{ID: app, Name: app}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	f := &estimateFixture{app: app}
	ids := make([]string, n)
	byID := map[string]*inapp.Endpoint{}
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%05d", app, (i*7919)%n) // not in key order
		e := segtest.Endpoint(r, ids[i])
		e.ApplicationID = app
		f.endpoints = append(f.endpoints, e)
		byID[ids[i]] = e
	}
	for start := 0; start < n; start += 2000 {
		err := store.UpdateEndpoints(ctx, app, ids[start:min(start+2000, n)], func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
			return byID[id], nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	f.segs = segtest.NewSegments(r, 40, ids)
	members, ok := store.(interface {
		AddSegmentMembers(ctx context.Context, appID, segmentID string, endpointIDs []string) error
	})
	if !ok {
		t.Fatalf("%T cannot store imported segments", store)
	}
	for segID, set := range f.segs.Members {
		var in []string
		for id := range set {
			in = append(in, id)
		}
		if err := members.AddSegmentMembers(ctx, app, segID, in); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// check compares the server's count of every segment with Match over the
// endpoints as generated (no store, no decoding): the estimate (the
// document scan, for these stores) and the ScanEndpoints path.
func (f *estimateFixture) check(t *testing.T, store inapp.Store) {
	t.Helper()
	ctx := context.Background()
	s := &Server{Store: store, Clock: &inapp.FixedClock{T: segtest.Now}}
	if _, ok := store.(endpointDocScanner); !ok {
		t.Fatalf("%T does not hand out endpoint documents", store)
	}
	members, _ := store.(segmentMemberships)
	var some int
	for _, seg := range f.segs.All {
		compiled, err := targeting.CompileSegment(seg, f.segs.Lookup)
		if err != nil {
			t.Fatal(err)
		}
		var matched, inApp int
		for _, e := range f.endpoints {
			sub := &targeting.Subject{Endpoint: e, LastActive: targeting.LastActive(e, time.Time{}), Now: segtest.Now, Member: f.segs.Member}
			if compiled.Match(sub) {
				matched++
				if e.ReceivesInApp() {
					inApp++
				}
			}
		}
		want := fmt.Sprintf("scanned %d, matched %d, in-app %d", len(f.endpoints), matched, inApp)
		got, err := s.countMembers(ctx, f.app, compiled)
		if err != nil {
			t.Fatal(err)
		}
		if g := fmt.Sprintf("scanned %d, matched %d, in-app %d", got["EndpointsScanned"], got["Estimate"], got["InAppEstimate"]); g != want {
			t.Errorf("%s: estimate %s, want %s", seg.ID, g, want)
		}
		var m segmentMemberships
		if compiled.UsesMembership() {
			m = members
		}
		sc, mt, in, err := countMemberEndpoints(ctx, store, f.app, compiled, m, segtest.Now)
		if err != nil {
			t.Fatal(err)
		}
		if g := fmt.Sprintf("scanned %d, matched %d, in-app %d", sc, mt, in); g != want {
			t.Errorf("%s: over ScanEndpoints %s, want %s", seg.ID, g, want)
		}
		if matched > 0 && matched < len(f.endpoints) {
			some++
		}
	}
	if some < len(f.segs.All)/3 {
		t.Errorf("only %d of %d segments match some but not all endpoints: weak cases", some, len(f.segs.All))
	}
}

// TestEstimateSQLite: an app that holds most of the table (scanned in
// table order) and a small one (through its index), with rows of both
// interleaved.
func TestEstimateSQLite(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	big := newEstimateFixture(t, db, "big", 9000, 1)
	small := newEstimateFixture(t, db, "small", 400, 2)
	big.check(t, db)
	small.check(t, db)
}

func TestEstimatePostgres(t *testing.T) {
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := newEstimateFixture(t, db, "app", 1200, 3)
	f.check(t, db)
}
