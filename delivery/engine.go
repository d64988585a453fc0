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
	s, err := build(ctx, e.src, appID)
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

// InAppMessages returns the encoded InAppMessagesResponse for an endpoint.
// An unknown endpoint, or one that cannot receive in-app messages, gets an
// empty list.
func (e *Engine) InAppMessages(ctx context.Context, appID, endpointID string) ([]byte, error) {
	snap, err := e.snapshot(ctx, appID)
	if err != nil {
		return nil, err
	}
	if len(snap.entries) == 0 {
		return emptyAnswer, nil
	}
	ep, err := e.src.GetEndpoint(ctx, appID, endpointID)
	if inapp.ErrorCode(err) == inapp.ENOTFOUND {
		return emptyAnswer, nil
	}
	if err != nil {
		return nil, err
	}
	if !ep.ReceivesInApp() {
		return emptyAnswer, nil
	}
	now := e.clock.Now()
	tz := ep.Timezone()
	subject := &targeting.Subject{Endpoint: ep, Now: now}
	if snap.usesActivity {
		if subject.LastActive, err = e.src.EndpointActivity(ctx, appID, endpointID); err != nil {
			return nil, err
		}
	}
	if snap.usesMembership && e.members != nil {
		// One indexed read, only for apps whose campaigns target an
		// imported segment.
		ids, err := e.members.SegmentMemberships(ctx, appID, endpointID)
		if err != nil {
			return nil, err
		}
		subject.Member = func(segmentID, _ string) bool { return slices.Contains(ids, segmentID) }
	}
	var counts map[string]inapp.CapCount
	if snap.usesCaps {
		if counts, err = e.src.CapCounts(ctx, appID, endpointID, targeting.LocalDay(now, tz)); err != nil {
			return nil, err
		}
	}
	// Pick the (pre-encoded) messages first, then build the answer in one
	// allocation of the exact size.
	var picked [MaxMessages][]byte
	n, size := 0, len(answerHead)+len(answerTail)
	for _, c := range snap.entries {
		if n == MaxMessages {
			break
		}
		if body := c.evaluate(subject, tz, counts); body != nil {
			picked[n] = body
			size += len(body) + 1
			n++
		}
	}
	if n == 0 {
		return emptyAnswer, nil
	}
	out := make([]byte, 0, size)
	out = append(out, answerHead...)
	for i, body := range picked[:n] {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, body...)
	}
	return append(out, answerTail...), nil
}
