package delivery

// How snapshots stay fresh without making requests wait.
//
// Every admin write invalidates the app's snapshot. Rebuilding one takes
// tens of milliseconds (1,000 campaigns: decode, compile, encode), and
// requests used to wait for it: every GetInAppMessages arriving during a
// rebuild stalled for the rest of it. Now:
//
//   - The writer rebuilds. Invalidate (this node's own writes) builds the
//     new snapshot before it returns, so the write's answer goes out only
//     once the change is live: a GetInAppMessages sent after it sees the
//     change, as before.
//   - Meanwhile requests keep the previous snapshot (stale while
//     revalidate): they are concurrent with the write, and may see the
//     state before it. Staleness is bounded: MaxStale after the
//     invalidation, requests wait for the build instead.
//   - One build at a time per app (appState.build); a write during a build
//     makes the next one.
//   - Refresh (a change made on another node, from the change feed) does
//     the same without waiting: a goroutine builds.
//   - A source that numbers its changes (ChangeVersions: PostgreSQL's
//     app_changes) lets a rebuild be skipped when the snapshot already
//     covers the source's version, which is the case for the feed's report
//     of a write this node made and rebuilt for.
//   - Requests get the previous snapshot only while a rebuild is running.
//     When none is (a write to a snapshot no request used since it was
//     built is not rebuilt at once: bulk admin writes without readers cost
//     no builds), the next request builds, and waits, as before.
//   - A rebuild reads only the campaigns and segments whose version changed
//     (Versions, snapshot.go) and recompiles only the campaigns whose
//     inputs changed: milliseconds instead of the full build's tens.
//   - A rebuild that fails drops the snapshot: requests then build it
//     themselves, and fail (503 when the database is away) rather than be
//     answered from a snapshot nobody can vouch for.

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
)

// DefaultMaxStale is Engine.MaxStale unless set: how long requests may be
// answered from a snapshot that an admin write made stale, while the new
// one builds. The same 100 ms as the target for an admin write to become
// visible.
const DefaultMaxStale = 100 * time.Millisecond

// buildTimeout bounds a build that no request's context bounds (the
// writer's and the background ones).
const buildTimeout = 30 * time.Second

// ChangeVersions is a Source that numbers its changes (PostgreSQL does,
// for its change feed between nodes).
type ChangeVersions interface {
	// ChangeVersion returns a number that grows with every committed
	// change of what appID's snapshot is built from: its settings,
	// campaigns, segments, test sends, and the account's templates.
	ChangeVersion(ctx context.Context, appID string) (int64, error)
}

type appState struct {
	snap atomic.Pointer[snapshot]
	// version counts the app's invalidations; snap is fresh when its
	// stamp equals it.
	version atomic.Uint64
	// staleAt is when snap fell behind version: time since Engine.born,
	// plus one (0: not behind, or the invalidation is being recorded).
	staleAt atomic.Int64
	// used: snap answered a request since it was installed.
	used atomic.Bool
	// mu orders the updates of version, staleAt and snap between
	// invalidations and installs; requests only read them.
	mu sync.Mutex
	// build is held while building: one build at a time.
	build sync.Mutex
}

func (e *Engine) state(appID string) *appState {
	if st, ok := e.apps.Load(appID); ok {
		return st.(*appState)
	}
	st, _ := e.apps.LoadOrStore(appID, &appState{})
	return st.(*appState)
}

// since is the time since e.born plus one, never 0 (see staleAt).
func (e *Engine) since() int64 { return int64(time.Since(e.born)) + 1 }

// Invalidate records an admin write of this node that changes what
// appID's snapshot is built from ("" for every app: a template). If the
// snapshot is in use it is rebuilt before Invalidate returns, while
// requests keep the previous one, so that a request sent after the write
// answered sees the change.
func (e *Engine) Invalidate(appID string) { e.invalidate(appID, true) }

// Refresh is Invalidate for a change made elsewhere (another node, seen on
// the change feed): the snapshot is rebuilt in the background.
func (e *Engine) Refresh(appID string) { e.invalidate(appID, false) }

func (e *Engine) invalidate(appID string, wait bool) {
	if appID != "" {
		if st, ok := e.apps.Load(appID); ok {
			e.invalidateApp(st.(*appState), appID, wait)
		}
		return
	}
	// Every app, the builds in parallel (at most one per CPU).
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	e.apps.Range(func(k, v any) bool {
		limit <- struct{}{}
		wg.Go(func() {
			defer func() { <-limit }()
			e.invalidateApp(v.(*appState), k.(string), wait)
		})
		return true
	})
	wg.Wait()
}

func (e *Engine) invalidateApp(st *appState, appID string, wait bool) {
	st.mu.Lock()
	st.version.Add(1)
	if st.staleAt.Load() == 0 {
		st.staleAt.Store(e.since())
	}
	inUse := st.snap.Load() != nil && st.used.Load()
	st.mu.Unlock()
	if !inUse {
		// No request used it since it was built: the next one rebuilds it
		// (and waits for that, as no build is running).
		return
	}
	if !wait {
		e.refreshAsync(st, appID)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	st.build.Lock()
	defer st.build.Unlock()
	if _, err := e.rebuild(ctx, st, appID); err != nil {
		e.buildFailed(appID, err)
	}
}

// snapshot returns the app's snapshot for a request: the current one; or,
// while a rebuild runs, the previous one (for MaxStale at most); or one it
// builds, waiting for it.
func (e *Engine) snapshot(ctx context.Context, appID string) (*snapshot, error) {
	st := e.state(appID)
	locked := false
	if s := st.snap.Load(); s != nil {
		if !st.used.Load() {
			st.used.Store(true)
		}
		if s.stamp == st.version.Load() {
			return s, nil
		}
		if t := st.staleAt.Load(); t == 0 || time.Duration(e.since()-t) < e.MaxStale {
			if !st.build.TryLock() {
				return s, nil // a rebuild is running: the previous snapshot meanwhile
			}
			locked = true // none is: build it here
		}
	}
	if !locked {
		st.build.Lock()
	}
	defer st.build.Unlock()
	s, err := e.rebuild(ctx, st, appID)
	if err != nil {
		return nil, err
	}
	st.used.Store(true)
	return s, nil
}

// refreshAsync starts a background rebuild unless one is running (if the
// snapshot is still behind after it, the next request rebuilds).
func (e *Engine) refreshAsync(st *appState, appID string) {
	if !st.build.TryLock() {
		return
	}
	go func() {
		defer st.build.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		if _, err := e.rebuild(ctx, st, appID); err != nil {
			e.buildFailed(appID, err)
		}
	}()
}

func (e *Engine) buildFailed(appID string, err error) {
	level := slog.LevelWarn
	if inapp.ErrorCode(err) == inapp.ENOTFOUND {
		level = slog.LevelDebug // the app was deleted
	}
	e.logger.Log(context.Background(), level, "snapshot rebuild failed; requests will build it", "app", appID, "error", err)
}

// rebuild brings st's snapshot up to st.version, holding st.build. When
// the source numbers its changes and none was made since the snapshot's
// build, the snapshot is kept (stamped anew) rather than rebuilt.
func (e *Engine) rebuild(ctx context.Context, st *appState, appID string) (*snapshot, error) {
	want := st.version.Load()
	cur := st.snap.Load()
	if cur != nil && cur.stamp == want {
		return cur, nil // built while we waited for st.build
	}
	start := time.Now()
	changes := int64(-1)
	if e.versions != nil {
		v, err := e.versions.ChangeVersion(ctx, appID)
		if err != nil {
			e.drop(ctx, st, cur)
			return nil, err
		}
		if cur != nil && cur.changes == v {
			same := *cur
			same.stamp = want
			e.install(st, &same, start, false)
			return &same, nil
		}
		changes = v
	}
	s, err := build(ctx, e.src, appID, e.clock.Now(), cur)
	if err != nil {
		e.drop(ctx, st, cur)
		return nil, err
	}
	s.stamp, s.changes = want, changes
	e.install(st, s, start, true)
	e.logger.Debug("snapshot built", "app", appID, "campaigns", len(s.entries), "ms", time.Since(start).Milliseconds())
	return s, nil
}

// install makes s the app's snapshot; its build started at start. A
// built snapshot is new (unused so far); a restamped one is not.
func (e *Engine) install(st *appState, s *snapshot, start time.Time, built bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.snap.Store(s)
	if built {
		st.used.Store(false)
	}
	if st.version.Load() == s.stamp {
		st.staleAt.Store(0)
	} else {
		// Invalidated again during the build, so after start.
		st.staleAt.Store(int64(start.Sub(e.born)) + 1)
	}
}

// drop forgets cur, which could not be rebuilt, unless it was replaced or
// the build failed only because its caller went away.
func (e *Engine) drop(ctx context.Context, st *appState, cur *snapshot) {
	if ctx.Err() != nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if cur != nil && st.snap.Load() == cur {
		st.snap.Store(nil)
	}
}
