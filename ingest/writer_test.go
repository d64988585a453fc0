package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/ingest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// start returns a started writer that is closed (and must drain) when the
// test ends.
func start(t testing.TB, store inapp.EventStore, opts ingest.Options) *ingest.Writer {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	w := ingest.New(store, opts)
	w.Start(context.Background())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// waitFor polls cond until it holds, failing the test after 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

type result struct {
	fresh []bool
	err   error
}

// submitAsync runs Submit in a goroutine; the result arrives on the channel.
func submitAsync(ctx context.Context, w *ingest.Writer, rs []*inapp.EventRecord) <-chan result {
	ch := make(chan result, 1)
	go func() {
		fresh, err := w.Submit(ctx, rs)
		ch <- result{fresh, err}
	}()
	return ch
}

func receive(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("Submit did not return")
		return result{}
	}
}

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

func TestSubmitCommits(t *testing.T) {
	store := newFakeStore()
	w := start(t, store, ingest.Options{})
	ctx := context.Background()

	rs := records("e1", 3)
	fresh, err := w.Submit(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fresh, allTrue(3)) {
		t.Errorf("fresh = %v, want all true", fresh)
	}
	for _, r := range rs {
		if !store.Has(r) {
			t.Errorf("%s not stored when Submit returned", r.EventID)
		}
	}

	// A retry of the same events is acknowledged again but not fresh.
	fresh, err = w.Submit(ctx, records("e1", 3))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fresh, []bool{false, false, false}) {
		t.Errorf("retry fresh = %v, want all false", fresh)
	}

	// Nothing to write: no transaction.
	fresh, err = w.Submit(ctx, nil)
	if err != nil || len(fresh) != 0 {
		t.Errorf("empty Submit = %v, %v", fresh, err)
	}
	if got := store.Calls(); got != 2 {
		t.Errorf("RecordEvents calls = %d, want 2", got)
	}
	if st := w.Stats(); st.Events != 6 || st.Fresh != 3 || st.Batches != 2 || st.AvgBatch != 3 || st.Requests != 2 {
		t.Errorf("Stats = %+v", st)
	}
}

// While one transaction is in progress, everything that arrives is
// committed together in the next one, and each submitter gets its own flags.
func TestGroupCommit(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{})
	ctx := context.Background()

	// Pre-store some events so the fresh flags differ per submitter:
	// record j of submitter i is a retry when (i+j)%3 == 0.
	const n = 50
	reqs := make([][]*inapp.EventRecord, n)
	var seed []*inapp.EventRecord
	want := make([][]bool, n)
	for i := range reqs {
		reqs[i] = records(fmt.Sprintf("ep-%d", i), 1+i%7)
		want[i] = make([]bool, len(reqs[i]))
		for j, r := range reqs[i] {
			want[i][j] = (i+j)%3 != 0
			if !want[i][j] {
				seed = append(seed, r)
			}
		}
	}
	first := submitAsync(ctx, w, seed)
	<-g.entered // the seed transaction is in progress, held at the gate

	total := 0
	results := make([]<-chan result, n)
	for i := range reqs {
		results[i] = submitAsync(ctx, w, reqs[i])
		total += len(reqs[i])
	}
	waitFor(t, "all requests queued", func() bool { return w.Stats().Pending == total })
	close(g.release)

	if r := receive(t, first); r.err != nil {
		t.Fatal(r.err)
	}
	for i, ch := range results {
		r := receive(t, ch)
		if r.err != nil {
			t.Fatalf("submitter %d: %v", i, r.err)
		}
		if !slices.Equal(r.fresh, want[i]) {
			t.Errorf("submitter %d: fresh = %v, want %v", i, r.fresh, want[i])
		}
	}
	if got, want := store.Batches(), []int{len(seed), total}; !slices.Equal(got, want) {
		t.Errorf("batches = %v, want %v (%d requests in one transaction)", got, want, n)
	}
	if st := w.Stats(); st.Batches != 2 || st.Requests != n+1 || st.Pending != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

// Groups never exceed MaxBatch records, requests are never split, and a
// request larger than MaxBatch is committed alone.
func TestMaxBatch(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{MaxBatch: 10})
	ctx := context.Background()

	first := submitAsync(ctx, w, records("first", 1))
	<-g.entered
	// Queued in order (each waits until the previous one is in the queue).
	sizes := []int{4, 4, 4, 12, 3, 3, 3, 3}
	var results []<-chan result
	queued := 0
	for i, n := range sizes {
		results = append(results, submitAsync(ctx, w, records(fmt.Sprintf("ep-%d", i), n)))
		queued += n
		waitFor(t, "request queued", func() bool { return w.Stats().Pending == queued })
	}
	close(g.release)

	for _, ch := range append(results, first) {
		if r := receive(t, ch); r.err != nil {
			t.Fatal(r.err)
		}
	}
	want := []int{1, 8, 4, 12, 9, 3}
	if got := store.Batches(); !slices.Equal(got, want) {
		t.Errorf("batches = %v, want %v", got, want)
	}
}

// A full queue is refused at once while a slow commit is in progress, and
// everything accepted is committed.
func TestThrottle(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{QueueSize: 10})
	ctx := context.Background()

	inFlight := records("a", 5)
	first := submitAsync(ctx, w, inFlight)
	<-g.entered // taken from the queue: its records no longer count

	queued := records("b", 10)
	second := submitAsync(ctx, w, queued)
	waitFor(t, "queue full", func() bool { return w.Stats().Pending == 10 })

	begin := time.Now()
	_, err := w.Submit(ctx, records("c", 1))
	if inapp.ErrorCode(err) != inapp.ETHROTTLED {
		t.Fatalf("Submit on a full queue: err = %v, want ETHROTTLED", err)
	}
	if d := time.Since(begin); d > time.Second {
		t.Errorf("throttled Submit took %v; it must not wait", d)
	}
	// A request that can never fit is a different error.
	if _, err := w.Submit(ctx, records("d", 11)); inapp.ErrorCode(err) != inapp.ETOOLARGE {
		t.Errorf("Submit larger than the queue: err = %v, want ETOOLARGE", err)
	}

	close(g.release)
	for _, ch := range []<-chan result{first, second} {
		if r := receive(t, ch); r.err != nil {
			t.Fatal(r.err)
		}
	}
	for _, r := range append(inFlight, queued...) {
		if !store.Has(r) {
			t.Errorf("acknowledged event %s/%s lost", r.EndpointID, r.EventID)
		}
	}
	if store.Len() != 15 {
		t.Errorf("stored %d events, want 15", store.Len())
	}
	if st := w.Stats(); st.Throttled != 1 || st.Events != 15 {
		t.Errorf("Stats = %+v", st)
	}

	// The queue has room again.
	if _, err := w.Submit(ctx, records("c", 10)); err != nil {
		t.Errorf("Submit after the queue drained: %v", err)
	}
}

// Room reserved before a request is read counts against the queue: once
// taken, a Reserve beyond it is refused, while the requests holding room
// are queued whatever the queue holds by then. Room a request did not use
// comes back.
func TestReserve(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{QueueSize: 10})
	ctx := context.Background()

	first := submitAsync(ctx, w, records("a", 3))
	<-g.entered // the writer holds it: the queue is empty

	r1, err := w.Reserve(6)
	if err != nil {
		t.Fatalf("Reserve(6) on an empty queue: %v", err)
	}
	r2, err := w.Reserve(4)
	if err != nil {
		t.Fatalf("Reserve(4) beside 6 reserved of 10: %v", err)
	}
	if _, err := w.Reserve(1); inapp.ErrorCode(err) != inapp.ETHROTTLED {
		t.Fatalf("Reserve(1) with all 10 reserved: %v, want ETHROTTLED", err)
	}
	// (A Submit let through would wait for the gate: give it a second.)
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := w.Submit(short, records("x", 1)); inapp.ErrorCode(err) != inapp.ETHROTTLED {
		t.Fatalf("Submit with all 10 reserved: %v, want ETHROTTLED", err)
	}
	if _, err := w.Reserve(11); inapp.ErrorCode(err) != inapp.ETOOLARGE {
		t.Errorf("Reserve(11) of a queue of 10: %v, want ETOOLARGE", err)
	}
	if st := w.Stats(); st.Reserved != 10 || st.Throttled != 2 {
		t.Errorf("Stats = %+v, want 10 reserved and 2 throttled", st)
	}

	// r1 uses 5 of its 6; r2 gives its 4 back unused.
	second := make(chan result, 1)
	go func() {
		fresh, err := r1.Submit(ctx, records("b", 5))
		second <- result{fresh, err}
	}()
	waitFor(t, "r1 queued", func() bool { return w.Stats().Pending == 5 })
	if st := w.Stats(); st.Reserved != 4 {
		t.Errorf("after r1's Submit: %d reserved, want 4", st.Reserved)
	}
	r2.Release()
	r2.Release() // harmless
	r1.Release() // used: nothing to give back
	if st := w.Stats(); st.Reserved != 0 {
		t.Errorf("after the releases: %d reserved, want 0", st.Reserved)
	}
	r3, err := w.Reserve(5)
	if err != nil {
		t.Fatalf("Reserve(5) beside 5 queued of 10: %v", err)
	}
	r3.Release()

	close(g.release)
	for _, ch := range []<-chan result{first, second} {
		if r := receive(t, ch); r.err != nil {
			t.Fatal(r.err)
		}
	}
	if store.Len() != 8 {
		t.Errorf("stored %d events, want 8", store.Len())
	}
}

// A request holding room is refused, and gives its room back, once the
// writer is closed.
func TestReserveAfterClose(t *testing.T) {
	w := ingest.New(newFakeStore(), ingest.Options{QueueSize: 10, Logger: quiet})
	w.Start(context.Background())
	r, err := w.Reserve(10)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Submit(context.Background(), records("a", 2)); inapp.ErrorCode(err) != inapp.EUNAVAIL {
		t.Errorf("Submit after Close: %v, want EUNAVAIL", err)
	}
	if st := w.Stats(); st.Reserved != 0 {
		t.Errorf("%d reserved after a refused Submit, want 0", st.Reserved)
	}
}

// A failed transaction fails every submitter of its group; the writer goes
// on with the next group.
func TestStoreError(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	errDisk := errors.New("disk I/O error")
	store.before = func(call, n int) error {
		switch call {
		case 1:
			g.entered <- call
			<-g.release
		case 2:
			return errDisk
		case 3:
			panic("boom")
		}
		return nil
	}
	w := start(t, store, ingest.Options{})
	ctx := context.Background()

	first := submitAsync(ctx, w, records("a", 1))
	<-g.entered
	var group []<-chan result
	var failed []*inapp.EventRecord
	for i := range 5 {
		rs := records(fmt.Sprintf("b%d", i), 2)
		failed = append(failed, rs...)
		group = append(group, submitAsync(ctx, w, rs))
	}
	waitFor(t, "group queued", func() bool { return w.Stats().Pending == 10 })
	close(g.release)

	if r := receive(t, first); r.err != nil {
		t.Fatal(r.err)
	}
	for i, ch := range group {
		r := receive(t, ch)
		if !errors.Is(r.err, errDisk) {
			t.Errorf("submitter %d: err = %v, want %v", i, r.err, errDisk)
		}
		if r.fresh != nil {
			t.Errorf("submitter %d: fresh = %v with an error", i, r.fresh)
		}
	}
	for _, r := range failed {
		if store.Has(r) {
			t.Errorf("%s/%s stored by a failed transaction", r.EndpointID, r.EventID)
		}
	}

	// A panicking store is an error too, and does not kill the writer.
	if _, err := w.Submit(ctx, records("c", 1)); err == nil || inapp.ErrorCode(err) != inapp.EINTERNAL {
		t.Errorf("Submit with a panicking store: err = %v, want an internal error", err)
	}

	// The next group succeeds: the client's retry of the failed batch is fresh.
	fresh, err := w.Submit(ctx, failed)
	if err != nil {
		t.Fatalf("retry after a store error: %v", err)
	}
	if !slices.Equal(fresh, allTrue(len(failed))) {
		t.Errorf("retry fresh = %v, want all true", fresh)
	}
	if st := w.Stats(); st.Failed != 2 || st.Batches != 2 || st.Events != 11 {
		t.Errorf("Stats = %+v", st)
	}
}

// A store that returns the wrong number of flags fails the group instead of
// handing out someone else's flags.
func TestStoreShortFresh(t *testing.T) {
	w := start(t, shortStore{newFakeStore()}, ingest.Options{})
	if _, err := w.Submit(context.Background(), records("a", 3)); err == nil {
		t.Fatal("Submit succeeded with a store returning too few flags")
	}
}

type shortStore struct{ *fakeStore }

func (s shortStore) RecordEvents(ctx context.Context, events []*inapp.EventRecord) ([]bool, error) {
	fresh, err := s.fakeStore.RecordEvents(ctx, events)
	return fresh[:len(fresh)-1], err
}

// Close commits everything accepted before it, then refuses new records.
func TestCloseDrains(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	store.delay = time.Millisecond
	w := ingest.New(store, ingest.Options{MaxBatch: 7, Logger: quiet})
	w.Start(context.Background())
	ctx := context.Background()

	first := submitAsync(ctx, w, records("first", 1))
	<-g.entered
	var results []<-chan result
	for i := range 20 {
		results = append(results, submitAsync(ctx, w, records(fmt.Sprintf("ep-%d", i), 3)))
	}
	waitFor(t, "requests queued", func() bool { return w.Stats().Pending == 60 })

	closed := make(chan error, 1)
	go func() { closed <- w.Close(ctx) }()
	// Probe with a done context: before Close it queues nothing.
	done, cancel := context.WithCancel(ctx)
	cancel()
	waitFor(t, "Close to refuse records", func() bool {
		_, err := w.Submit(done, records("late", 1))
		return inapp.ErrorCode(err) == inapp.EUNAVAIL
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before the queue was drained", err)
	default:
	}

	close(g.release)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for i, ch := range append(results, first) {
		if r := receive(t, ch); r.err != nil {
			t.Errorf("submitter %d: %v", i, r.err)
		}
	}
	if store.Len() != 61 {
		t.Errorf("stored %d events, want 61", store.Len())
	}
	if err := w.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCloseTimeout(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block()
	w := ingest.New(store, ingest.Options{Logger: quiet})
	w.Start(context.Background())
	res := submitAsync(context.Background(), w, records("a", 1))
	<-g.entered

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close with a stuck store: err = %v, want deadline exceeded", err)
	}
	// The drain goes on in the background.
	close(g.release)
	if r := receive(t, res); r.err != nil {
		t.Error(r.err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Error(err)
	}
}

// A writer that was never started still commits what it accepted on Close.
func TestCloseWithoutStart(t *testing.T) {
	store := newFakeStore()
	w := ingest.New(store, ingest.Options{Logger: quiet})
	ctx := context.Background()
	res := submitAsync(ctx, w, records("a", 2))
	waitFor(t, "request queued", func() bool { return w.Stats().Pending == 2 })
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if r := receive(t, res); r.err != nil || len(r.fresh) != 2 {
		t.Errorf("Submit = %v, %v", r.fresh, r.err)
	}
	if _, err := w.Submit(ctx, records("b", 1)); inapp.ErrorCode(err) != inapp.EUNAVAIL {
		t.Errorf("Submit after Close: err = %v, want EUNAVAIL", err)
	}
}

// Cancelling the start context does not stop the writer: Close does.
func TestStartContextCancelled(t *testing.T) {
	store := newFakeStore()
	ctx, cancel := context.WithCancel(context.Background())
	w := ingest.New(store, ingest.Options{Logger: quiet})
	w.Start(ctx)
	cancel()
	if _, err := w.Submit(context.Background(), records("a", 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A submitter whose context ends stops waiting; its records may still be
// committed, and a retry is then idempotent.
func TestSubmitCancel(t *testing.T) {
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{})

	ctx, cancel := context.WithCancel(context.Background())
	rs := records("a", 2)
	res := submitAsync(ctx, w, rs)
	<-g.entered
	cancel()
	if r := receive(t, res); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", r.err)
	}

	close(g.release)
	waitFor(t, "commit", func() bool { return store.Has(rs[0]) && store.Has(rs[1]) })
	fresh, err := w.Submit(context.Background(), rs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fresh, []bool{false, false}) {
		t.Errorf("retry fresh = %v, want all false", fresh)
	}

	// A context that is already done queues nothing.
	before := w.Stats().Requests
	if _, err := w.Submit(ctx, records("b", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Submit with a cancelled context: err = %v", err)
	}
	if w.Stats().Requests != before {
		t.Error("a Submit with a cancelled context was queued")
	}
}

// Many concurrent submitters against a slow store: fewer transactions than
// requests, every submitter gets exactly its own flags, nothing is lost.
func TestConcurrentSubmitters(t *testing.T) {
	store := newFakeStore()
	store.delay = 2 * time.Millisecond
	w := start(t, store, ingest.Options{MaxBatch: 500})

	const workers, perWorker = 64, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for i := range workers {
		wg.Go(func() {
			for j := range perWorker {
				n := 1 + (i*perWorker+j)%13
				rs := records(fmt.Sprintf("w%d-%d", i, j), n)
				if j%2 == 1 { // every other request repeats its first event
					rs = append(rs, records(fmt.Sprintf("w%d-%d", i, j), 1)...)
				}
				fresh, err := w.Submit(context.Background(), rs)
				if err != nil {
					errs <- err
					continue
				}
				want := allTrue(len(rs))
				if j%2 == 1 {
					want[len(want)-1] = false
				}
				if !slices.Equal(fresh, want) {
					errs <- fmt.Errorf("worker %d request %d: fresh = %v, want %v", i, j, fresh, want)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	st := w.Stats()
	if st.Requests != workers*perWorker {
		t.Errorf("requests = %d", st.Requests)
	}
	if int(st.Fresh) != store.Len() {
		t.Errorf("fresh = %d, stored = %d", st.Fresh, store.Len())
	}
	if calls := store.Calls(); calls >= workers*perWorker/2 {
		t.Errorf("%d transactions for %d requests: no group commit", calls, workers*perWorker)
	}
	t.Logf("%d requests, %d events in %d transactions (avg %.1f events)", st.Requests, st.Events, st.Batches, st.AvgBatch)
}
