package scan

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// windows serves n documents "0".."n-1" in windows of size, claimed
// atomically: safe for concurrent reads, like a scan by rowid ranges.
func windows(n, size int) Read {
	var next atomic.Int64
	return func(context.Context) ([]string, bool, error) {
		from := int(next.Add(int64(size))) - size
		if from >= n {
			return nil, false, nil
		}
		var docs []string
		for i := from; i < min(from+size, n); i++ {
			docs = append(docs, strconv.Itoa(i))
		}
		return docs, from+size < n, nil
	}
}

func TestBatchesVisitsEveryDocumentOnce(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		for _, n := range []int{0, 1, 7, 1000, 1001} {
			read := batches(n, 100)
			if concurrent {
				read = windows(n, 100)
			}
			var mu sync.Mutex
			seen := make([]int, n)
			var active, most atomic.Int32
			err := Batches(context.Background(), read, concurrent, func(docs []string) error {
				if a := active.Add(1); a > most.Load() {
					most.Store(a)
				}
				defer active.Add(-1)
				time.Sleep(time.Millisecond) // let the other goroutines take batches too
				mu.Lock()
				defer mu.Unlock()
				for _, d := range docs {
					v, _ := strconv.Atoi(d)
					seen[v]++
				}
				return nil
			})
			if err != nil {
				t.Fatalf("concurrent=%v n=%d: %v", concurrent, n, err)
			}
			for v, c := range seen {
				if c != 1 {
					t.Fatalf("concurrent=%v n=%d: document %d seen %d times", concurrent, n, v, c)
				}
			}
			if n == 1000 && runtime.GOMAXPROCS(0) > 1 && most.Load() < 2 {
				t.Errorf("concurrent=%v: fn never ran on two goroutines at once", concurrent)
			}
		}
	}
}

func TestBatchesStopsAtFnError(t *testing.T) {
	boom := errors.New("bad document")
	for _, concurrent := range []bool{false, true} {
		var calls atomic.Int32
		read := batches(100_000, 10)
		if concurrent {
			read = windows(100_000, 10)
		}
		err := Batches(context.Background(), read, concurrent, func([]string) error {
			if calls.Add(1) == 3 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("concurrent=%v: got %v, want %v", concurrent, err, boom)
		}
		if c := calls.Load(); c > 100 {
			t.Errorf("concurrent=%v: fn called %d times, the scan went on after the error", concurrent, c)
		}
	}
}

func TestBatchesReportsReadErrors(t *testing.T) {
	boom := errors.New("disk gone")
	for _, concurrent := range []bool{false, true} {
		var calls atomic.Int32
		read := func(context.Context) ([]string, bool, error) {
			if calls.Add(1) > 2 {
				return nil, false, boom
			}
			return []string{"1"}, true, nil
		}
		err := Batches(context.Background(), read, concurrent, func([]string) error { return nil })
		if !errors.Is(err, boom) {
			t.Fatalf("concurrent=%v: got %v, want %v", concurrent, err, boom)
		}
	}
}

func TestBatchesStopsOnCancel(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		endless := func(ctx context.Context) ([]string, bool, error) {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
			return []string{"1"}, true, nil
		}
		var calls atomic.Int32
		err := Batches(ctx, endless, concurrent, func([]string) error {
			if calls.Add(1) == 50 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("concurrent=%v: got %v after %d calls, want context.Canceled", concurrent, err, calls.Load())
		}
	}
}
