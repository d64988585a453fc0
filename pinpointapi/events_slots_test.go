package pinpointapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// countingSink acknowledges every event at once and counts them.
type countingSink struct{ events atomic.Int64 }

func (s *countingSink) Reserve(int) (EventRoom, error) { return s, nil }

func (s *countingSink) Release() {}

func (s *countingSink) Submit(_ context.Context, records []*inapp.EventRecord) ([]bool, error) {
	s.events.Add(int64(len(records)))
	return make([]bool, len(records)), nil
}

// TestPutEventsDecodesInSlots: a PutEvents request is decoded and
// validated only in one of putEventsSlots. With all of them taken it
// waits, and gives up with its client, nothing queued; with one free it
// goes through.
func TestPutEventsDecodesInSlots(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const app = "slots"
	if err := db.CreateApp(ctx, &inapp.App{ID: app, Name: app}); err != nil {
		t.Fatal(err)
	}
	sink := &countingSink{}
	s := &Server{Store: db, Auth: rootAuth{}, Events: sink, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := s.Handler()
	send := func(ctx context.Context) int {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/apps/"+app+"/events", bytes.NewReader(putEventsBody(0, 10)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}

	for range cap(putEventsSlots) {
		putEventsSlots <- struct{}{}
	}
	free := func() {
		for len(putEventsSlots) > 0 {
			<-putEventsSlots
		}
	}
	defer free()
	gone, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if code := send(gone); code == http.StatusAccepted || sink.events.Load() != 0 {
		t.Fatalf("with every slot taken: %d, %d events queued; want the request to wait, then give up with its client", code, sink.events.Load())
	}
	free()
	if code := send(ctx); code != http.StatusAccepted || sink.events.Load() != 100 {
		t.Fatalf("with the slots free: %d, %d events queued; want 202 and 100", code, sink.events.Load())
	}
}
