package delivery

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// A full build compiled on several goroutines (compileAll) is the build
// compiled on one: the same entries, held campaigns and messages, and
// the same answer for every endpoint, although the conditions are
// numbered in another order. The app has 300 campaigns over 12 shared
// segments, some of them broken (a deleted segment, a missing template).
func TestParallelCompileMatchesSerial(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app", CreationDate: "2026-11-01T00:00:00.000Z"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	plans, platforms := []string{"gold", "silver", "free"}, []string{"web", "ios", "android"}
	for s := range 12 {
		seg := &inapp.Segment{ApplicationID: "app", ID: fmt.Sprint("seg-", s), Version: 1, SegmentType: "DIMENSIONAL",
			CreationDate: "2026-11-01T00:00:00.000Z", LastModifiedDate: "2026-11-01T00:00:00.000Z",
			Dimensions: &inapp.SegmentDimensions{
				Attributes: map[string]*inapp.AttributeDimension{"plan": {AttributeType: "INCLUSIVE", Values: []string{plans[rng.IntN(3)]}}},
				Demographic: &inapp.SegmentDemographics{Platform: &inapp.SetDimension{DimensionType: []string{"INCLUSIVE", "EXCLUSIVE"}[rng.IntN(2)],
					Values: []string{platforms[rng.IntN(3)]}}},
			}}
		if err := db.PutSegment(ctx, seg); err != nil {
			t.Fatal(err)
		}
	}
	for c := range 300 {
		camp := campaign(fmt.Sprintf("camp-%03d", c), rng.IntN(8), "", nil)
		camp.SegmentID, camp.Version, camp.LastModifiedDate = fmt.Sprint("seg-", rng.IntN(13)), 1, camp.CreationDate // seg-12 does not exist
		if rng.IntN(25) == 0 {
			camp.MessageConfiguration = nil
			camp.TemplateConfiguration = &inapp.TemplateConfiguration{InAppTemplate: &inapp.TemplateRef{Name: "missing"}}
		}
		if err := db.PutCampaign(ctx, camp); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for i := range 60 {
		ids = append(ids, fmt.Sprint("ep-", i))
	}
	if err := db.UpdateEndpoints(ctx, "app", ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		ep := inAppEndpoint(id)
		ep.Attributes["plan"] = []string{plans[rng.IntN(3)]}
		ep.Demographic.Platform = platforms[rng.IntN(3)]
		return ep, nil
	}); err != nil {
		t.Fatal(err)
	}

	build := func(minPerWorker int) (*Engine, *snapshot) {
		defer func(old int) { parallelCompileMin = old }(parallelCompileMin)
		parallelCompileMin = minPerWorker
		e := New(db, &inapp.FixedClock{T: now}, nil)
		snap, err := e.snapshot(ctx, "app")
		if err != nil {
			t.Fatal(err)
		}
		return e, snap
	}
	serialEngine, serial := build(1 << 30)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // 4 goroutines, whatever the machine
	parallelEngine, parallel := build(1)
	if s, p := describe(serial), describe(parallel); s != p {
		t.Fatalf("parallel build:\n%s\nserial build:\n%s", p, s)
	}
	if len(serial.held) == 0 || len(serial.entries) < 100 {
		t.Fatalf("the fixture held %d campaigns and delivers %d: it should have both", len(serial.held), len(serial.entries))
	}
	for _, id := range ids {
		s, err := serialEngine.InAppMessages(ctx, "app", id)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parallelEngine.InAppMessages(ctx, "app", id)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(s, p) {
			t.Errorf("%s: parallel build answers\n%s\nserial build\n%s", id, p, s)
		}
	}
}
