// Package scan walks a store's documents with the decoding spread over the
// machine's cores: a full scan (a segment size estimate over a million
// endpoints) spends most of its time decoding JSON, which one goroutine
// reading rows cannot keep up with.
package scan

import (
	"context"
	"runtime"
	"sync"
)

// Read returns the next batch of documents and whether more may follow.
type Read func(ctx context.Context) (docs []string, more bool, err error)

// Decode calls read until it says no more, decodes every document on
// GOMAXPROCS goroutines while the next batch is read, and hands each value
// to fn on the caller's goroutine (batch order is not kept). It stops at
// the first error or when fn returns false.
func Decode[T any](parent context.Context, read Read, decode func(string) (T, error), fn func(T) bool) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	type result struct {
		values []T
		err    error
	}
	workers := runtime.GOMAXPROCS(0)
	batches := make(chan []string, workers)
	results := make(chan result, workers)
	var readErr error
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(batches)
		readErr = feed(ctx, read, batches)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for docs := range batches {
				r := result{values: make([]T, 0, len(docs))}
				for _, doc := range docs {
					v, err := decode(doc)
					if err != nil {
						r.err = err
						break
					}
					r.values = append(r.values, v)
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		<-readerDone
		close(results)
	}()
	for r := range results {
		if r.err != nil {
			cancel()
			drain(results)
			return r.err
		}
		for _, v := range r.values {
			if !fn(v) {
				cancel()
				drain(results)
				return nil
			}
		}
	}
	// results is closed only after the reader stopped, so readErr is
	// settled here.
	if readErr != nil {
		return readErr
	}
	return parent.Err() // a scan cut short by the caller is not a full one

}

// drain waits for the workers to notice the cancellation and stop.
func drain[T any](c <-chan T) {
	for range c {
	}
}

// Batches hands every batch read returns to fn, on GOMAXPROCS goroutines
// at once, and stops at the first error. When concurrent is true, read is
// safe for concurrent use (each call claims its own range of rows): every
// goroutine then reads and processes its own batches, so that reading,
// the slower half of a scan, also uses every core. Otherwise one goroutine
// reads while the others process.
func Batches(parent context.Context, read Read, concurrent bool, fn func(docs []string) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	var (
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	var wg sync.WaitGroup
	if concurrent {
		for range workers {
			wg.Go(func() {
				for ctx.Err() == nil {
					docs, more, err := read(ctx)
					if err == nil && len(docs) > 0 {
						err = fn(docs)
					}
					if err != nil {
						fail(err)
						return
					}
					if !more {
						return
					}
				}
			})
		}
	} else {
		batches := make(chan []string, workers)
		wg.Go(func() {
			defer close(batches)
			if err := feed(ctx, read, batches); err != nil {
				fail(err)
			}
		})
		for range workers {
			wg.Go(func() {
				for docs := range batches {
					if ctx.Err() != nil {
						continue // drain: the reader stops at the cancellation
					}
					if err := fn(docs); err != nil {
						fail(err)
					}
				}
			})
		}
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return parent.Err() // a scan cut short by the caller is not a full one
}

// feed calls read until it reports no more, sending each non-empty batch
// to out. It returns read's error, or nil once read is done or ctx ends.
func feed(ctx context.Context, read Read, out chan<- []string) error {
	for {
		docs, more, err := read(ctx)
		if err != nil {
			return err
		}
		if len(docs) > 0 {
			select {
			case out <- docs:
			case <-ctx.Done():
				return nil
			}
		}
		if !more {
			return nil
		}
	}
}
