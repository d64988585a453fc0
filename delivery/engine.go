// Package delivery answers GetInAppMessages: which in-app campaigns an
// endpoint is eligible for right now, best priority first.
//
// Campaigns, segments and templates change rarely and are read on every
// request, so each app gets a compiled snapshot (segments compiled, message
// bodies pre-encoded) held behind an atomic pointer and rebuilt on every
// admin write, while requests keep the previous one (fresh.go). A request
// then costs one read of the endpoint with its cap counters (one statement
// when the source offers it) and an in-memory evaluation.
package delivery

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/endpointdoc"
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

// EndpointCaps is a Source that reads an endpoint and its cap counts in
// one statement (both backends are): the engine then does so whenever some
// campaign of the app has a cap, instead of GetEndpoint and CapCounts.
type EndpointCaps interface {
	// GetEndpointCaps returns the endpoint, as GetEndpoint does, and its
	// display counts per campaign: totals, and the counts of the day that
	// day(endpoint) names. days are the days that may be (see
	// candidateDays); another costs the store a second read. decode, when
	// not nil, decodes the endpoint's stored document instead of
	// inapp.DecodeEndpoint.
	GetEndpointCaps(ctx context.Context, appID, endpointID string, days []string, day func(*inapp.Endpoint) string, decode func(doc string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error)
}

// candidateDays are the days an endpoint's local day can be at now,
// whatever its time zone: time zones run from UTC-12 to UTC+14.
func candidateDays(now time.Time) []string {
	now = now.UTC()
	days := make([]string, 0, 3)
	for _, t := range [...]time.Time{now.Add(-12 * time.Hour), now, now.Add(14 * time.Hour)} {
		d := t.Format("2006-01-02")
		if len(days) == 0 || days[len(days)-1] != d {
			days = append(days, d)
		}
	}
	return days
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
	src      Source
	members  Members        // nil when src keeps no segment members
	versions ChangeVersions // nil when src does not number its changes
	clock    inapp.Clock
	logger   *slog.Logger

	// MaxStale bounds how long after an invalidation requests may still be
	// answered from the previous snapshot while the new one builds (see
	// fresh.go); past it they wait for the build. Set before first use.
	MaxStale time.Duration

	apps sync.Map  // app ID -> *appState
	born time.Time // origin of appState.staleAt (monotonic)
}

func New(src Source, clock inapp.Clock, logger *slog.Logger) *Engine {
	if logger == nil {
		logger = slog.Default()
	}
	e := &Engine{src: src, clock: clock, logger: logger, MaxStale: DefaultMaxStale, born: time.Now()}
	e.members, _ = src.(Members)
	e.versions, _ = src.(ChangeVersions)
	return e
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
	// decoder decoded endpoint, which lives in it: give it back to the
	// snapshot (release) only once the answer is written.
	decoder *endpointdoc.Decoder
}

// release returns what the request borrowed from its snapshot.
func (r *request) release() {
	if r.decoder != nil {
		r.snap.decoders.Put(r.decoder)
		r.decoder = nil
	}
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
	r.now = e.clock.Now()
	counted := false // r.counts read with the endpoint
	var ep *inapp.Endpoint
	if caps, ok := e.src.(EndpointCaps); ok && (snap.usesCaps || full) {
		// One statement for the endpoint and its counters.
		now := r.now
		var decode func(string) (*inapp.Endpoint, error)
		if !full {
			// GetInAppMessages needs only what the segments read (Explain
			// shows the whole endpoint).
			r.decoder = snap.decoder()
			decode = r.decoder.Decode
		}
		ep, r.counts, err = caps.GetEndpointCaps(ctx, appID, endpointID, candidateDays(now), func(ep *inapp.Endpoint) string {
			return targeting.LocalDay(now, ep.Timezone())
		}, decode)
		counted = true
	} else {
		ep, err = e.src.GetEndpoint(ctx, appID, endpointID)
	}
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
	if (snap.usesCaps || full) && !counted {
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
	sub, tz, counts := r.subject, r.tz, r.counts
	// The campaigns' segments share conditions: each is evaluated once
	// for this endpoint (targeting.Memo).
	var memo targeting.Memo
	memo.Reset(r.snap.ncond)
	sub.Memo = &memo
	for n, c := range r.snap.entries {
		if len(out) == cap(out) {
			break
		}
		if picked > 0 && testSent(tests, out[:picked], c.id) {
			continue
		}
		if i, ok := c.evaluate(&sub, tz, counts); ok {
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
	return e.AppendInAppMessages(ctx, nil, appID, endpointID)
}

// AppendInAppMessages is InAppMessages appending the answer to dst: a
// caller that reuses its buffers (the API handler does) spares the ~14 KB
// allocation a full answer costs.
func (e *Engine) AppendInAppMessages(ctx context.Context, dst []byte, appID, endpointID string) ([]byte, error) {
	var r request
	defer r.release()
	if err := e.load(ctx, appID, endpointID, &r, false); err != nil {
		return dst, err
	}
	var room [MaxMessages]pick
	picks := r.pick(room[:0])
	if len(picks) == 0 {
		return append(dst, emptyAnswer...), nil
	}
	// The messages are pre-encoded: grow dst once, to the exact size.
	size := len(answerHead) + len(answerTail)
	for _, p := range picks {
		size += len(r.body(p)) + 1
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, answerHead...)
	for i, p := range picks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, r.body(p)...)
	}
	return append(dst, answerTail...), nil
}
