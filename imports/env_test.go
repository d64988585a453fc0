package imports

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// env is a runner on a real SQLite store, with an app and an import
// directory.
type env struct {
	t         *testing.T
	db        *sqlite.DB
	app       string
	dataDir   string
	importDir string
	runner    *Runner
	clock     *inapp.FixedClock
	invalid   chan string
}

func newEnv(t *testing.T, pieceSize int) *env {
	t.Helper()
	root := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(root, "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, app: inapp.NewID(), dataDir: filepath.Join(root, "imports"), importDir: filepath.Join(root, "in"),
		clock: &inapp.FixedClock{T: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, invalid: make(chan string, 100)}
	if err := os.MkdirAll(e.importDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateApp(t.Context(), &inapp.App{ID: e.app, Name: "app", Arn: inapp.AppArn(e.app)}); err != nil {
		t.Fatal(err)
	}
	e.runner = e.newRunner(pieceSize)
	if err := e.runner.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.runner.Close() })
	return e
}

func (e *env) newRunner(pieceSize int) *Runner {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return &Runner{
		Store: e.db, Dir: e.dataDir, ImportDir: e.importDir, Clock: e.clock, PieceSize: pieceSize,
		Logger:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		Invalidate: func(app string) { e.invalid <- app },
	}
}

// file writes a file into the import directory and returns its file:// URL.
func (e *env) file(name, body string) string {
	e.t.Helper()
	p := filepath.Join(e.importDir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return "file://" + p
}

// job builds a job the way the API does.
func (e *env) job(format, url string, register bool, segmentID string, newSegment bool) *inapp.ImportJob {
	return &inapp.ImportJob{
		ApplicationID: e.app, ID: inapp.NewID(), CreationDate: inapp.FormatTime(e.clock.Now()), JobStatus: inapp.JobCreated, Type: "IMPORT",
		Definition: &inapp.ImportJobResource{
			DefineSegment: segmentID != "", Format: format, RegisterEndpoints: register, RoleArn: "arn:aws:iam::1:role/r",
			S3Url: url, SegmentID: segmentID, SegmentName: "imported",
		},
		State: &inapp.ImportState{NewSegment: newSegment},
	}
}

func (e *env) submit(job *inapp.ImportJob) *inapp.ImportJob {
	e.t.Helper()
	if err := e.runner.Submit(e.t.Context(), job); err != nil {
		e.t.Fatalf("Submit: %v", err)
	}
	return e.wait(job.ID)
}

// wait polls the job until it is COMPLETED or FAILED.
func (e *env) wait(id string) *inapp.ImportJob {
	e.t.Helper()
	return e.waitFor(id, 30*time.Second)
}

func (e *env) waitFor(id string, limit time.Duration) *inapp.ImportJob {
	e.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		job, err := e.db.GetImportJob(e.t.Context(), e.app, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if job.Finished() {
			return job
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s after %v: %+v", id, job.JobStatus, limit, job)
		}
		time.Sleep(min(limit/1000, 100*time.Millisecond))
	}
}

func (e *env) endpoint(id string) *inapp.Endpoint {
	e.t.Helper()
	ep, err := e.db.GetEndpoint(e.t.Context(), e.app, id)
	if err != nil {
		e.t.Fatalf("GetEndpoint %s: %v", id, err)
	}
	return ep
}

func (e *env) noEndpoint(id string) {
	e.t.Helper()
	if _, err := e.db.GetEndpoint(e.t.Context(), e.app, id); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		e.t.Errorf("endpoint %s: %v, want none", id, err)
	}
}
