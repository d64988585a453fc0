package ingest_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
)

// fakeStore is an in-memory inapp.EventStore that counts RecordEvents calls
// and can be made slow, blocking or failing.
type fakeStore struct {
	// before, if set, runs at the start of every RecordEvents call, outside
	// the lock, with the 1-based call number and the number of events. A
	// non-nil error fails the call: nothing of it is stored.
	before func(call, n int) error
	delay  time.Duration // sleep per call (a slow commit)

	mu      sync.Mutex
	calls   int
	batches []int // sizes of the committed batches, in order
	stored  map[string]*inapp.EventRecord
}

func newFakeStore() *fakeStore {
	return &fakeStore{stored: map[string]*inapp.EventRecord{}}
}

func key(r *inapp.EventRecord) string { return r.AppID + "/" + r.EndpointID + "/" + r.EventID }

func (s *fakeStore) RecordEvents(ctx context.Context, events []*inapp.EventRecord) ([]bool, error) {
	s.mu.Lock()
	s.calls++
	call := s.calls
	s.mu.Unlock()

	if s.before != nil {
		if err := s.before(call, len(events)); err != nil {
			return nil, err
		}
	}
	if s.delay > 0 {
		time.Sleep(s.delay)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := make([]bool, len(events))
	for i, e := range events {
		k := key(e)
		if _, ok := s.stored[k]; !ok {
			s.stored[k] = e
			fresh[i] = true
		}
	}
	s.batches = append(s.batches, len(events))
	return fresh, nil
}

func (s *fakeStore) CapCounts(ctx context.Context, appID, endpointID, day string) (map[string]inapp.CapCount, error) {
	return nil, nil
}

func (s *fakeStore) EndpointActivity(ctx context.Context, appID, endpointID string) (time.Time, error) {
	return time.Time{}, nil
}

func (s *fakeStore) ListEvents(ctx context.Context, appID, endpointID string, limit int) ([]*inapp.EventRecord, error) {
	return nil, nil
}

func (s *fakeStore) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *fakeStore) Batches() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.batches...)
}

func (s *fakeStore) Has(r *inapp.EventRecord) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.stored[key(r)]
	return ok
}

func (s *fakeStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.stored)
}

// gate blocks chosen RecordEvents calls until released.
type gate struct {
	entered chan int      // receives the call number when a blocked call starts
	release chan struct{} // closing it lets every blocked call continue
}

func newGate() *gate {
	return &gate{entered: make(chan int, 100), release: make(chan struct{})}
}

// block returns a fakeStore.before hook that holds the given calls at the
// gate (all calls when none are given).
func (g *gate) block(calls ...int) func(call, n int) error {
	return func(call, n int) error {
		hold := len(calls) == 0
		for _, c := range calls {
			hold = hold || c == call
		}
		if hold {
			g.entered <- call
			<-g.release
		}
		return nil
	}
}

// records makes n distinct records for one endpoint.
func records(endpoint string, n int) []*inapp.EventRecord {
	rs := make([]*inapp.EventRecord, n)
	for i := range rs {
		rs[i] = &inapp.EventRecord{
			AppID:      "app",
			EndpointID: endpoint,
			EventID:    fmt.Sprintf("ev-%d", i),
			Event:      &inapp.Event{EventType: inapp.EventDisplayed, Timestamp: "2026-01-02T03:04:05.000Z"},
			Time:       time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		}
	}
	return rs
}
