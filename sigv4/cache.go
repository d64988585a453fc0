package sigv4

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	inapp "github.com/inappd/inappd"
)

// maxCached bounds the key cache. Unknown key ids are cached too (so that a
// flood of them does not reach the store), which makes the cache's size
// depend on what clients send.
const maxCached = 10000

// entry is one looked-up key. Each key has its own Signer: the SDK's signer
// caches one derived signing key per region and service, so a shared signer
// would re-derive (and take a write lock) whenever two keys alternate.
type entry struct {
	key     *inapp.AccessKey // nil: no such key
	creds   aws.Credentials
	signer  *v4.Signer
	expires time.Time
	// derived is the signing key of the quick path (quick.go) for the
	// latest day, region and service it signed for.
	derived atomic.Pointer[derivedKey]
}

// flight is a lookup in progress; concurrent requests for the same key wait
// for it instead of all asking the store.
type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

// Forget drops id from the key cache, so that a deleted or changed key
// takes effect at once rather than within CacheTTL.
func (v *Verifier) Forget(id string) {
	v.mu.Lock()
	delete(v.cache, id)
	v.mu.Unlock()
}

func (v *Verifier) ttl() time.Duration {
	if v.CacheTTL == 0 {
		return DefaultCacheTTL
	}
	return v.CacheTTL
}

// lookup returns the entry for id, from the cache while it is fresh.
func (v *Verifier) lookup(ctx context.Context, id string) (*entry, error) {
	ttl := v.ttl()
	if ttl < 0 {
		return v.fetch(ctx, id, nil)
	}
	for {
		now := v.now()
		v.mu.RLock()
		e := v.cache[id]
		v.mu.RUnlock()
		if e != nil && now.Before(e.expires) {
			return e, nil
		}

		v.mu.Lock()
		if e = v.cache[id]; e != nil && now.Before(e.expires) {
			v.mu.Unlock()
			return e, nil
		}
		if f := v.flights[id]; f != nil {
			v.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.err != nil && ctx.Err() == nil &&
				(errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue // the lookup was cut short for its own caller, not for us
			}
			return f.e, f.err
		}
		f := &flight{done: make(chan struct{})}
		if v.flights == nil {
			v.flights = make(map[string]*flight)
		}
		v.flights[id] = f
		v.mu.Unlock()
		v.lead(ctx, id, e, ttl, f)
		return f.e, f.err
	}
}

// lead performs the lookup of flight f and publishes its result.
func (v *Verifier) lead(ctx context.Context, id string, prev *entry, ttl time.Duration, f *flight) {
	defer func() {
		v.mu.Lock()
		delete(v.flights, id)
		if f.err == nil && f.e != nil {
			f.e.expires = v.now().Add(ttl)
			if v.cache == nil {
				v.cache = make(map[string]*entry)
			}
			if len(v.cache) >= maxCached {
				v.evict()
			}
			v.cache[id] = f.e
		}
		v.mu.Unlock()
		close(f.done)
	}()
	f.e, f.err = v.fetch(ctx, id, prev)
}

// evict makes room in a full cache: expired entries go, and if that is not
// enough, everything does. Called with v.mu held.
func (v *Verifier) evict() {
	now := v.now()
	for id, e := range v.cache {
		if !now.Before(e.expires) {
			delete(v.cache, id)
		}
	}
	if len(v.cache) >= maxCached {
		clear(v.cache)
	}
}

// fetch asks the store for id. An unknown key is an entry without a key;
// prev, the expired entry for id, lends its signer (and its derived-key
// cache) when the secret has not changed.
func (v *Verifier) fetch(ctx context.Context, id string, prev *entry) (*entry, error) {
	k, err := v.Keys.GetKey(ctx, id)
	if err != nil {
		if inapp.ErrorCode(err) == inapp.ENOTFOUND {
			return &entry{}, nil
		}
		return nil, err
	}
	if k == nil || k.Secret == "" {
		return &entry{}, nil
	}
	kc := *k
	e := &entry{key: &kc, creds: aws.Credentials{AccessKeyID: id, SecretAccessKey: k.Secret}}
	if prev != nil && prev.key != nil && prev.creds == e.creds {
		e.signer = prev.signer
	} else {
		e.signer = v4.NewSigner()
	}
	return e, nil
}
