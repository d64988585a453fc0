// Package imports runs import jobs (CreateImportJob): it reads endpoint
// definitions from CSV or newline-delimited JSON files, registers them as
// endpoints and gathers them into an IMPORT segment, in the background.
//
// A job goes CREATED → INITIALIZING (the source is fetched and every row
// counted, which also proves the file well formed before anything is
// written) → PROCESSING (pieces of rows, each applied and then recorded in
// the job) → COMPLETED, or FAILED with the reason in Failures. Rows that
// break the rules are reported ("line 17: Id is missing …") and skipped.
//
// A job survives a restart: the runner records after each piece how far
// it got, and at start resumes every unfinished job from its next piece.
// Re-applying a piece that was written but not recorded is harmless:
// endpoint updates and segment memberships are idempotent. A job whose
// source is gone or changed fails, saying how much was applied.
package imports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/lease"
)

// Store is what the runner reads and writes.
type Store interface {
	inapp.Store
	inapp.ImportStore
}

// Defaults.
const (
	DefaultPieceSize = 5_000
	// DefaultSortWindow is how many rows are sorted at a time (see
	// readPieces). A bigger window writes less (a million random IDs:
	// 5.3 GB written with 100,000, 3.2 GB with 250,000, 2.5 GB with
	// 500,000) but holds more rows in memory, about 300 bytes each.
	DefaultSortWindow = 250_000
	// DefaultMaxBytes is Pinpoint's limit per import job: 1 GB.
	DefaultMaxBytes = 1 << 30
	// DefaultLeaseTTL and DefaultRescan: a job whose node died is taken
	// over within about 20 s.
	DefaultLeaseTTL = 15 * time.Second
	DefaultRescan   = 5 * time.Second
)

// Runner runs import jobs one at a time (SQLite has one writer; a second
// job would only halve the speed of the first), in submission order.
type Runner struct {
	Store Store
	// Dir holds inappd's copies of sources: downloads and uploads
	// (<data>/imports).
	Dir string
	// ImportDir is the directory file:// sources must be in; "" refuses
	// file:// sources.
	ImportDir string
	Clock     inapp.Clock
	Logger    *slog.Logger
	// Invalidate is called with the app's ID when a job changed one of its
	// segments (delivery snapshots).
	Invalidate func(appID string)
	// Client downloads http(s) sources (a default client when nil).
	Client *http.Client
	// PieceSize is the number of rows per piece (DefaultPieceSize when 0).
	PieceSize int
	// SortWindow is the number of rows sorted at a time (DefaultSortWindow
	// when 0; rounded up to a multiple of the piece size).
	SortWindow int
	// MaxBytes bounds a download or an upload (DefaultMaxBytes when 0).
	MaxBytes int64

	// Leases, when set, make this runner one of several nodes sharing the
	// store (PostgreSQL): a job runs only while this node holds its lease
	// ("import/<app>/<job>", named Holder), so that one node runs it; the
	// runner looks for unfinished jobs every Rescan, so that a job whose
	// node died is taken over once its lease expires, and resumed from
	// its last recorded piece. Nil: the only node (SQLite).
	Leases inapp.LeaseStore
	Holder string
	// LeaseTTL is how long a job's lease lasts unrenewed (DefaultLeaseTTL
	// when 0); Rescan how often unfinished jobs are looked for
	// (DefaultRescan when 0).
	LeaseTTL time.Duration
	Rescan   time.Duration

	// hook, for tests, is called at points of a job's run ("endpoints":
	// a piece's endpoints are written, its members and record not yet).
	hook func(stage string, job *inapp.ImportJob)

	mu      sync.Mutex
	queue   []jobRef
	queued  map[jobRef]bool
	wake    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
}

type jobRef struct{ app, id string }

func (r *Runner) pieceSize() int {
	if r.PieceSize > 0 {
		return r.PieceSize
	}
	return DefaultPieceSize
}

func (r *Runner) sortWindow() int {
	w := r.SortWindow
	if w <= 0 {
		w = DefaultSortWindow
	}
	p := r.pieceSize()
	return (w + p - 1) / p * p
}

func (r *Runner) leaseTTL() time.Duration {
	if r.LeaseTTL > 0 {
		return r.LeaseTTL
	}
	return DefaultLeaseTTL
}

func (r *Runner) rescan() time.Duration {
	if r.Rescan > 0 {
		return r.Rescan
	}
	return DefaultRescan
}

func (r *Runner) maxBytes() int64 {
	if r.MaxBytes > 0 {
		return r.MaxBytes
	}
	return DefaultMaxBytes
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

func (r *Runner) now() string {
	if r.Clock == nil {
		return inapp.FormatTime(time.Now())
	}
	return inapp.FormatTime(r.Clock.Now())
}

func (r *Runner) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: time.Minute,
	}}
}

// Start prepares the data directory, queues every unfinished job (to be
// resumed) and starts the worker. Stop it with Close.
func (r *Runner) Start(ctx context.Context) error {
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return fmt.Errorf("imports: %w", err)
	}
	if r.ImportDir != "" {
		if info, err := os.Stat(r.ImportDir); err != nil || !info.IsDir() {
			return fmt.Errorf("import directory (--import-dir) %s: not a directory (%v)", r.ImportDir, err)
		}
		r.logger().Info("import jobs read file:// sources under the import directory", "dir", r.ImportDir)
	}
	jobs, err := r.Store.UnfinishedImportJobs(ctx)
	if err != nil {
		return fmt.Errorf("imports: unfinished jobs: %w", err)
	}
	r.removeStrays(jobs)
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Lock()
	r.wake = make(chan struct{}, 1)
	r.queued = map[jobRef]bool{}
	r.cancel = cancel
	r.done = make(chan struct{})
	r.started = true
	r.mu.Unlock()
	for _, j := range jobs {
		msg := "import job resumes"
		if r.Leases != nil {
			msg = "import job unfinished; it runs on the node that takes its lease"
		}
		r.logger().Info(msg, "app", j.ApplicationID, "job", j.ID, "status", j.JobStatus, "completed_pieces", j.CompletedPieces, "total_pieces", j.TotalPieces)
		r.enqueue(jobRef{j.ApplicationID, j.ID})
	}
	go r.work(wctx)
	return nil
}

// Close stops the worker; the job it was running stays unfinished and is
// resumed at the next Start.
func (r *Runner) Close() error {
	r.mu.Lock()
	started, cancel, done := r.started, r.cancel, r.done
	r.started = false
	r.mu.Unlock()
	if !started {
		return nil
	}
	cancel()
	<-done
	return nil
}

// removeStrays deletes files of the data directory that no unfinished job
// reads: partial downloads, uploads whose job was never created, copies
// of jobs that ended while their deletion failed.
func (r *Runner) removeStrays(jobs []*inapp.ImportJob) {
	keep := map[string]bool{}
	for _, j := range jobs {
		if j.State != nil && j.State.Source != "" {
			keep[filepath.Clean(j.State.Source)] = true
		}
	}
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(r.Dir, e.Name())
		if !keep[p] && e.Type().IsRegular() {
			os.Remove(p)
		}
	}
}

func (r *Runner) enqueue(ref jobRef) {
	r.mu.Lock()
	if !r.queued[ref] {
		r.queued[ref] = true
		r.queue = append(r.queue, ref)
	}
	wake := r.wake
	r.mu.Unlock()
	select {
	case wake <- struct{}{}:
	default:
	}
}

func (r *Runner) work(ctx context.Context) {
	defer close(r.done)
	// With several nodes, look for unfinished jobs now and then: jobs
	// other nodes were running when they died, and jobs paused here
	// because the database was away.
	var rescan <-chan time.Time
	if r.Leases != nil {
		t := time.NewTicker(r.rescan())
		defer t.Stop()
		rescan = t.C
	}
	for {
		r.mu.Lock()
		var ref jobRef
		ok := len(r.queue) > 0
		if ok {
			ref = r.queue[0]
			r.queue = r.queue[1:]
		}
		r.mu.Unlock()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-r.wake:
				continue
			case <-rescan:
				jobs, err := r.Store.UnfinishedImportJobs(ctx)
				if err != nil {
					if ctx.Err() == nil {
						r.logger().Debug("import jobs: cannot look for unfinished jobs", "error", err)
					}
					continue
				}
				for _, j := range jobs {
					r.enqueue(jobRef{j.ApplicationID, j.ID})
				}
				continue
			}
		}
		r.runJob(ctx, ref)
		r.mu.Lock()
		delete(r.queued, ref)
		r.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// Submit checks the job's source, stores the job (CREATED) and queues it.
// A job whose State.Source is set (an upload) skips the URL check.
func (r *Runner) Submit(ctx context.Context, job *inapp.ImportJob) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return inapp.Errorf(inapp.EUNAVAIL, "Import jobs are not running on this server.")
	}
	if job.State == nil || job.State.Source == "" {
		if err := r.CheckSource(job.Definition.S3Url, job.Definition.Format); err != nil {
			return err
		}
	}
	if err := r.Store.CreateImportJob(ctx, job); err != nil {
		return err
	}
	r.enqueue(jobRef{job.ApplicationID, job.ID})
	return nil
}

// UploadFile creates the file into which an uploaded source for the job
// is written. The caller closes it, and removes it unless it submits the
// job (with State{Source: f.Name(), Owned: true}).
func (r *Runner) UploadFile(jobID string) (*os.File, error) {
	if strings.ContainsAny(jobID, `/\`) || jobID == "" {
		return nil, fmt.Errorf("imports: bad job ID %q", jobID)
	}
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(r.Dir, jobID), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
}

// UploadLimit is the most bytes an upload may hold.
func (r *Runner) UploadLimit() int64 { return r.maxBytes() }

// runJob runs one job to its end, or until ctx is cancelled (shutdown: the
// job stays as it is, to be resumed). With Leases, it runs the job only
// under the job's lease, and stops (the job stays as it is, for the node
// that takes the lease over) if the lease is lost.
func (r *Runner) runJob(ctx context.Context, ref jobRef) {
	if r.Leases != nil {
		l, err := lease.Acquire(ctx, r.Leases, "import/"+ref.app+"/"+ref.id, r.Holder, r.leaseTTL())
		if err != nil || l == nil {
			// Another node runs it (or the database is away): a later
			// rescan looks again.
			if err != nil && ctx.Err() == nil {
				r.logger().Warn("import job: cannot take its lease; retrying later", "app", ref.app, "job", ref.id, "error", err)
			}
			return
		}
		defer l.Release()
		ctx = l.Context()
		defer func() {
			if l.Lost() {
				r.logger().Warn("import job stopped: this node could not renew its lease; another node takes it over", "app", ref.app, "job", ref.id)
			}
		}()
	}
	// Read after the lease is held: another node may have moved it on.
	job, err := r.Store.GetImportJob(ctx, ref.app, ref.id)
	if err != nil {
		if ctx.Err() == nil {
			r.logger().Warn("import job vanished before it ran", "app", ref.app, "job", ref.id, "error", err)
		}
		return
	}
	if job.Finished() {
		return
	}
	if job.State == nil {
		job.State = &inapp.ImportState{}
	}
	start := time.Now()
	r.logger().Info("import job runs", "app", job.ApplicationID, "job", job.ID, "status", job.JobStatus, "url", job.Definition.S3Url)
	err = r.process(ctx, job)
	switch {
	case err == nil:
		r.logger().Info("import job completed", "app", job.ApplicationID, "job", job.ID, "rows", job.TotalProcessed, "failures", job.TotalFailures, "seconds", time.Since(start).Seconds())
		r.removeOwned(job)
	case ctx.Err() != nil:
		r.logger().Info("import job paused by shutdown; it resumes at the next start", "app", job.ApplicationID, "job", job.ID, "completed_pieces", job.CompletedPieces, "total_pieces", job.TotalPieces)
	case inapp.ErrorCode(err) == inapp.EUNAVAIL:
		// The database is away: the job is not at fault. It stays as it
		// is and resumes from its last recorded piece (at the next rescan
		// with several nodes, else at the next start).
		r.logger().Warn("import job paused: the database is unavailable", "app", job.ApplicationID, "job", job.ID, "completed_pieces", job.CompletedPieces, "total_pieces", job.TotalPieces, "error", err)
	case r.gone(ctx, job):
		r.logger().Info("import job dropped: its application was deleted", "app", job.ApplicationID, "job", job.ID)
		r.removeOwned(job)
	default:
		r.fail(ctx, job, err)
		r.removeOwned(job)
	}
}

// gone reports whether the job's app (and so the job) was deleted.
func (r *Runner) gone(ctx context.Context, job *inapp.ImportJob) bool {
	_, err := r.Store.GetApp(ctx, job.ApplicationID)
	return inapp.ErrorCode(err) == inapp.ENOTFOUND
}

func (r *Runner) removeOwned(job *inapp.ImportJob) {
	if job.State != nil && job.State.Owned && job.State.Source != "" {
		os.Remove(job.State.Source)
		os.Remove(job.State.Source + ".part")
	}
}

// save records the job's progress.
func (r *Runner) save(ctx context.Context, job *inapp.ImportJob) error {
	return r.Store.UpdateImportJob(ctx, job)
}

// fail ends the job as FAILED with err's message (and what was applied).
func (r *Runner) fail(ctx context.Context, job *inapp.ImportJob, err error) {
	msg := failureMessage(err)
	if job.CompletedPieces > 0 {
		msg += fmt.Sprintf(" (%s)", appliedSoFar(job))
		if job.Definition.SegmentID != "" {
			if serr := r.writeSegment(ctx, job); serr != nil {
				msg += fmt.Sprintf("; the segment could not be updated: %s", failureMessage(serr))
			}
		}
	}
	// The reason is always reported, even after 100 bad rows.
	if len(job.Failures) >= inapp.MaxImportFailures {
		job.Failures = job.Failures[:inapp.MaxImportFailures-1]
	}
	job.AddFailure(msg)
	job.JobStatus = inapp.JobFailed
	job.CompletionDate = r.now()
	r.logger().Warn("import job failed", "app", job.ApplicationID, "job", job.ID, "reason", msg)
	if err := r.save(context.WithoutCancel(ctx), job); err != nil {
		r.logger().Error("import job: could not record the failure", "app", job.ApplicationID, "job", job.ID, "error", err)
	}
}

// failureMessage is what a job reports for an error: the file's own
// problems and inappd's messages as they are, anything else as an
// internal error (logged in full).
func failureMessage(err error) string {
	var fe *fatalError
	if errors.As(err, &fe) {
		return fe.msg
	}
	if code := inapp.ErrorCode(err); code != inapp.EINTERNAL {
		return inapp.ErrorMessage(err)
	}
	return "internal error: " + err.Error()
}

func appliedSoFar(job *inapp.ImportJob) string {
	return fmt.Sprintf("%d of %d pieces were applied before this, %d rows: %d imported, %d failed; what was imported stays, and importing the file again is harmless",
		job.CompletedPieces, job.TotalPieces, job.TotalProcessed, job.TotalProcessed-job.TotalFailures, job.TotalFailures)
}

// process carries the job from where it is to COMPLETED.
func (r *Runner) process(ctx context.Context, job *inapp.ImportJob) error {
	var files []srcFile
	var err error
	switch job.JobStatus {
	case inapp.JobCreated, inapp.JobInitializing, "":
		if files, err = r.initialize(ctx, job); err != nil {
			return err
		}
	case inapp.JobProcessing:
		if files, err = r.reopen(ctx, job); err != nil {
			return err
		}
	}
	if job.JobStatus == inapp.JobProcessing {
		if err := r.applyPieces(ctx, job, files); err != nil {
			return err
		}
		job.JobStatus = inapp.JobCompleting
		if err := r.save(ctx, job); err != nil {
			return err
		}
	}
	if job.Definition.SegmentID != "" {
		if err := r.writeSegment(ctx, job); err != nil {
			return err
		}
	}
	job.JobStatus = inapp.JobCompleted
	job.CompletionDate = r.now()
	return r.save(ctx, job)
}

// initialize fetches the source, counts its rows (checking that it is well
// formed) and moves the job to PROCESSING. Nothing has been written yet,
// so a job found here after a restart simply starts again.
func (r *Runner) initialize(ctx context.Context, job *inapp.ImportJob) ([]srcFile, error) {
	job.JobStatus = inapp.JobInitializing
	if err := r.save(ctx, job); err != nil {
		return nil, err
	}
	def, st := job.Definition, job.State
	if def.SegmentID != "" && !st.NewSegment {
		if err := r.checkSegment(ctx, job); err != nil {
			return nil, err
		}
	}
	files, err := r.fetch(ctx, job)
	if err != nil {
		return nil, err
	}
	rows := 0
	for _, f := range files {
		n, err := countFile(ctx, f, def.Format)
		if err != nil {
			return nil, err
		}
		rows += n
	}
	if rows == 0 {
		return nil, fatalf("%s holds no endpoint definitions", describe(def.S3Url, files))
	}
	st.SourceSize, st.SourceModTime = fingerprint(files)
	st.Rows = rows
	st.PieceSize = r.pieceSize()
	st.SortWindow = r.sortWindow()
	job.TotalPieces = (rows + st.PieceSize - 1) / st.PieceSize
	job.JobStatus = inapp.JobProcessing
	if err := r.save(ctx, job); err != nil {
		return nil, err
	}
	return files, nil
}

func describe(raw string, files []srcFile) string {
	if strings.HasPrefix(raw, "upload://") || len(files) != 1 || files[0].name != "" {
		return "the source " + raw
	}
	return raw
}

func countFile(ctx context.Context, f srcFile, format string) (int, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", f.path, err)
	}
	defer fh.Close()
	n, err := countRows(format, ctxReader{ctx, fh})
	if err != nil {
		return 0, inFile(f, err)
	}
	return n, nil
}

// inFile prefixes a file's name to the messages about it, when the source
// has several files.
func inFile(f srcFile, err error) error {
	var fe *fatalError
	if f.name != "" && errors.As(err, &fe) {
		return &fatalError{f.name + " " + fe.msg}
	}
	return err
}

// fetch makes the source local and returns its files.
func (r *Runner) fetch(ctx context.Context, job *inapp.ImportJob) ([]srcFile, error) {
	def, st := job.Definition, job.State
	if st.Owned && st.Source != "" {
		if files, err := listFiles(st.Source, def.Format, func(string) bool { return true }, def.S3Url); err == nil {
			return files, nil // an upload, or a download that completed before a restart
		}
		if strings.HasPrefix(def.S3Url, "upload://") {
			return nil, fatalf("the uploaded file is gone from %s", st.Source)
		}
	}
	u, err := url.Parse(def.S3Url)
	if err != nil {
		return nil, fatalf("S3Url %q is not a URL", def.S3Url)
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		files, err := r.localFiles(u, def.Format)
		if err != nil {
			return nil, err
		}
		p, _ := r.localPath(u)
		st.Source, st.Owned = p, false
		return files, nil
	case "http", "https":
		dst := filepath.Join(r.Dir, job.ID)
		sum, err := r.download(ctx, def.S3Url, dst)
		if err != nil {
			return nil, err
		}
		st.Source, st.Owned, st.SourceSHA256 = dst, true, sum
		// Record the copy: a restart from here need not download again.
		if err := r.save(ctx, job); err != nil {
			return nil, err
		}
		return listFiles(dst, def.Format, func(string) bool { return true }, def.S3Url)
	}
	return nil, r.CheckSource(def.S3Url, def.Format)
}

// reopen finds the files of a job that was processing when inappd stopped,
// and checks that they are the files it counted. A downloaded source that
// is not here (another node downloaded it, and died) is downloaded again,
// and used if it is the same file.
func (r *Runner) reopen(ctx context.Context, job *inapp.ImportJob) ([]srcFile, error) {
	def, st := job.Definition, job.State
	allowed := r.allowedFile // the files that were listed at the start
	if st.Owned {
		allowed = func(string) bool { return true }
	}
	files, err := listFiles(st.Source, def.Format, allowed, def.S3Url)
	if err != nil && st.Owned && st.SourceSHA256 != "" && !strings.HasPrefix(def.S3Url, "upload://") {
		return r.redownload(ctx, job)
	}
	if err != nil && strings.HasPrefix(def.S3Url, "upload://") {
		return nil, fatalf("the uploaded file is not on this server (%s): the node that received the upload stopped before the job ended; upload the file again (or give a file:// source in the shared import directory, or an http(s) URL, which any node can read)", st.Source)
	}
	if err != nil {
		return nil, fatalf("the source is gone (%s), so the job cannot resume", failureMessage(err))
	}
	if size, mod := fingerprint(files); size != st.SourceSize || mod != st.SourceModTime {
		return nil, fatalf("the source changed since the job counted its rows (%s), so the job cannot resume", st.Source)
	}
	return files, nil
}

// redownload fetches a job's http(s) source again, into this node's
// directory, when the copy the job was counted from is elsewhere: it
// resumes only if the file is the same (SHA-256).
func (r *Runner) redownload(ctx context.Context, job *inapp.ImportJob) ([]srcFile, error) {
	def, st := job.Definition, job.State
	dst := filepath.Join(r.Dir, job.ID)
	r.logger().Info("import job: downloading its source again (the copy it was counted from is not on this node)", "app", job.ApplicationID, "job", job.ID, "url", def.S3Url)
	sum, err := r.download(ctx, def.S3Url, dst)
	if err != nil {
		return nil, err
	}
	files, err := listFiles(dst, def.Format, func(string) bool { return true }, def.S3Url)
	if err != nil {
		os.Remove(dst)
		return nil, err
	}
	size, mod := fingerprint(files)
	if sum != st.SourceSHA256 || size != st.SourceSize {
		os.Remove(dst)
		return nil, fatalf("%s changed since the job counted its rows, so the job cannot resume on another node", def.S3Url)
	}
	st.Source, st.SourceModTime = dst, mod
	if err := r.save(ctx, job); err != nil {
		return nil, err
	}
	return files, nil
}

// checkSegment checks that the segment a job adds to is still an IMPORT
// segment of the app.
func (r *Runner) checkSegment(ctx context.Context, job *inapp.ImportJob) error {
	seg, err := r.Store.GetSegment(ctx, job.ApplicationID, job.Definition.SegmentID, 0)
	if inapp.ErrorCode(err) == inapp.ENOTFOUND {
		return fatalf("segment %s was deleted while the job ran", job.Definition.SegmentID)
	}
	if err != nil {
		return err
	}
	if seg.SegmentType != "IMPORT" {
		return fatalf("segment %s is a %s segment; an import job adds endpoints to IMPORT segments only", seg.ID, seg.SegmentType)
	}
	return nil
}

// writeSegment creates the job's new segment, or adds a version to the
// segment it added to, with the import's size and channel counts.
func (r *Runner) writeSegment(ctx context.Context, job *inapp.ImportJob) error {
	def, st := job.Definition, job.State
	ctx = context.WithoutCancel(ctx)
	size, err := r.Store.CountSegmentMembers(ctx, job.ApplicationID, def.SegmentID)
	if err != nil {
		return err
	}
	imp := &inapp.SegmentImport{
		ChannelCounts: map[string]int{}, ExternalID: def.ExternalID, Format: def.Format,
		RoleArn: def.RoleArn, S3Url: def.S3Url, Size: size,
	}
	now := r.now()
	cur, err := r.Store.GetSegment(ctx, job.ApplicationID, def.SegmentID, 0)
	var next *inapp.Segment
	switch {
	case err == nil && st.NewSegment:
		return nil // written before a restart
	case err == nil:
		if cur.SegmentType != "IMPORT" {
			return fatalf("segment %s is a %s segment; an import job adds endpoints to IMPORT segments only", cur.ID, cur.SegmentType)
		}
		next = cur
		next.Version++
		next.LastModifiedDate = now
		next.Tags = nil // kept apart, by ARN
		if cur.ImportDefinition != nil {
			for k, v := range cur.ImportDefinition.ChannelCounts {
				imp.ChannelCounts[k] += v
			}
		}
	case inapp.ErrorCode(err) == inapp.ENOTFOUND && st.NewSegment:
		next = &inapp.Segment{
			ApplicationID: job.ApplicationID, Arn: inapp.SegmentArn(job.ApplicationID, def.SegmentID),
			CreationDate: now, ID: def.SegmentID, LastModifiedDate: now, Name: def.SegmentName,
			SegmentType: "IMPORT", Version: 1,
		}
	case inapp.ErrorCode(err) == inapp.ENOTFOUND:
		return fatalf("segment %s was deleted while the job ran", def.SegmentID)
	default:
		return err
	}
	for k, v := range st.ChannelCounts {
		imp.ChannelCounts[k] += v
	}
	if len(imp.ChannelCounts) == 0 {
		imp.ChannelCounts = nil
	}
	next.ImportDefinition = imp
	if err := r.Store.PutSegment(ctx, next); err != nil {
		return err
	}
	if r.Invalidate != nil {
		r.Invalidate(job.ApplicationID)
	}
	return nil
}

// ctxReader stops reading when ctx is done, so that shutdown interrupts a
// long count.
type ctxReader struct {
	ctx context.Context
	f   *os.File
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}
