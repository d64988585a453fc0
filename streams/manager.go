// Package streams delivers every event an app accepts to the app's event
// stream (PutEventStream): a webhook, a NATS JetStream subject or a file
// of JSON lines, in Pinpoint's event stream record format.
//
// Delivery is at least once and survives restarts and outages. The store
// queues each stored event in an outbox, in the transaction that stores it
// (inapp.EventStreamStore). A worker per stream
// reads the outbox in order, in batches, sends each batch and only then
// deletes it from the outbox. A batch that fails stays queued and is sent
// again, whole, with exponential backoff; what was not acknowledged when
// inappd stopped is sent after the next start. A destination may therefore
// see a record twice (a send that succeeded but whose acknowledgement was
// lost); JetStream drops such copies itself (message IDs), webhook
// receivers can by the batch ID header or the records' event_id.
//
// With several nodes on one database (a store with leases), each stream
// is delivered by the one node that holds its lease ("stream/<app-id>");
// another node takes over within about 20 s if that node dies.
package streams

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/lease"
)

// Defaults.
const (
	DefaultBatchSize  = 500
	DefaultPoll       = 250 * time.Millisecond
	DefaultRescan     = time.Second
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	DefaultLeaseTTL   = 15 * time.Second
	// DefaultSendTimeout bounds one attempt to send a batch.
	DefaultSendTimeout = time.Minute
)

// Manager runs one delivery worker per event stream, starting, restarting
// and stopping them as streams are put and deleted (on any node).
type Manager struct {
	Store        inapp.EventStreamStore
	Destinations *Destinations
	Logger       *slog.Logger

	// Leases, when set, make this node one of several sharing the store:
	// a stream is delivered only while this node holds its lease (named
	// Holder). Nil: the only node (SQLite).
	Leases   inapp.LeaseStore
	Holder   string
	LeaseTTL time.Duration // DefaultLeaseTTL when 0

	BatchSize  int           // items per batch (DefaultBatchSize)
	Poll       time.Duration // how often an empty outbox is read again (DefaultPoll)
	Rescan     time.Duration // how often streams put or deleted elsewhere are looked for, and a lease held elsewhere tried (DefaultRescan)
	MinBackoff time.Duration // first wait after a failure (DefaultMinBackoff)
	MaxBackoff time.Duration // longest wait between attempts (DefaultMaxBackoff)

	mu     sync.Mutex // guards ctx, cancel and done
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// syncing guards workers and failing: the rescan loop and Changed
	// both bring the workers in line with the stored streams.
	syncing sync.Mutex
	workers map[string]*worker
	failing bool // the last listing failed (logged once per spell)
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (m *Manager) logger() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.Default()
}

// Start checks the stream directory, starts a worker for every stream
// and keeps the workers in line with the stored streams until Close.
func (m *Manager) Start(ctx context.Context) error {
	if m.Destinations == nil {
		m.Destinations = &Destinations{}
	}
	if m.Destinations.Logger == nil {
		m.Destinations.Logger = m.Logger
	}
	if dir := m.Destinations.StreamDir; dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("stream directory (--stream-dir) %s: not a directory (%v)", dir, err)
		}
		m.logger().Info("event streams may write file:// destinations under the stream directory", "dir", dir)
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.syncing.Lock()
	m.workers = map[string]*worker{}
	m.syncing.Unlock()
	m.mu.Lock()
	m.ctx, m.cancel, m.done = lctx, cancel, make(chan struct{})
	m.mu.Unlock()
	go m.loop(lctx)
	return nil
}

// CheckDestination refuses a DestinationStreamArn inappd cannot deliver
// to (PutEventStream), saying what to give instead.
func (m *Manager) CheckDestination(raw string) error {
	d := m.Destinations
	if d == nil {
		d = &Destinations{}
	}
	return d.Check(raw)
}

// Changed tells the manager that the app's stream was put or deleted on
// this node. It takes effect before Changed returns, so that once
// PutEventStream or DeleteEventStream has answered, this node starts no
// batch to the old destination: the old worker has stopped (a batch it
// had in flight is cancelled, stays queued and goes to the new
// destination) and the new one has started. Other nodes follow at their
// next rescan. Every stream is brought in line, not only appID's: one
// listing serves both, and Changed is as rare as the API calls behind it.
func (m *Manager) Changed(appID string) {
	m.mu.Lock()
	ctx := m.ctx
	m.mu.Unlock()
	if ctx != nil {
		m.resync(ctx)
	}
}

// Close stops every worker. Batches not acknowledged stay queued and are
// sent after the next start.
func (m *Manager) Close() error {
	m.mu.Lock()
	cancel, done := m.cancel, m.done
	m.ctx, m.cancel = nil, nil
	m.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	m.syncing.Lock()
	defer m.syncing.Unlock()
	for app, w := range m.workers {
		w.stop()
		delete(m.workers, app)
	}
	return nil
}

// loop looks for streams put or deleted on other nodes (and for a lease
// held elsewhere) at every rescan until ctx ends.
func (m *Manager) loop(ctx context.Context) {
	defer close(m.done)
	tick := time.NewTicker(orDefault(m.Rescan, DefaultRescan))
	defer tick.Stop()
	for {
		m.resync(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// resync lists the streams and brings the workers in line with them.
func (m *Manager) resync(ctx context.Context) {
	m.syncing.Lock()
	defer m.syncing.Unlock()
	streams, err := m.Store.ListEventStreams(ctx)
	switch {
	case ctx.Err() != nil:
		// Closing: Close stops the workers.
	case err != nil:
		// Workers go on as they are: each reports its own trouble.
		if !m.failing {
			m.logger().Warn("event streams: cannot list the streams; looking again at every rescan", "error", err, "rescan", orDefault(m.Rescan, DefaultRescan).String())
		}
		m.failing = true
	default:
		if m.failing {
			m.logger().Info("event streams: listing the streams again")
		}
		m.failing = false
		m.sync(ctx, streams)
	}
}

// sync starts a worker for each new stream, restarts the worker of a
// stream that was put again (its destination may have changed) and stops
// the workers of deleted streams.
func (m *Manager) sync(ctx context.Context, streams []*inapp.EventStream) {
	seen := map[string]bool{}
	for _, s := range streams {
		seen[s.ApplicationID] = true
		w := m.workers[s.ApplicationID]
		if w != nil && w.stream.DestinationStreamArn == s.DestinationStreamArn && w.stream.LastModifiedDate == s.LastModifiedDate {
			continue
		}
		if w != nil {
			w.stop()
		}
		m.workers[s.ApplicationID] = m.startWorker(ctx, s)
	}
	for app, w := range m.workers {
		if !seen[app] {
			w.stop()
			delete(m.workers, app)
			w.log.Info("event stream: deleted; delivery stopped")
		}
	}
}

// worker delivers one app's stream.
type worker struct {
	m      *Manager
	stream *inapp.EventStream
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

func (m *Manager) startWorker(ctx context.Context, s *inapp.EventStream) *worker {
	shown := s.DestinationStreamArn
	if u, err := url.Parse(shown); err == nil {
		shown = u.Redacted()
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &worker{
		m:      m,
		stream: s,
		log:    m.logger().With("app", s.ApplicationID, "destination", shown),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go w.run(wctx)
	return w
}

func (w *worker) stop() {
	w.cancel()
	<-w.done
}

// run delivers, under the stream's lease when there are several nodes.
func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	m := w.m
	if m.Leases == nil {
		w.log.Info("event stream: delivering")
		w.deliver(ctx)
		return
	}
	name := "stream/" + w.stream.ApplicationID
	warned := false
	for ctx.Err() == nil {
		l, err := lease.Acquire(ctx, m.Leases, name, m.Holder, orDefault(m.LeaseTTL, DefaultLeaseTTL))
		switch {
		case err != nil && ctx.Err() == nil:
			if !warned {
				w.log.Warn("event stream: cannot take its lease; trying again", "error", err)
				warned = true
			}
		case l != nil:
			warned = false
			w.log.Info("event stream: this node delivers it", "holder", m.Holder)
			w.deliver(l.Context())
			l.Release()
			if l.Lost() {
				w.log.Warn("event stream: this node could not renew its lease and stopped delivering; another node takes over (batches not acknowledged are sent again)")
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(orDefault(m.Rescan, DefaultRescan)):
		}
	}
}

// pending is a batch on its way: sent (or not yet), then acknowledged.
type pending struct {
	batch *Batch
	seqs  []int64
	sent  bool
}

// deliver sends the outbox until ctx ends.
func (w *worker) deliver(ctx context.Context) {
	m := w.m
	app := w.stream.ApplicationID
	dest, err := m.Destinations.Open(w.stream.DestinationStreamArn)
	if err != nil {
		// Accepted when it was put, refused now: the stream directory
		// changed, or a file:// path was replaced by a link outside.
		// Events stay queued until the stream is fixed or deleted.
		w.log.Error("event stream: its destination is refused; events stay queued until the stream is put again with a destination inappd accepts, or deleted", "error", err)
		<-ctx.Done()
		return
	}
	defer dest.Close()
	batchSize := orDefault(m.BatchSize, DefaultBatchSize)
	poll := orDefault(m.Poll, DefaultPoll)
	var p *pending
	failures := 0
	var failingSince time.Time
	// wait sleeps after a failure, longer each time, and reports whether
	// to go on.
	wait := func(what string, err error, queued int) bool {
		if ctx.Err() != nil {
			return false
		}
		if failures == 0 {
			failingSince = time.Now()
		}
		failures++
		d := backoff(failures, orDefault(m.MinBackoff, DefaultMinBackoff), orDefault(m.MaxBackoff, DefaultMaxBackoff))
		w.log.Warn("event stream: "+what+"; the events stay queued and inappd tries again",
			"error", err, "events", queued, "attempt", failures, "retry_in", d.String())
		return sleep(ctx, d)
	}
	for {
		if p == nil {
			items, err := m.Store.ReadOutbox(ctx, app, batchSize)
			if err != nil {
				if !wait("cannot read the outbox", err, 0) {
					return
				}
				continue
			}
			if len(items) == 0 {
				if !sleep(ctx, poll) {
					return
				}
				continue
			}
			p = w.batch(items)
		}
		if !p.sent && len(p.batch.Records) > 0 {
			sctx, cancel := context.WithTimeout(ctx, DefaultSendTimeout)
			err := dest.Send(sctx, p.batch)
			cancel()
			if err != nil {
				if !wait("delivery failed", err, len(p.batch.Records)) {
					return
				}
				continue
			}
		}
		p.sent = true
		if err := m.Store.AckOutbox(ctx, app, p.seqs); err != nil {
			// Delivered but still queued: marking it is retried; were
			// inappd to stop now, the batch would be sent again.
			if !wait("a delivered batch cannot be removed from the outbox", err, len(p.batch.Records)) {
				return
			}
			continue
		}
		if failures > 0 {
			w.log.Info("event stream: delivering again", "failed_attempts", failures, "outage", time.Since(failingSince).Round(time.Millisecond).String())
			failures = 0
		}
		full := len(p.seqs) == batchSize
		p = nil
		if !full && !sleep(ctx, poll) {
			return
		}
	}
}

// batch builds the records of the items. An item whose event is gone (its
// app or endpoint was deleted meanwhile), or whose stored documents cannot
// be read, is acknowledged without a record: it would block the stream
// forever otherwise.
func (w *worker) batch(items []*inapp.OutboxItem) *pending {
	app := w.stream.ApplicationID
	p := &pending{batch: &Batch{
		ID:    fmt.Sprintf("%s-%d-%d", app, items[0].Seq, items[len(items)-1].Seq),
		AppID: app,
	}}
	for _, it := range items {
		p.seqs = append(p.seqs, it.Seq)
		if it.Event == nil {
			continue
		}
		r, err := BuildRecord(app, it)
		var b []byte
		if err == nil {
			b, err = json.Marshal(r)
		}
		if err != nil {
			w.log.Error("event stream: an event cannot be streamed and is skipped", "endpoint", it.EndpointID, "event", it.EventID, "error", err)
			continue
		}
		p.batch.Records = append(p.batch.Records, Encoded{EndpointID: it.EndpointID, EventID: it.EventID, JSON: b})
	}
	return p
}

// backoff is lo·2^(n-1), at most hi.
func backoff(n int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// sleep waits d, and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
