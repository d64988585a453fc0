package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	inapp "github.com/inappd/inappd"
)

// applyPieces applies the job's pieces from the first one not yet
// completed. Three things overlap: a goroutine parses the next piece; and
// once a piece's endpoints are written, the next piece is checked against
// the rules that involve other endpoints (reads: rules.go) while the
// writer adds the piece's segment members.
func (r *Runner) applyPieces(ctx context.Context, job *inapp.ImportJob, files []srcFile) error {
	st := job.State
	if st.PieceSize <= 0 {
		st.PieceSize = r.pieceSize()
	}
	done := job.CompletedPieces + job.FailedPieces
	if done >= job.TotalPieces {
		return nil
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pieces := make(chan []*row, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(pieces)
		readErr <- readPieces(ctx, files, job.Definition.Format, done, st.PieceSize, st.SortWindow, pieces)
	}()
	fail := func(index int, err error) error {
		cancel()
		for range pieces {
		}
		if parent.Err() != nil || inapp.ErrorCode(err) == inapp.EUNAVAIL {
			// Shutdown, or the database is away: the piece is not at fault,
			// and the job resumes from its last recorded piece.
			return err
		}
		job.FailedPieces++
		return fatalf("piece %d of %d could not be applied: %s", index+1, job.TotalPieces, failureMessage(err))
	}
	index := done
	piece, ok := <-pieces
	checked := r.startCheck(ctx, job, piece, ok)
	for ok {
		if err := <-checked; err != nil {
			return fail(index, err)
		}
		counts := map[string]int{}
		if err := r.writeEndpoints(ctx, job, piece, counts); err != nil {
			return fail(index, err)
		}
		if r.hook != nil {
			r.hook("endpoints", job)
		}
		next, more := <-pieces
		checked = r.startCheck(ctx, job, next, more)
		if err := r.writeMembers(ctx, job, piece, counts); err != nil {
			<-checked
			return fail(index, err)
		}
		index++
		piece, ok = next, more
	}
	if err := <-readErr; err != nil {
		return err
	}
	if job.CompletedPieces != job.TotalPieces || job.TotalProcessed != st.Rows {
		return fatalf("the source changed while the job ran: it counted %d rows in %d pieces, then read %d rows", st.Rows, job.TotalPieces, job.TotalProcessed)
	}
	return nil
}

// startCheck checks a piece's rows against the rules that involve other
// endpoints (rules.go) in the background; it must start after the
// previous piece's endpoints are written, which it reads.
func (r *Runner) startCheck(ctx context.Context, job *inapp.ImportJob, piece []*row, ok bool) <-chan error {
	c := make(chan error, 1)
	if !ok || !job.Definition.RegisterEndpoints {
		c <- nil
		return c
	}
	go func() { c <- r.checkRules(ctx, job.ApplicationID, piece) }()
	return c
}

// windowBytes bounds the rows a sort window holds (see readPieces).
var windowBytes = 32 << 20 // a variable for tests

// readPieces reads the files and sends their rows in pieces of size rows,
// from piece number skip on.
//
// Rows go in sort windows of window rows (a multiple of size; the last
// window is what is left): each window is sorted by endpoint ID (stably:
// rows of one endpoint keep their order) before it is cut into pieces. An
// import writes to indexes keyed by endpoint ID; in file order, with IDs
// in no order (UUIDs), each row of a piece would dirty its own page of
// each index, and every piece would rewrite most of the index. Sorted, a
// piece covers a narrow range of IDs and writes each page once. Windows
// are cut at the same rows every time, so a resumed job finds the same
// pieces.
func readPieces(ctx context.Context, files []srcFile, format string, skip, size, window int, out chan<- []*row) error {
	if window < size {
		window = size
	}
	readers := make([]rowReader, len(files))
	closers := make([]io.Closer, 0, len(files))
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	current := 0
	// nextRaw reads the next row of the source, across its files.
	nextRaw := func() (rawRow, error) {
		for current < len(files) {
			f := files[current]
			if readers[current] == nil {
				fh, err := os.Open(f.path)
				if err != nil {
					return rawRow{}, fatalf("the source is gone: %v", err)
				}
				closers = append(closers, fh)
				if readers[current], err = newRowReader(format, ctxReader{ctx, fh}); err != nil {
					return rawRow{}, inFile(f, err)
				}
			}
			raw, err := readers[current].nextRaw()
			if errors.Is(err, io.EOF) {
				closers[len(closers)-1].Close()
				current++
				continue
			}
			if err != nil {
				return rawRow{}, inFile(f, err)
			}
			raw.file = int32(current)
			return raw, nil
		}
		return rawRow{}, io.EOF
	}
	buf := make([]rawRow, 0, window)
	piece := 0
	for {
		buf = buf[:0]
		var err error
		bytes := 0
		// A window ends after window rows, or at the first piece boundary
		// past windowBytes of rows (long JSON lines): windows stay whole
		// pieces, so every job has ceil(rows / size) pieces.
		for len(buf) < window && (bytes < windowBytes || len(buf)%size != 0) {
			var raw rawRow
			if raw, err = nextRaw(); err != nil {
				break
			}
			buf = append(buf, raw)
			bytes += len(raw.data)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		n := (len(buf) + size - 1) / size // pieces in this window
		if piece+n > skip {
			slices.SortStableFunc(buf, func(a, b rawRow) int { return strings.Compare(a.key, b.key) })
			for p := range n {
				if piece+p < skip {
					continue
				}
				rows := buf[p*size : min(len(buf), (p+1)*size)]
				decoded := make([]*row, len(rows))
				for i, raw := range rows {
					decoded[i] = readers[raw.file].decode(raw)
					decoded[i].file = files[raw.file].name
					decoded[i].pos = int64(raw.file)<<32 | int64(raw.line)
				}
				select {
				case out <- decoded:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		piece += n
		if err != nil { // io.EOF
			return nil
		}
	}
}

// writeEndpoints registers the piece's endpoints (RegisterEndpoints), in
// one transaction, and counts the channels of what it imports.
func (r *Runner) writeEndpoints(ctx context.Context, job *inapp.ImportJob, piece []*row, counts map[string]int) error {
	if job.Definition.SegmentID != "" && !job.State.NewSegment {
		if err := r.checkSegment(ctx, job); err != nil {
			return err
		}
	}
	if job.Definition.RegisterEndpoints {
		return r.registerEndpoints(ctx, job.ApplicationID, piece, counts)
	}
	for _, rw := range piece {
		if rw.fail == "" && rw.req != nil && rw.req.ChannelType != "" {
			counts[rw.req.ChannelType]++
		}
	}
	return nil
}

// writeMembers adds the piece's endpoints to the job's segment, then
// records the piece in the job.
func (r *Runner) writeMembers(ctx context.Context, job *inapp.ImportJob, piece []*row, counts map[string]int) error {
	def, st := job.Definition, job.State
	if def.SegmentID != "" {
		members, err := r.userMembers(ctx, job.ApplicationID, piece, counts)
		if err != nil {
			return err
		}
		for _, rw := range piece {
			if rw.fail == "" && rw.id != "" {
				members = append(members, rw.id)
			}
		}
		// In writeChunk transactions too, in key order (each touches one
		// range of the members' key); adding a member twice is harmless.
		slices.Sort(members)
		for chunk := range slices.Chunk(slices.Compact(members), writeChunk) {
			if err := r.Store.AddSegmentMembers(ctx, job.ApplicationID, def.SegmentID, chunk); err != nil {
				return err
			}
		}
	}
	failures := 0
	for _, rw := range piece {
		if rw.fail != "" {
			failures++
			addFailure(job, rw)
		}
	}
	job.CompletedPieces++
	job.TotalProcessed += len(piece)
	job.TotalFailures += failures
	if len(counts) > 0 && st.ChannelCounts == nil {
		st.ChannelCounts = map[string]int{}
	}
	for k, v := range counts {
		st.ChannelCounts[k] += v
	}
	return r.save(ctx, job)
}

// writeChunk is how many endpoints one transaction of an import writes:
// about 30 ms of the writer at 1M endpoints on a 2-core machine, so that
// an admin write waits no longer than that.
const writeChunk = 1_000

// registerEndpoints applies the piece's endpoint rows in calls of
// UpdateEndpoints of at most writeChunk endpoints. A row that would give
// its endpoint too many attributes fails alone; rows naming the same
// endpoint apply in file order, and the endpoints the rules retire
// (row.retire) become INACTIVE in their place in that order.
func (r *Runner) registerEndpoints(ctx context.Context, appID string, piece []*row, counts map[string]int) error {
	// An op is a row to apply, or (rw nil) making the endpoint INACTIVE,
	// at the place seq of the row that retired it.
	type op struct {
		rw  *row
		seq int
	}
	byID := map[string][]op{}
	var ids []string
	add := func(id string, o op) {
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], o)
	}
	for _, rw := range piece {
		if rw.fail == "" && rw.req != nil {
			add(rw.id, op{rw, rw.seq})
		}
	}
	var retired []string
	for _, rw := range piece {
		if rw.fail == "" {
			for _, id := range rw.retire {
				add(id, op{nil, rw.seq})
				retired = append(retired, id)
			}
		}
	}
	for _, id := range retired {
		slices.SortStableFunc(byID[id], func(a, b op) int { return a.seq - b.seq })
	}
	if len(ids) == 0 {
		return nil
	}
	// In key order, the writes walk each index page once per piece instead
	// of hopping between pages at random.
	slices.Sort(ids)
	now := r.now()
	var mu sync.Mutex // fn may be called from the store's goroutine
	failed := map[*row]string{}
	final := map[string]*inapp.Endpoint{}
	update := func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		mu.Lock()
		defer mu.Unlock()
		e, changed := cur, false
		for _, o := range byID[id] {
			if o.rw == nil {
				if e != nil && e.EndpointStatus != "INACTIVE" {
					next := *e
					next.EndpointStatus = "INACTIVE"
					e, changed = &next, true
				}
				continue
			}
			rw := o.rw
			delete(failed, rw) // a store may retry a transaction
			next := inapp.ApplyEndpointRequest(e, rw.req, appID, id, now)
			if err := next.CheckAttributeCount(); err != nil {
				failed[rw] = inapp.ErrorMessage(err)
				continue
			}
			if err := next.CheckSize(); err != nil {
				failed[rw] = inapp.ErrorMessage(err)
				continue
			}
			e, changed = next, true
		}
		final[id] = e
		if !changed {
			return nil, nil
		}
		return e, nil
	}
	// A transaction per writeChunk endpoints rather than one per piece:
	// admin writes wait for the same writer (on SQLite), and a piece's
	// 5,000 took it for about 140 ms. An endpoint's rows all go in one
	// chunk. A crash between two chunks leaves the piece partly applied
	// and not recorded: the job applies it again from its start, as it
	// does a piece applied and not recorded.
	for chunk := range slices.Chunk(ids, writeChunk) {
		if err := r.Store.UpdateEndpoints(ctx, appID, chunk, update); err != nil {
			return err
		}
	}
	for rw, msg := range failed {
		rw.fail = msg
	}
	for _, rw := range piece {
		if rw.fail == "" && rw.req != nil {
			if e := final[rw.id]; e != nil && e.ChannelType != "" {
				counts[e.ChannelType]++
			}
		}
	}
	return nil
}

// lookups is how many user lookups run at once (reads, on the read pool).
const lookups = 8

// userEndpoints returns the stored endpoints of each user.
func (r *Runner) userEndpoints(ctx context.Context, appID string, users []string) (map[string][]*inapp.Endpoint, error) {
	return readEach(users, func(u string) ([]*inapp.Endpoint, error) { return r.Store.UserEndpoints(ctx, appID, u) })
}

// userEndpointIDs returns the IDs of the stored endpoints of each user
// that count toward the limit (not INACTIVE), in one query when the store
// can.
func (r *Runner) userEndpointIDs(ctx context.Context, appID string, users []string) (map[string][]string, error) {
	if l, ok := r.Store.(inapp.UserEndpointIDLister); ok {
		return l.UserEndpointIDs(ctx, appID, users)
	}
	eps, err := r.userEndpoints(ctx, appID, users)
	ids := make(map[string][]string, len(eps))
	for u, es := range eps {
		for _, e := range es {
			if e.EndpointStatus != "INACTIVE" {
				ids[u] = append(ids[u], e.ID)
			}
		}
	}
	return ids, err
}

// userMembers resolves the piece's rows of user IDs to their endpoints
// (as stored now). A row naming a user without endpoints fails.
func (r *Runner) userMembers(ctx context.Context, appID string, piece []*row, counts map[string]int) ([]string, error) {
	var users []string
	seen := map[string]bool{}
	for _, rw := range piece {
		for _, u := range rw.users {
			if rw.fail == "" && !seen[u] {
				seen[u] = true
				users = append(users, u)
			}
		}
	}
	if len(users) == 0 {
		return nil, nil
	}
	eps, err := r.userEndpoints(ctx, appID, users)
	if err != nil {
		return nil, err
	}
	var members []string
	for _, rw := range piece {
		if rw.fail != "" || len(rw.users) == 0 {
			continue
		}
		for _, u := range rw.users {
			if len(eps[u]) == 0 {
				rw.fail = fmt.Sprintf("user %q has no endpoints in application %s: import endpoints first, then their user IDs", u, appID)
				break
			}
		}
		if rw.fail != "" {
			continue
		}
		for _, u := range rw.users {
			for _, e := range eps[u] {
				members = append(members, e.ID)
				if e.ChannelType != "" {
					counts[e.ChannelType]++
				}
			}
		}
	}
	return members, nil
}

// addFailure records a failed row in Failures, which holds the first
// inapp.MaxImportFailures failed rows in file order (pieces come in
// sorted windows, so later pieces can hold earlier rows).
func addFailure(job *inapp.ImportJob, rw *row) {
	st := job.State
	if len(st.FailureAt) != len(job.Failures) {
		return // a failure reason was appended: the job has ended
	}
	i, _ := slices.BinarySearch(st.FailureAt, rw.pos)
	if i >= inapp.MaxImportFailures {
		return
	}
	msg := rw.where() + ": " + rw.fail
	job.Failures = slices.Insert(job.Failures, i, msg)
	st.FailureAt = slices.Insert(st.FailureAt, i, rw.pos)
	if len(job.Failures) > inapp.MaxImportFailures {
		job.Failures = job.Failures[:inapp.MaxImportFailures]
		st.FailureAt = st.FailureAt[:inapp.MaxImportFailures]
	}
}
