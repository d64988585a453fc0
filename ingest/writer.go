// Package ingest is the write side of PutEvents: a bounded queue in front of
// a single writer goroutine that commits many requests per transaction
// (group commit).
//
// A handler validates a PutEvents batch, then calls Writer.Submit with the
// records it accepted. Submit returns once those records are durable, so the
// handler may answer 202; or at once with ETHROTTLED (429) when the queue is
// full. An event is never acknowledged before it is committed, and nothing
// acknowledged is ever dropped. The API reserves room in the queue before
// it decodes a request (Writer.Reserve), so that at capacity the 429 comes
// before the request's events are decoded, and a request it did decode is
// never refused for room.
//
// Group commit needs no timer: while one transaction is being committed, new
// requests wait in the queue; the writer then takes all of them (up to
// MaxBatch records) into the next transaction. Under light load every request
// gets its own transaction with no added latency; under heavy load the
// transactions grow and the number of commits per second stays flat.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
)

// Defaults for Options.
const (
	// The queue holds two full transactions: enough for the writer to
	// find a full one waiting each time it commits, which is all the
	// throughput a queue can buy. More only holds requests longer and
	// costs memory: a full queue of 100,000 events took the server to
	// 732 MiB in cmd/inappd-bench's over-capacity scenario.
	DefaultQueueSize = 2 * DefaultMaxBatch
	// Larger transactions write less per event: the pages they share
	// (rollups, counters, index pages) are written once per commit.
	// sqlite's BenchmarkRecordEventsBatchSize: 20,000-event transactions
	// store 13-20 % more events per second than 5,000-event ones and
	// write half the bytes per event. A transaction that size takes
	// about a second at the writer's rate, which bounds what a request
	// waits for under load; under light load transactions stay small.
	DefaultMaxBatch = 20_000
	// An operator reading the log sees the writer's rate, and whether
	// PutEvents refused requests, once a minute.
	DefaultReportEvery = time.Minute
)

// Options configure a Writer. Zero values take the defaults.
type Options struct {
	// QueueSize is how many records may wait for the writer (accepted but not
	// yet taken into a transaction). A Submit that would exceed it is
	// throttled. The records of the transaction in progress (at most
	// MaxBatch, or one request if larger) are not counted.
	QueueSize int
	// MaxBatch is the most records the writer puts in one transaction. A
	// request is never split: a single request larger than MaxBatch is
	// committed alone.
	MaxBatch int
	// Logger receives failures, the first refusal of a spell at
	// capacity, and the reports. Nil means slog.Default().
	Logger *slog.Logger
	// ReportEvery is how often the writer logs what it committed and
	// refused since its last report: Info, or Warn when it refused
	// requests; no line for a quiet interval. Zero means
	// DefaultReportEvery; negative means no reports, and then only the
	// first refusal the writer makes is logged.
	ReportEvery time.Duration
}

// Stats are the writer's counters since New.
type Stats struct {
	Requests  int64   // Submit calls that were queued
	Events    int64   // records committed
	Fresh     int64   // committed records that were new (not retries)
	Batches   int64   // transactions committed
	AvgBatch  float64 // Events / Batches
	Failed    int64   // transactions that failed (their submitters got the error)
	Throttled int64   // requests refused because the queue was full (Submit or Reserve)
	Pending   int     // records waiting in the queue right now
	Reserved  int     // room held by Reservations right now
}

// request is one Submit call waiting for its records to be committed.
type request struct {
	records []*inapp.EventRecord
	fresh   []bool
	err     error
	done    chan struct{} // closed by the writer once fresh/err are set
}

// Writer is the group-commit event writer. Create it with New, run it with
// Start, stop it with Close.
type Writer struct {
	store       inapp.EventStore
	queueSize   int
	maxBatch    int
	log         *slog.Logger
	reportEvery time.Duration

	mu       sync.Mutex
	queue    []*request // FIFO, guarded by mu
	pending  int        // records in queue, guarded by mu
	reserved int        // room held by Reservations, guarded by mu
	started  bool       // guarded by mu
	closed   bool       // guarded by mu; no Submit is accepted once set

	wake    chan struct{} // capacity 1: "the queue changed"
	stopped chan struct{} // closed when the writer goroutine returns
	ctx     context.Context

	requests, events, fresh, batches, failed, throttled atomic.Int64
	// atCapacity is set by the first refusal since the last report
	// without refusals: that refusal is logged at once, the rest of the
	// spell only in the reports.
	atCapacity atomic.Bool
}

// New returns a writer committing to store. It does nothing until Start.
func New(store inapp.EventStore, opts Options) *Writer {
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReportEvery == 0 {
		opts.ReportEvery = DefaultReportEvery
	}
	return &Writer{
		store:       store,
		queueSize:   opts.QueueSize,
		maxBatch:    opts.MaxBatch,
		log:         opts.Logger,
		reportEvery: opts.ReportEvery,
		wake:        make(chan struct{}, 1),
		stopped:     make(chan struct{}),
		ctx:         context.Background(),
	}
}

// Start launches the writer goroutine. ctx supplies the values (not the
// deadline) of the store calls: cancelling it does not stop the writer, so
// that during a graceful shutdown the requests still in flight are
// committed. Close stops the writer. Start after Start or Close is a no-op.
func (w *Writer) Start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return
	}
	w.started = true
	w.ctx = context.WithoutCancel(ctx)
	go w.run()
	if w.reportEvery > 0 {
		go w.reports()
	}
}

// Close stops accepting records, waits until everything already accepted is
// committed (or failed), and stops the writer. It returns ctx.Err() if ctx
// ends first; the writer then still finishes the drain in the background.
// Close may be called more than once; a writer that was never started is
// drained too.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	if !w.started {
		w.started = true
		go w.run()
	}
	w.mu.Unlock()
	w.notify()

	select {
	case <-w.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Submit queues one request's records and waits until they are committed.
// fresh[i] reports whether records[i] was new (false: the same event ID was
// already stored, e.g. a client retry). The writer reads records until they
// are committed, possibly after Submit returned with ctx.Err(): the caller
// must not change them afterwards. Without Start, Submit waits until Close.
//
// Errors:
//   - *inapp.Error ETHROTTLED at once when the queue is full (429);
//   - *inapp.Error ETOOLARGE when the request alone exceeds QueueSize;
//   - *inapp.Error EUNAVAIL after Close;
//   - the store's error when the transaction holding these records failed:
//     none of them is acknowledged;
//   - ctx.Err() when ctx ends while waiting. The records may still be
//     committed afterwards. That is safe: the client was not told they were,
//     and when it retries, the event IDs make the retry idempotent
//     (RecordEvents skips events it already stored).
func (w *Writer) Submit(ctx context.Context, records []*inapp.EventRecord) ([]bool, error) {
	return w.submit(ctx, records, 0)
}

// submit is Submit for a request that holds room reserved in the queue
// (Reserve): records that fit in it are queued without the capacity check,
// and the room is given back whatever happens.
func (w *Writer) submit(ctx context.Context, records []*inapp.EventRecord, room int) ([]bool, error) {
	if len(records) == 0 {
		w.unreserve(room)
		return []bool{}, nil
	}
	if len(records) > w.queueSize {
		w.unreserve(room)
		return nil, w.tooLarge(len(records))
	}

	req := &request{records: records, done: make(chan struct{})}
	w.mu.Lock()
	w.reserved -= room
	switch {
	case w.closed:
		w.mu.Unlock()
		return nil, inapp.Errorf(inapp.EUNAVAIL, "The server is shutting down; retry later.")
	case ctx.Err() != nil: // do not queue what nobody waits for
		w.mu.Unlock()
		return nil, ctx.Err()
	case len(records) > room && w.pending+w.reserved+len(records) > w.queueSize:
		w.mu.Unlock()
		return nil, w.refuse()
	}
	w.queue = append(w.queue, req)
	w.pending += len(records)
	w.requests.Add(1)
	w.mu.Unlock()
	w.notify()

	select {
	case <-req.done:
		return req.fresh, req.err
	case <-ctx.Done():
		select {
		case <-req.done: // committed at the same moment: report it
			return req.fresh, req.err
		default:
			return nil, ctx.Err()
		}
	}
}

// Reservation is room in the queue that Reserve took for one request.
// It belongs to that request's goroutine.
type Reservation struct {
	w    *Writer
	room int // 0 once submitted or released
}

// Reserve takes room in the queue for up to n records, or returns
// ETHROTTLED when there is none. PutEvents reserves the most events a
// request may carry before it decodes the request: a server at capacity
// then turns a request away for the price of a 429, not of decoding and
// validating events it would refuse anyway, and a request it did decode
// cannot be refused afterwards. Each Reservation must end in its
// Submit or Release.
func (w *Writer) Reserve(n int) (*Reservation, error) {
	if n > w.queueSize {
		return nil, w.tooLarge(n)
	}
	w.mu.Lock()
	if w.pending+w.reserved+n > w.queueSize {
		w.mu.Unlock()
		return nil, w.refuse()
	}
	w.reserved += n
	w.mu.Unlock()
	return &Reservation{w: w, room: n}, nil
}

// Submit is Writer.Submit within the reserved room, which it uses up:
// records that fit in it are never throttled. (More records than the room
// are checked against the queue as Writer.Submit does.)
func (r *Reservation) Submit(ctx context.Context, records []*inapp.EventRecord) ([]bool, error) {
	room := r.room
	r.room = 0
	return r.w.submit(ctx, records, room)
}

// Release gives the room back unless Submit used it; calling it again is
// harmless.
func (r *Reservation) Release() {
	r.w.unreserve(r.room)
	r.room = 0
}

func (w *Writer) unreserve(room int) {
	if room == 0 {
		return
	}
	w.mu.Lock()
	w.reserved -= room
	w.mu.Unlock()
}

// tooLarge is the error for n records that no queue state could take.
func (w *Writer) tooLarge(n int) error {
	return inapp.Errorf(inapp.ETOOLARGE, "A batch of %d events exceeds the event queue (%d).", n, w.queueSize)
}

var errQueueFull = inapp.Errorf(inapp.ETHROTTLED, "Too many requests: the event queue is full; retry with backoff.")

// refuse counts a request turned away for want of room and returns its
// error. The first refusal of a spell at capacity is logged at once; a
// line per refusal would flood the log just when the server has the
// least time for it, so the others are counted in the next report.
func (w *Writer) refuse() error {
	w.throttled.Add(1)
	if w.atCapacity.CompareAndSwap(false, true) {
		w.log.Warn("PutEvents at capacity: the event queue is full, so requests are answered 429 until the event writer catches up; the next report counts them",
			"queue_events", w.queueSize)
	}
	return errQueueFull
}

// reports logs, every reportEvery until the writer stops, what it did
// since the last report, and a last report as it stops (a graceful
// shutdown's drain included).
func (w *Writer) reports() {
	t := time.NewTicker(w.reportEvery)
	defer t.Stop()
	// From zero, not from the Stats when this goroutine first runs:
	// what was committed before that belongs in the first report.
	var last Stats
	lastAt := time.Now()
	for {
		stopped := false
		select {
		case <-w.stopped:
			stopped = true
		case <-t.C:
		}
		now, at := w.Stats(), time.Now()
		w.report(last, now, at.Sub(lastAt))
		if stopped {
			return
		}
		last, lastAt = now, at
	}
}

// report logs the difference between two Stats taken over seconds apart:
// nothing when nothing happened, Warn when requests were refused, else
// Info.
func (w *Writer) report(prev, now Stats, over time.Duration) {
	events, batches := now.Events-prev.Events, now.Batches-prev.Batches
	refused, failed := now.Throttled-prev.Throttled, now.Failed-prev.Failed
	if refused == 0 {
		w.atCapacity.Store(false) // the next refusal opens a new spell
	}
	if events == 0 && refused == 0 && failed == 0 {
		return
	}
	level, msg := slog.LevelInfo, "events committed"
	if refused > 0 {
		level, msg = slog.LevelWarn, "events committed; PutEvents at capacity: requests answered 429"
	}
	attrs := []any{
		"over", over.Round(time.Millisecond).String(),
		"events", events,
		"events_per_second", int64(float64(events) / over.Seconds()),
		"retried_events", events - (now.Fresh - prev.Fresh),
		"transactions", batches,
		"refused_requests", refused,
		"failed_transactions", failed,
		"queued_events", now.Pending,
	}
	if batches > 0 {
		attrs = append(attrs, "events_per_transaction", events/batches)
	}
	w.log.Log(w.ctx, level, msg, attrs...)
}

// Stats returns the counters.
func (w *Writer) Stats() Stats {
	w.mu.Lock()
	pending, reserved := w.pending, w.reserved
	w.mu.Unlock()
	s := Stats{
		Requests:  w.requests.Load(),
		Events:    w.events.Load(),
		Fresh:     w.fresh.Load(),
		Batches:   w.batches.Load(),
		Failed:    w.failed.Load(),
		Throttled: w.throttled.Load(),
		Pending:   pending,
		Reserved:  reserved,
	}
	if s.Batches > 0 {
		s.AvgBatch = float64(s.Events) / float64(s.Batches)
	}
	return s
}

// notify wakes the writer without blocking; one pending wake-up is enough
// because the writer looks at the whole queue each time it wakes.
func (w *Writer) notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run is the writer goroutine: take a group, commit it, repeat; return once
// closed and the queue is empty.
func (w *Writer) run() {
	defer close(w.stopped)
	var buf []*inapp.EventRecord
	for {
		reqs, closed := w.take()
		if len(reqs) == 0 {
			if closed {
				return
			}
			<-w.wake
			continue
		}
		buf = buf[:0]
		for _, r := range reqs {
			buf = append(buf, r.records...)
		}
		w.commit(reqs, buf)
		clear(buf) // do not keep the records alive until the next batch
	}
}

// take removes the oldest requests from the queue, as many as fit in
// MaxBatch records (always at least one).
func (w *Writer) take() (reqs []*request, closed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, k := 0, 0
	for k < len(w.queue) && (k == 0 || n+len(w.queue[k].records) <= w.maxBatch) {
		n += len(w.queue[k].records)
		k++
	}
	reqs = make([]*request, k)
	copy(reqs, w.queue)
	rest := copy(w.queue, w.queue[k:])
	clear(w.queue[rest:])
	w.queue = w.queue[:rest]
	w.pending -= n
	return reqs, w.closed
}

// commit writes one group in one store call and wakes its submitters.
func (w *Writer) commit(reqs []*request, records []*inapp.EventRecord) {
	fresh, err := w.record(records)
	if err == nil && len(fresh) != len(records) {
		err = fmt.Errorf("ingest: store reported %d fresh flags for %d events", len(fresh), len(records))
	}
	if err != nil {
		w.failed.Add(1)
		w.log.Error("event batch not committed", "requests", len(reqs), "events", len(records), "err", err)
		for _, r := range reqs {
			r.err = err
			close(r.done)
		}
		return
	}

	nfresh := 0
	for _, f := range fresh {
		if f {
			nfresh++
		}
	}
	w.batches.Add(1)
	w.events.Add(int64(len(records)))
	w.fresh.Add(int64(nfresh))

	off := 0
	for _, r := range reqs {
		end := off + len(r.records)
		r.fresh = fresh[off:end:end]
		off = end
		close(r.done)
	}
}

// record calls the store, turning a panic into an error so that one bad
// batch cannot take the writer (and every waiting submitter) down with it.
func (w *Writer) record(records []*inapp.EventRecord) (fresh []bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ingest: store panicked: %v", p)
		}
	}()
	return w.store.RecordEvents(w.ctx, records)
}
