package delivery

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

// gatedSource is a fakeSource whose builds are counted (atomically: some
// run in the background), can be held at a gate, can fail, and, when
// versioned, number its changes like PostgreSQL.
type gatedSource struct {
	fakeSource
	builds    atomic.Int32
	versioned bool
	version   atomic.Int64

	mu      sync.Mutex
	gate    chan struct{} // non-nil: a build waits here (after reporting on entered)
	entered chan struct{}
	fail    error
}

// GetAppSettings is the first read of every build.
func (g *gatedSource) GetAppSettings(context.Context, string) (*inapp.AppSettings, error) {
	g.builds.Add(1)
	g.mu.Lock()
	gate, entered, fail := g.gate, g.entered, g.fail
	g.mu.Unlock()
	if gate != nil {
		entered <- struct{}{}
		<-gate
	}
	if fail != nil {
		return nil, fail
	}
	s := g.settings
	return &s, nil
}

// hold makes the next builds wait until the returned function is called;
// entered reports each one reaching the gate.
func (g *gatedSource) hold() (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate, g.entered = make(chan struct{}), make(chan struct{}, 16)
	gate := g.gate
	return g.entered, func() {
		g.mu.Lock()
		g.gate = nil
		g.mu.Unlock()
		close(gate)
	}
}

func (g *gatedSource) failWith(err error) {
	g.mu.Lock()
	g.fail = err
	g.mu.Unlock()
}

type versionedSource struct{ *gatedSource }

func (v versionedSource) ChangeVersion(context.Context, string) (int64, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fail != nil {
		return 0, v.fail
	}
	return v.version.Load(), nil
}

func newGated(ids ...string) *gatedSource {
	g := &gatedSource{fakeSource: fakeSource{endpoint: inAppEndpoint("e1")}}
	for i, id := range ids {
		g.campaigns = append(g.campaigns, campaign(id, i+1, "", nil))
	}
	return g
}

// answer is GetInAppMessages' campaigns for e1, or the error.
func answer(t *testing.T, e *Engine) string {
	t.Helper()
	body, err := e.InAppMessages(context.Background(), "app", "e1")
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprint(campaignIDs(t, body))
}

// within runs f and fails the test if it takes longer than d.
func within[T any](t *testing.T, d time.Duration, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("%s: still waiting after %v", what, d)
		panic("unreachable")
	}
}

// While an admin write's rebuild runs, requests are answered from the
// previous snapshot at once; once Invalidate has returned, every request
// sees the write.
func TestRequestsKeepTheSnapshotDuringARebuild(t *testing.T) {
	src := newGated("a")
	e := New(src, &inapp.FixedClock{T: now}, nil)
	e.MaxStale = time.Hour
	if got := answer(t, e); got != "[a]" {
		t.Fatalf("first answer %s, want [a]", got)
	}
	entered, release := src.hold()
	src.campaigns = append(src.campaigns, campaign("b", 9, "", nil)) // the write
	written := make(chan struct{})
	go func() { e.Invalidate("app"); close(written) }()
	<-entered // the rebuild is running, and held
	for range 3 {
		if got := within(t, time.Second, "a request during the rebuild", func() string { return answer(t, e) }); got != "[a]" {
			t.Errorf("during the rebuild: %s, want the previous snapshot's [a]", got)
		}
	}
	select {
	case <-written:
		t.Fatal("Invalidate returned before the new snapshot was built")
	default:
	}
	release()
	<-written
	if got := answer(t, e); got != "[a b]" {
		t.Errorf("after Invalidate returned: %s, want [a b]", got)
	}
	if n := src.builds.Load(); n != 2 {
		t.Errorf("%d builds, want 2 (one rebuild, requests joined none)", n)
	}
}

// Past MaxStale after the write, requests wait for the rebuild rather than
// get the old snapshot.
func TestStalenessIsBounded(t *testing.T) {
	src := newGated("a")
	e := New(src, &inapp.FixedClock{T: now}, nil)
	e.MaxStale = 20 * time.Millisecond
	answer(t, e)
	entered, release := src.hold()
	src.campaigns = append(src.campaigns, campaign("b", 9, "", nil))
	go e.Invalidate("app")
	<-entered
	time.Sleep(30 * time.Millisecond)
	got := make(chan string, 1)
	go func() { got <- answer(t, e) }()
	select {
	case g := <-got:
		t.Fatalf("a request %v after the write got %s without waiting for the rebuild", 30*time.Millisecond, g)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if g := <-got; g != "[a b]" {
		t.Errorf("the waiting request got %s, want [a b]", g)
	}
}

// Writes that no request reads in between cost no builds; the next
// request builds, and sees every write at once (no rebuild was running, so
// it does not get the previous snapshot).
func TestUnusedSnapshotsAreNotRebuiltAtOnce(t *testing.T) {
	src := newGated("a")
	e := New(src, &inapp.FixedClock{T: now}, nil)
	answer(t, e)
	e.Invalidate("app") // in use: rebuilt
	if n := src.builds.Load(); n != 2 {
		t.Fatalf("%d builds after a write to a snapshot in use, want 2", n)
	}
	for i := range 5 {
		src.campaigns = append(src.campaigns, campaign(fmt.Sprint("n", i), 20+i, "", nil))
		e.Invalidate("app")
	}
	if n := src.builds.Load(); n != 2 {
		t.Errorf("%d builds after writes nobody read, want still 2", n)
	}
	if got := answer(t, e); got != "[a n0 n1 n2 n3 n4]" {
		t.Errorf("after the writes: %s", got)
	}
	e.Invalidate("other app") // never asked for: nothing to do
	if n := src.builds.Load(); n != 3 {
		t.Errorf("%d builds, want 3", n)
	}
}

// A rebuild that fails drops the snapshot: requests then build it
// themselves and get the source's error, not the old snapshot.
func TestFailedRebuildDropsTheSnapshot(t *testing.T) {
	src := newGated("a")
	e := New(src, &inapp.FixedClock{T: now}, nil)
	answer(t, e)
	src.failWith(inapp.Errorf(inapp.EUNAVAIL, "database unavailable"))
	e.Invalidate("app")
	if got := answer(t, e); got != "error: database unavailable" {
		t.Errorf("after a failed rebuild: %s, want the error", got)
	}
	src.failWith(nil)
	if got := answer(t, e); got != "[a]" {
		t.Errorf("once the source answers again: %s, want [a]", got)
	}
}

// Invalidate("") (a template) rebuilds every app's snapshot in use.
func TestInvalidateEveryApp(t *testing.T) {
	src := newGated("a")
	e := New(src, &inapp.FixedClock{T: now}, nil)
	for _, app := range []string{"app", "app2", "app3"} {
		if _, err := e.InAppMessages(context.Background(), app, "e1"); err != nil {
			t.Fatal(err)
		}
	}
	src.campaigns = append(src.campaigns, campaign("b", 9, "", nil))
	e.Invalidate("")
	if n := src.builds.Load(); n != 6 {
		t.Errorf("%d builds, want 6", n)
	}
	if got := answer(t, e); got != "[a b]" {
		t.Errorf("after Invalidate(\"\"): %s, want [a b]", got)
	}
}

// With a source that numbers its changes, a rebuild is skipped when none
// was made since the snapshot was built (the feed's report of this node's
// own write); Refresh rebuilds in the background.
func TestChangeVersionSkipsCoveredRebuilds(t *testing.T) {
	g := newGated("a")
	e := New(versionedSource{g}, &inapp.FixedClock{T: now}, nil)
	answer(t, e)
	g.version.Store(1)
	g.campaigns = append(g.campaigns, campaign("b", 9, "", nil))
	e.Invalidate("app") // this node's write
	if got := answer(t, e); got != "[a b]" || g.builds.Load() != 2 {
		t.Fatalf("after a write: %s with %d builds, want [a b] with 2", got, g.builds.Load())
	}
	e.Refresh("app") // the feed reports that write: nothing new
	e.Invalidate("app")
	if got := answer(t, e); got != "[a b]" || g.builds.Load() != 2 {
		t.Errorf("after reports of no new change: %s with %d builds, want [a b] with still 2", got, g.builds.Load())
	}

	// Another node's write: Refresh returns at once, the build follows.
	entered, release := g.hold()
	g.version.Store(2)
	g.campaigns = append(g.campaigns, campaign("c", 10, "", nil))
	within(t, time.Second, "Refresh", func() bool { e.Refresh("app"); return true })
	<-entered
	release()
	deadline := time.Now().Add(5 * time.Second)
	for answer(t, e) != "[a b c]" {
		if time.Now().After(deadline) {
			t.Fatalf("Refresh: still %s", answer(t, e))
		}
		time.Sleep(time.Millisecond)
	}
	if n := g.builds.Load(); n != 3 {
		t.Errorf("%d builds, want 3", n)
	}

	// When the version cannot be read, the snapshot is not vouched for.
	g.failWith(inapp.Errorf(inapp.EUNAVAIL, "database unavailable"))
	e.Invalidate("app")
	if got := answer(t, e); got != "error: database unavailable" {
		t.Errorf("without a change version: %s, want the error", got)
	}
}

// capsSource reads the endpoint and its counters in one call.
type capsSource struct {
	*gatedSource
	days     []string
	day      string
	separate atomic.Int32 // GetEndpoint and CapCounts calls
}

func (c *capsSource) GetEndpointCaps(_ context.Context, _, id string, days []string, day func(*inapp.Endpoint) string, _ func(string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error) {
	if c.endpoint == nil || c.endpoint.ID != id {
		return nil, nil, inapp.Errorf(inapp.ENOTFOUND, "no endpoint %s", id)
	}
	c.days, c.day = days, day(c.endpoint)
	return c.endpoint, c.counts, nil
}

func (c *capsSource) GetEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error) {
	c.separate.Add(1)
	return c.gatedSource.GetEndpoint(ctx, appID, id)
}

func (c *capsSource) CapCounts(ctx context.Context, appID, id, day string) (map[string]inapp.CapCount, error) {
	c.separate.Add(1)
	return c.gatedSource.CapCounts(ctx, appID, id, day)
}

// An app with caps reads the endpoint and its counters in one statement,
// for the endpoint's local day; one without reads only the endpoint.
func TestEndpointAndCountersInOneRead(t *testing.T) {
	one := 1
	g := newGated("free")
	g.campaigns = append(g.campaigns, campaign("capped", 1, "", &inapp.CampaignLimits{Daily: &one}))
	g.endpoint.Demographic.Timezone = "Pacific/Kiritimati" // UTC+14: 2026-11-22 at now
	g.counts = map[string]inapp.CapCount{"capped": {Total: 1, Day: 1}}
	src := &capsSource{gatedSource: g}
	e := New(src, &inapp.FixedClock{T: now}, nil)
	if got := answer(t, e); got != "[free]" {
		t.Errorf("answer %s, want [free] (capped reached its daily cap)", got)
	}
	if fmt.Sprint(src.days) != "[2026-11-21 2026-11-22]" || src.day != "2026-11-22" {
		t.Errorf("read days %v for day %s, want [2026-11-21 2026-11-22] for 2026-11-22", src.days, src.day)
	}
	if n := src.separate.Load(); n != 0 {
		t.Errorf("%d separate reads besides GetEndpointCaps", n)
	}
	g.campaigns = g.campaigns[:1] // no cap left
	e.Invalidate("app")
	src.days = nil
	if got := answer(t, e); got != "[free]" || src.days != nil || src.separate.Load() != 1 {
		t.Errorf("without caps: %s, days %v, %d separate reads; want [free], GetEndpoint only", got, src.days, src.separate.Load())
	}
}

// candidateDays holds the local day of every time zone, at every hour.
func TestCandidateDays(t *testing.T) {
	zones := []string{"UTC", "Etc/GMT+12", "Pacific/Pago_Pago", "America/Los_Angeles", "America/St_Johns", "Asia/Kolkata",
		"Asia/Kathmandu", "Australia/Eucla", "Pacific/Chatham", "Pacific/Tongatapu", "Pacific/Kiritimati", "Etc/GMT-14"}
	start := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
	for h := range 24 * 60 {
		at := start.Add(time.Duration(h) * 29 * time.Minute)
		days := candidateDays(at)
		if len(days) < 2 || len(days) > 3 {
			t.Fatalf("candidateDays(%v) = %v", at, days)
		}
		for _, z := range zones {
			if d := targeting.LocalDay(at, z); !contains(days, d) {
				t.Fatalf("at %v, %s is on %s, not among %v", at, z, d, days)
			}
		}
	}
}

func contains(days []string, d string) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}

// A rebuild reuses the compiled entries of campaigns whose version did not
// change, unless the settings or a segment changed, and never for a
// campaign whose message comes from a template.
func TestRebuildReusesUnchangedCampaigns(t *testing.T) {
	src := newGated("a", "b")
	for _, c := range src.campaigns {
		c.Version, c.LastModifiedDate = 1, "2026-11-01T00:00:00.000Z"
	}
	src.segments = []*inapp.Segment{{ID: "s", ApplicationID: "app", Version: 1, SegmentType: "DIMENSIONAL"}}
	src.campaigns[1].SegmentID = "s"
	e := New(src, &inapp.FixedClock{T: now}, nil)
	bodies := func() map[string]*byte {
		t.Helper()
		s, err := e.snapshot(context.Background(), "app")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*byte{}
		for _, en := range s.entries {
			out[en.id] = &en.treatments[0].body[0]
		}
		return out
	}
	first := bodies()

	changed := *src.campaigns[1]
	changed.Version, changed.LastModifiedDate = 2, "2026-11-02T00:00:00.000Z"
	changed.Priority = 7
	src.campaigns[1] = &changed
	e.Invalidate("app")
	second := bodies()
	if second["a"] != first["a"] {
		t.Errorf("campaign a did not change, yet was compiled again")
	}
	if second["b"] == first["b"] {
		t.Errorf("campaign b has a new version, yet kept its old entry")
	}
	if got := answer(t, e); got != "[a b]" {
		t.Errorf("answer %s", got)
	}

	daily := 1
	src.settings = inapp.AppSettings{LastModifiedDate: "2026-11-03T00:00:00.000Z", Limits: &inapp.CampaignLimits{Daily: &daily}}
	e.Invalidate("app")
	third := bodies()
	if third["a"] == second["a"] || third["b"] == second["b"] {
		t.Errorf("the settings changed, yet entries were reused")
	}
	s, _ := e.snapshot(context.Background(), "app")
	if s.entries[0].daily != 1 {
		t.Errorf("daily cap %d after the settings changed, want the default of 1", s.entries[0].daily)
	}

	src.segments = []*inapp.Segment{{ID: "s", ApplicationID: "app", Version: 2, SegmentType: "DIMENSIONAL"}}
	e.Invalidate("app")
	if fourth := bodies(); fourth["a"] == third["a"] || fourth["b"] == third["b"] {
		t.Errorf("a segment changed, yet entries were reused")
	}

	old := *src.campaigns[0]
	old.TemplateConfiguration = &inapp.TemplateConfiguration{InAppTemplate: &inapp.TemplateRef{Name: "t"}}
	if reusable(&old, &old) {
		t.Errorf("a campaign with a template configuration counts as reusable")
	}
}
