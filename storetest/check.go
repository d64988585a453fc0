package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	inapp "github.com/inappd/inappd"
)

// sameJSON fails unless got and want encode to the same JSON: documents
// must come back exactly as they went in, as the wire would show them.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: encode got: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: encode want: %v", what, err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s: documents differ\n got: %s\nwant: %s", what, g, w)
	}
}

// wantCode fails unless err carries the inapp error code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := inapp.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// must fails the test now on an unexpected error.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameIDs fails unless the items have the wanted IDs, in order.
func sameIDs[T any](t *testing.T, what string, items []*T, id func(*T) string, want ...string) {
	t.Helper()
	got := make([]string, len(items))
	for i, it := range items {
		got[i] = id(it)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// sameIDSet is sameIDs for listings in no set order.
func sameIDSet[T any](t *testing.T, what string, items []*T, id func(*T) string, want ...string) {
	t.Helper()
	got := make([]string, len(items))
	for i, it := range items {
		got[i] = id(it)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q (in any order)", what, got, want)
	}
}

// lister is one call of a paginated listing.
type lister[T any] func(inapp.Page) ([]*T, string, error)

// allPages walks a listing with the given page size and returns its pages.
// It checks the pagination contract on the way: no page is larger than
// size, every page but the last is full and has a token, the last page
// has token "".
func allPages[T any](t *testing.T, what string, size int, list lister[T]) [][]*T {
	t.Helper()
	var pages [][]*T
	token := ""
	for {
		items, next, err := list(inapp.Page{Size: size, Token: token})
		if err != nil {
			t.Fatalf("%s: page %d: %v", what, len(pages)+1, err)
		}
		limit := size
		if limit == 0 {
			limit = 100
		}
		if len(items) > limit {
			t.Fatalf("%s: page %d holds %d items, more than the page size %d", what, len(pages)+1, len(items), limit)
		}
		pages = append(pages, items)
		if next == "" {
			return pages
		}
		if len(items) < limit {
			t.Errorf("%s: page %d holds %d items (size %d) but has next token %q", what, len(pages), len(items), limit, next)
		}
		if len(pages) > 1000 {
			t.Fatalf("%s: more than 1000 pages: the next token does not advance", what)
		}
		token = next
	}
}

// pageSizes returns the length of each page.
func pageSizes[T any](pages [][]*T) []int {
	n := make([]int, len(pages))
	for i, p := range pages {
		n[i] = len(p)
	}
	return n
}

// flatten joins pages.
func flatten[T any](pages [][]*T) []*T {
	var all []*T
	for _, p := range pages {
		all = append(all, p...)
	}
	return all
}

func wantSizes[T any](t *testing.T, what string, pages [][]*T, want ...int) {
	t.Helper()
	if got := pageSizes(pages); !slices.Equal(got, want) {
		t.Errorf("%s: page sizes %v, want %v", what, got, want)
	}
}
