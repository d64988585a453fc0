package scan

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
)

// batches serves n documents "0".."n-1" in batches of size.
func batches(n, size int) Read {
	next := 0
	return func(context.Context) ([]string, bool, error) {
		var docs []string
		for ; next < n && len(docs) < size; next++ {
			docs = append(docs, strconv.Itoa(next))
		}
		return docs, next < n, nil
	}
}

func TestDecodeVisitsEveryDocumentOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 1001} {
		seen := make([]int, n)
		err := Decode(context.Background(), batches(n, 100), strconv.Atoi, func(v int) bool {
			seen[v]++
			return true
		})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for v, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: document %d seen %d times", n, v, c)
			}
		}
	}
}

func TestDecodeStopsWhenFnSaysSo(t *testing.T) {
	calls := 0
	err := Decode(context.Background(), batches(100_000, 10), strconv.Atoi, func(int) bool {
		calls++
		return calls < 3
	})
	if err != nil || calls != 3 {
		t.Fatalf("got %d calls, error %v; want fn called 3 times and no error", calls, err)
	}
}

func TestDecodeReportsDecodeErrors(t *testing.T) {
	read := func(context.Context) ([]string, bool, error) { return []string{"1", "x", "3"}, false, nil }
	err := Decode(context.Background(), read, strconv.Atoi, func(int) bool { return true })
	var num *strconv.NumError
	if !errors.As(err, &num) {
		t.Fatalf("got %v, want the decode error", err)
	}
}

func TestDecodeReportsReadErrors(t *testing.T) {
	boom := errors.New("disk gone")
	first := true
	read := func(context.Context) ([]string, bool, error) {
		if first {
			first = false
			return []string{"1", "2"}, true, nil
		}
		return nil, false, boom
	}
	seen := 0
	err := Decode(context.Background(), read, strconv.Atoi, func(int) bool { seen++; return true })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	if seen > 2 {
		t.Fatalf("fn saw %d values from 2 documents", seen)
	}
}

func TestDecodeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	endless := func(ctx context.Context) ([]string, bool, error) {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		return []string{"1"}, true, nil
	}
	calls := 0
	err := Decode(ctx, endless, strconv.Atoi, func(int) bool {
		if calls++; calls == 50 {
			cancel()
		}
		return true
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v after %d calls, want context.Canceled", err, calls)
	}
}

func ExampleDecode() {
	sum := 0
	_ = Decode(context.Background(), batches(5, 2), strconv.Atoi, func(v int) bool { sum += v; return true })
	fmt.Println(sum)
	// Output: 10
}
