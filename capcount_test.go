package inapp

import (
	"reflect"
	"testing"
)

func TestAddCapCount(t *testing.T) {
	counts := map[string]CapCount{}
	AddCapCount(counts, TotalCapDay, "a", 7, "2026-11-21")
	AddCapCount(counts, "2026-11-21", "a", 2, "2026-11-21")
	AddCapCount(counts, "2026-11-20", "a", 5, "2026-11-21") // another day: left out
	AddCapCount(counts, "2026-11-20", "b", 1, "2026-11-21") // adds no campaign either
	AddCapCount(counts, "2026-11-21", "c", 1, "2026-11-21")
	want := map[string]CapCount{"a": {Total: 7, Day: 2}, "c": {Day: 1}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
}
