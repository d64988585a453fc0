package lease

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// store is an in-memory LeaseStore whose answers the test can turn off.
type store struct {
	mu      sync.Mutex
	holder  string
	expires time.Time
	down    bool // every call fails, as with a database that is away
	renews  int
}

var errDown = errors.New("database away")

func (s *store) AcquireLease(_ context.Context, _, holder string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return false, errDown
	}
	if s.holder != "" && s.holder != holder && time.Now().Before(s.expires) {
		return false, nil
	}
	s.holder, s.expires = holder, time.Now().Add(ttl)
	return true, nil
}

func (s *store) RenewLease(_ context.Context, _, holder string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return false, errDown
	}
	if s.holder != holder {
		return false, nil
	}
	s.renews++
	s.expires = time.Now().Add(ttl)
	return true, nil
}

func (s *store) ReleaseLease(_ context.Context, _, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holder == holder {
		s.holder = ""
	}
	return nil
}

func (s *store) set(f func(s *store)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

const ttl = 300 * time.Millisecond

func TestRenewedWhileHeld(t *testing.T) {
	s := &store{}
	l, err := Acquire(t.Context(), s, "job", "A", ttl)
	if err != nil || l == nil {
		t.Fatalf("Acquire: %v %v", l, err)
	}
	if other, err := Acquire(t.Context(), s, "job", "B", ttl); other != nil || err != nil {
		t.Fatalf("B acquired a held lease: %v %v", other, err)
	}
	time.Sleep(3 * ttl)
	if l.Context().Err() != nil || l.Lost() {
		t.Fatal("a renewed lease ended")
	}
	l.Release()
	if l.Context().Err() == nil || l.Lost() {
		t.Fatal("Release: context not ended, or lease reported lost")
	}
	if other, err := Acquire(t.Context(), s, "job", "B", ttl); other == nil || err != nil {
		t.Fatalf("B could not take a released lease: %v", err)
	} else {
		other.Release()
	}
}

// The holder gives up before the store lets anyone else in: when the store
// stops answering, the lease's context ends before the lease expires.
func TestLostWhenRenewalsFail(t *testing.T) {
	s := &store{}
	l, _ := Acquire(t.Context(), s, "job", "A", ttl)
	s.set(func(s *store) { s.down = true })
	<-l.Context().Done()
	if !l.Lost() {
		t.Fatal("Lost() = false after renewals failed")
	}
	s.mu.Lock()
	left := time.Until(s.expires)
	s.mu.Unlock()
	if left <= 0 {
		t.Errorf("the holder gave up %v after the store's expiry; it must give up before", -left)
	}
	l.Release()
}

func TestLostWhenTakenOver(t *testing.T) {
	s := &store{}
	l, _ := Acquire(t.Context(), s, "job", "A", ttl)
	s.set(func(s *store) { s.holder = "B" })
	select {
	case <-l.Context().Done():
	case <-time.After(2 * ttl):
		t.Fatal("the lease was not reported lost")
	}
	if !l.Lost() {
		t.Fatal("Lost() = false")
	}
	l.Release()
	if s.holder != "B" {
		t.Fatal("Release of a lost lease released the new holder's")
	}
}
