package delivery

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// countingStore counts the full reads of an app's campaigns.
type countingStore struct {
	*sqlite.DB
	full int
}

func (c *countingStore) AllCampaigns(ctx context.Context, appID string) ([]*inapp.Campaign, error) {
	c.full++
	return c.DB.AllCampaigns(ctx, appID)
}

// describe is everything of a snapshot that GetInAppMessages and Explain
// read, as text.
func describe(s *snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "caps %v activity %v membership %v inputs %x\n", s.usesCaps, s.usesActivity, s.usesMembership, s.inputs)
	for _, list := range []struct {
		name    string
		entries []*entry
	}{{"deliverable", s.entries}, {"held", s.held}} {
		for _, e := range list.entries {
			fmt.Fprintf(&b, "%s %s v%d prio %d holdout %d sizes %v caps %d/%d/%d segment %v broken %q gone %v end %v\n",
				list.name, e.id, e.camp.Version, e.priority, e.holdout, e.sizes, e.daily, e.session, e.total, e.segment != nil, e.broken, e.segmentGone, e.endTime)
			for _, t := range e.treatments {
				fmt.Fprintf(&b, "  %s\n", t.body)
			}
		}
	}
	return b.String()
}

// Rebuilds that read only the documents that changed build the same
// snapshot as a build that reads everything, through random admin writes
// on SQLite: campaigns and segments created, updated (new versions),
// pinned to a segment version or following the latest, paused, deleted,
// and the app's default caps changed.
func TestIncrementalRebuildMatchesFullBuild(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := &countingStore{DB: db}
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app", CreationDate: "2026-11-01T00:00:00.000Z"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	clock := 0
	stamp := func() string {
		clock++
		return inapp.FormatTime(now.Add(-time.Hour + time.Duration(clock)*time.Second))
	}
	plans := []string{"gold", "silver", "free", "trial"}
	segDims := func() *inapp.SegmentDimensions {
		return &inapp.SegmentDimensions{Attributes: map[string]*inapp.AttributeDimension{
			"plan": {AttributeType: []string{"INCLUSIVE", "EXCLUSIVE"}[rng.IntN(2)], Values: []string{plans[rng.IntN(len(plans))]}}}}
	}
	var segIDs, campIDs []string
	newSegment := func() {
		id := fmt.Sprintf("seg-%03d", len(segIDs))
		seg := &inapp.Segment{ApplicationID: "app", ID: id, Version: 1, SegmentType: "DIMENSIONAL", Dimensions: segDims(),
			CreationDate: stamp(), LastModifiedDate: stamp()}
		if err := db.PutSegment(ctx, seg); err != nil {
			t.Fatal(err)
		}
		segIDs = append(segIDs, id)
	}
	target := func(c *inapp.Campaign) {
		c.SegmentID, c.SegmentVersion = segIDs[rng.IntN(len(segIDs))], 0
		if rng.IntN(3) == 0 {
			if s, err := db.GetSegment(ctx, "app", c.SegmentID, 0); err == nil {
				c.SegmentVersion = s.Version // pinned
			}
		}
	}
	newCampaign := func() {
		id := fmt.Sprintf("camp-%03d", len(campIDs))
		c := campaign(id, rng.IntN(6), "", nil)
		c.Version, c.LastModifiedDate = 1, stamp()
		target(c)
		if err := db.PutCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		campIDs = append(campIDs, id)
	}
	for range 8 {
		newSegment()
	}
	for range 20 {
		newCampaign()
	}
	e := New(store, &inapp.FixedClock{T: now}, nil)
	if _, err := e.snapshot(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	store.full = 0
	ops := map[string]int{}
	for step := range 150 {
		op := rng.IntN(10)
		switch {
		case op < 4 && len(campIDs) > 0: // update a campaign
			id := campIDs[rng.IntN(len(campIDs))]
			cur, err := db.GetCampaign(ctx, "app", id, 0)
			if err != nil {
				continue // deleted
			}
			c := *cur
			c.Version, c.LastModifiedDate = c.Version+1, stamp()
			switch rng.IntN(4) {
			case 0:
				c.IsPaused = !c.IsPaused
			case 1:
				c.Priority = rng.IntN(6)
			case 2:
				n := 1 + rng.IntN(3)
				c.Limits = &inapp.CampaignLimits{Daily: &n}
			default:
				target(&c)
			}
			if err := db.PutCampaign(ctx, &c); err != nil {
				t.Fatal(err)
			}
			ops["update campaign"]++
		case op < 5:
			newCampaign()
			ops["new campaign"]++
		case op < 6 && len(campIDs) > 0:
			if _, err := db.DeleteCampaign(ctx, "app", campIDs[rng.IntN(len(campIDs))]); err != nil && inapp.ErrorCode(err) != inapp.ENOTFOUND {
				t.Fatal(err)
			}
			ops["delete campaign"]++
		case op < 8: // update a segment
			id := segIDs[rng.IntN(len(segIDs))]
			cur, err := db.GetSegment(ctx, "app", id, 0)
			if err != nil {
				continue
			}
			s := *cur
			s.Version, s.LastModifiedDate, s.Dimensions = s.Version+1, stamp(), segDims()
			if err := db.PutSegment(ctx, &s); err != nil {
				t.Fatal(err)
			}
			ops["update segment"]++
		case op < 9:
			if rng.IntN(2) == 0 {
				newSegment()
				ops["new segment"]++
			} else if _, err := db.DeleteSegment(ctx, "app", segIDs[rng.IntN(len(segIDs))]); err == nil {
				ops["delete segment"]++
			}
		default:
			n := rng.IntN(3)
			if err := db.PutAppSettings(ctx, &inapp.AppSettings{ApplicationID: "app", LastModifiedDate: stamp(), Limits: &inapp.CampaignLimits{Total: &n}}); err != nil {
				t.Fatal(err)
			}
			ops["settings"]++
		}
		e.Invalidate("app")
		got, err := e.snapshot(ctx, "app")
		if err != nil {
			t.Fatal(err)
		}
		want, err := build(ctx, db, "app", now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := describe(got), describe(want); g != w {
			t.Fatalf("step %d (%v): the rebuilt snapshot differs from a full build:\n%s\nwant:\n%s", step, ops, g, w)
		}
	}
	if store.full > 10 {
		t.Errorf("%d of 150 rebuilds read every campaign; want them to read only what changed", store.full)
	}
	t.Logf("operations %v; %d full reads", ops, store.full)
}
