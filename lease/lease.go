// Package lease lets one node among several do a piece of background work
// (an import job), through the leases of an inapp.LeaseStore: the holder
// keeps its lease renewed while it works, and stops working as soon as it
// cannot be sure it still holds it, before another node can take it over.
//
// The rule that keeps two nodes from working at once: the store sets a
// lease's expiry to its own clock's now + TTL when it renews it, which is
// no earlier than the moment the holder sent the renewal. The holder takes
// that moment + TTL − Margin as its own deadline (on its monotonic clock),
// so it gives up Margin before any other node can see the lease expired.
// Work done under a lease must therefore be safe to repeat from the last
// recorded point (import pieces are), because a holder may have written
// something in its last moments that it had no time to record.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
)

// Holder returns a name for this process that no other process shares:
// host, process ID and a random suffix (a restarted process is a new
// holder, so it does not inherit leases its previous life held).
func Holder() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Lease is a held lease, renewed in the background until Release or loss.
type Lease struct {
	store  inapp.LeaseStore
	name   string
	holder string
	ttl    time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	lost bool
}

// Acquire takes the lease name for holder if it is free (or expired, or
// holder's already) and keeps it renewed every ttl/3. It returns nil and
// no error when another holder has it. The lease's Context, derived from
// ctx, ends when the lease is released or lost.
func Acquire(ctx context.Context, store inapp.LeaseStore, name, holder string, ttl time.Duration) (*Lease, error) {
	sent := time.Now()
	ok, err := store.AcquireLease(ctx, name, holder, ttl)
	if err != nil || !ok {
		return nil, err
	}
	l := &Lease{store: store, name: name, holder: holder, ttl: ttl, done: make(chan struct{})}
	l.ctx, l.cancel = context.WithCancel(ctx)
	go l.keep(sent.Add(ttl - margin(ttl)))
	return l, nil
}

// margin is how long before the store's expiry the holder gives up.
func margin(ttl time.Duration) time.Duration { return ttl / 4 }

// Context ends when the lease is released or lost (or its parent ends):
// work under the lease runs in it.
func (l *Lease) Context() context.Context { return l.ctx }

// Lost reports whether the lease ended because it could not be renewed.
func (l *Lease) Lost() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Release stops renewing and gives the lease back, so that another node
// may take it at once (best effort: if the store does not answer, the
// lease simply expires).
func (l *Lease) Release() {
	l.cancel()
	<-l.done
	if l.Lost() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.ctx), 2*time.Second)
	defer cancel()
	l.store.ReleaseLease(ctx, l.name, l.holder)
}

// keep renews the lease until it is released, or lost: the store says
// another holder has it, or no renewal succeeded before the deadline.
func (l *Lease) keep(deadline time.Time) {
	defer close(l.done)
	tick := time.NewTicker(l.ttl / 3)
	defer tick.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-time.After(time.Until(deadline)):
			l.lose()
			return
		case <-tick.C:
		}
		sent := time.Now()
		rctx, cancel := context.WithDeadline(l.ctx, deadline)
		held, err := l.store.RenewLease(rctx, l.name, l.holder, l.ttl)
		cancel()
		switch {
		case l.ctx.Err() != nil:
			return
		case err != nil:
			// The store is away: try again at the next tick, until the
			// deadline.
		case !held:
			l.lose()
			return
		default:
			deadline = sent.Add(l.ttl - margin(l.ttl))
		}
	}
}

func (l *Lease) lose() {
	l.mu.Lock()
	l.lost = true
	l.mu.Unlock()
	l.cancel()
}
