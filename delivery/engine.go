// Package delivery answers GetInAppMessages: which in-app campaigns an
// endpoint is eligible for right now, best priority first.
//
// Campaigns, segments and templates change rarely and are read on every
// request, so each app gets a compiled snapshot (segments compiled, message
// bodies pre-encoded) held behind an atomic pointer and dropped on every
// admin write. A request then costs one endpoint read, one cap-counter read
// and an in-memory evaluation.
package delivery

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

// MaxMessages is the most campaigns one answer carries (the limit the
// Pinpoint blog calls a hard limit).
const MaxMessages = 10

// Source is what the engine reads from storage.
type Source interface {
	GetAppSettings(ctx context.Context, appID string) (*inapp.AppSettings, error)
	AllCampaigns(ctx context.Context, appID string) ([]*inapp.Campaign, error)
	AllSegments(ctx context.Context, appID string) ([]*inapp.Segment, error)
	GetSegment(ctx context.Context, appID, id string, version int) (*inapp.Segment, error)
	GetTemplate(ctx context.Context, name, version string) (*inapp.Template, error)
	GetEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error)
	CapCounts(ctx context.Context, appID, endpointID, day string) (map[string]inapp.CapCount, error)
	EndpointActivity(ctx context.Context, appID, endpointID string) (time.Time, error)
}

// TestSends lists an app's live test sends. A Source that implements it
// (inapp.TestSendStore does) delivers them; without it there are none.
type TestSends interface {
	ListTestSends(ctx context.Context, appID, campaignID string, now time.Time) ([]*inapp.TestSend, error)
}

// Members tells which IMPORT segments an endpoint belongs to. A Source
// that implements it (inapp.ImportStore does) makes IMPORT segments
// deliverable; without it they match no endpoint.
type Members interface {
	SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error)
}

// Engine evaluates snapshots. It is safe for concurrent use.
type Engine struct {
	src     Source
	members Members // nil when src keeps no segment members
	clock   inapp.Clock
	logger  *slog.Logger

	apps  sync.Map      // app ID -> *appState
	epoch atomic.Uint64 // bumped by Invalidate(""), for every app at once
}

type appState struct {
	snap    atomic.Pointer[snapshot]
	version atomic.Uint64 // bumped on every Invalidate
	build   sync.Mutex    // one rebuild at a time
}

func New(src Source, clock inapp.Clock, logger *slog.Logger) *Engine {
	if logger == nil {
		logger = slog.Default()
	}
	e := &Engine{src: src, clock: clock, logger: logger}
	e.members, _ = src.(Members)
	return e
}

// Invalidate drops the snapshot of appID ("" for every app); the next
// request rebuilds it, so a write is visible to the next GetInAppMessages.
func (e *Engine) Invalidate(appID string) {
	if appID == "" {
		e.epoch.Add(1)
		return
	}
	e.state(appID).version.Add(1)
}

func (e *Engine) state(appID string) *appState {
	if st, ok := e.apps.Load(appID); ok {
		return st.(*appState)
	}
	st, _ := e.apps.LoadOrStore(appID, &appState{})
	return st.(*appState)
}

// Snapshot returns the current snapshot of the app, building it if stale.
func (e *Engine) snapshot(ctx context.Context, appID string) (*snapshot, error) {
	st := e.state(appID)
	want := stamp{app: st.version.Load(), epoch: e.epoch.Load()}
	if s := st.snap.Load(); s != nil && s.stamp == want {
		return s, nil
	}
	st.build.Lock()
	defer st.build.Unlock()
	want = stamp{app: st.version.Load(), epoch: e.epoch.Load()}
	if s := st.snap.Load(); s != nil && s.stamp == want {
		return s, nil // another request built it while we waited
	}
	start := time.Now()
	s, err := build(ctx, e.src, appID, e.clock.Now())
	if err != nil {
		return nil, err
	}
	s.stamp = want
	st.snap.Store(s)
	e.logger.Debug("snapshot built", "app", appID, "campaigns", len(s.entries), "ms", time.Since(start).Milliseconds())
	return s, nil
}

var (
	emptyAnswer = []byte(`{"InAppMessageCampaigns":[]}`)
	answerHead  = []byte(`{"InAppMessageCampaigns":[`)
	answerTail  = []byte(`]}`)
)

// request is one evaluation of an endpoint against an app's snapshot at
// one instant. InAppMessages and Explain both fill it with load and choose
// its messages with pick: Explain only adds words to what GetInAppMessages
// decides.
type request struct {
	snap     *snapshot
	now      time.Time
	endpoint *inapp.Endpoint // nil: unknown
	receives bool            // the endpoint can receive in-app messages
	tz       string
	subject  targeting.Subject
	counts   map[string]inapp.CapCount
}

// pick is one message of the answer, by position in the snapshot: no
// pointers, so that filling an answer writes plain integers (a struct of
// pointers stored through a slice costs GC write barriers).
type pick struct {
	entry int32 // index in snapshot.entries; -1 for a test send
	item  int32 // the treatment's index; for a test send, its index in snapshot.tests[endpoint]
}

// body is the message of p, encoded.
func (r *request) body(p pick) []byte {
	if p.entry < 0 {
		return r.snap.tests[r.endpoint.ID][p.item].body
	}
	return r.snap.entries[p.entry].treatments[p.item].body
}

// campaignID is the campaign of p.
func (r *request) campaignID(p pick) string {
	if p.entry < 0 {
		return r.snap.tests[r.endpoint.ID][p.item].campaignID
	}
	return r.snap.entries[p.entry].id
}

// load reads what the evaluation needs: the snapshot, the endpoint and,
// when some campaign looks at them, its activity, memberships and cap
// counts. GetInAppMessages (full false) stops as soon as the answer is
// known to be empty; Explain (full) reads everything, so that it can
// describe every check even for an endpoint that gets nothing.
func (e *Engine) load(ctx context.Context, appID, endpointID string, r *request, full bool) error {
	snap, err := e.snapshot(ctx, appID)
	if err != nil {
		return err
	}
	r.snap = snap
	if !full && len(snap.entries) == 0 && len(snap.tests) == 0 {
		return nil
	}
	ep, err := e.src.GetEndpoint(ctx, appID, endpointID)
	if err != nil {
		// Only here: ErrorCode's errors.As costs an allocation.
		if inapp.ErrorCode(err) == inapp.ENOTFOUND {
			return nil
		}
		return err
	}
	r.endpoint, r.receives = ep, ep.ReceivesInApp()
	if !r.receives && !full {
		return nil
	}
	r.now = e.clock.Now()
	r.tz = ep.Timezone()
	r.subject = targeting.Subject{Endpoint: ep, Now: r.now}
	if snap.usesActivity || full {
		if r.subject.LastActive, err = e.src.EndpointActivity(ctx, appID, endpointID); err != nil {
			return err
		}
	}
	if (snap.usesMembership || full) && e.members != nil {
		// One indexed read, only for apps whose campaigns target an
		// imported segment.
		ids, err := e.members.SegmentMemberships(ctx, appID, endpointID)
		if err != nil {
			return err
		}
		r.subject.Member = func(segmentID, _ string) bool { return slices.Contains(ids, segmentID) }
	}
	if snap.usesCaps || full {
		if r.counts, err = e.src.CapCounts(ctx, appID, endpointID, targeting.LocalDay(r.now, r.tz)); err != nil {
			return err
		}
	}
	return nil
}

// pick appends the endpoint's messages to out, in the answer's order,
// until out is full (its capacity): first its live test sends, newest
// first, then the campaigns that pass every check, best priority first. A
// campaign picked as a test send is not picked again. GetInAppMessages
// gives room for MaxMessages; Explain for every campaign, and the answer
// is the first MaxMessages of what it gets.
func (r *request) pick(out []pick) []pick {
	if r.endpoint == nil || !r.receives {
		return out
	}
	var tests []*testSend
	if len(r.snap.tests) > 0 {
		tests = r.snap.tests[r.endpoint.ID]
	}
	for i, t := range tests {
		if len(out) < cap(out) && t.body != nil && r.now.Before(t.expires) {
			out = append(out, pick{entry: -1, item: int32(i)})
		}
	}
	picked := len(out) // test sends
	// Locals, kept in registers: the loop's writes to out could alias r's
	// fields as far as the compiler knows.
	sub, tz, counts := &r.subject, r.tz, r.counts
	for n, c := range r.snap.entries {
		if len(out) == cap(out) {
			break
		}
		if picked > 0 && testSent(tests, out[:picked], c.id) {
			continue
		}
		if i, ok := c.evaluate(sub, tz, counts); ok {
			out = append(out, pick{entry: int32(n), item: int32(i)})
		}
	}
	return out
}

// testSent reports whether campaignID is among the picked test sends.
func testSent(tests []*testSend, picks []pick, campaignID string) bool {
	for _, p := range picks {
		if tests[p.item].campaignID == campaignID {
			return true
		}
	}
	return false
}

// InAppMessages returns the encoded InAppMessagesResponse for an endpoint.
// An unknown endpoint, or one that cannot receive in-app messages, gets an
// empty list.
func (e *Engine) InAppMessages(ctx context.Context, appID, endpointID string) ([]byte, error) {
	var r request
	if err := e.load(ctx, appID, endpointID, &r, false); err != nil {
		return nil, err
	}
	var room [MaxMessages]pick
	picks := r.pick(room[:0])
	if len(picks) == 0 {
		return emptyAnswer, nil
	}
	// The messages are pre-encoded: build the answer in one allocation of
	// the exact size.
	size := len(answerHead) + len(answerTail)
	for _, p := range picks {
		size += len(r.body(p)) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, answerHead...)
	for i, p := range picks {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r.body(p)...)
	}
	return append(out, answerTail...), nil
}
