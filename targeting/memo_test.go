package targeting

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// TestMemoAgreesWithMatch: segments compiled with a CondTable and
// evaluated through one Memo per subject (reset between subjects, as
// GetInAppMessages does per request) decide exactly as the same segments
// without one, on endpoints that vary in every field the conditions read.
// The segments share conditions, so most answers come from the memo.
func TestMemoAgreesWithMatch(t *testing.T) {
	plain := benchSegmentsWith(t, 400, false, nil)
	table := NewCondTable()
	shared := benchSegmentsWith(t, 400, false, table)
	if n := table.Len() - 1; n >= 400*3 {
		t.Fatalf("%d distinct conditions among 400 segments of 3–5: none shared, the test proves nothing", n)
	}
	r := rand.New(rand.NewPCG(7, 8))
	var memo Memo
	hits, total := 0, 0
	for k := range 300 {
		e := randomEndpoint(r, k)
		lastActive := now.Add(-time.Duration(r.IntN(14*24)) * time.Hour)
		sub := &Subject{Endpoint: e, Now: now, LastActive: lastActive}
		memoSub := &Subject{Endpoint: e, Now: now, LastActive: lastActive, Memo: &memo}
		memo.Reset(table.Len())
		for i := range plain {
			want := plain[i].Match(sub)
			if got := shared[i].Match(memoSub); got != want {
				t.Fatalf("endpoint %d, segment %d: with memo %v, without %v", k, i, got, want)
			}
			if want {
				hits++
			}
			total++
		}
	}
	// Both answers occur, or agreement is trivial.
	if hits == 0 || hits == total {
		t.Fatalf("%d of %d evaluations matched: the endpoints do not exercise the segments", hits, total)
	}
}

// TestMemoSizes: a memo smaller than the table evaluates the conditions it
// does not cover (a snapshot's requests never see later numbers), and one
// larger than its room works the same.
func TestMemoSizes(t *testing.T) {
	table := NewCondTable()
	segs := benchSegmentsWith(t, 200, false, table)
	e := tokyo()
	for _, n := range []int{0, 1, table.Len() / 2, table.Len(), 10_000} {
		var memo Memo
		memo.Reset(n)
		sub := &Subject{Endpoint: e, Now: now, LastActive: now, Memo: &memo}
		plain := &Subject{Endpoint: e, Now: now, LastActive: now}
		for i, s := range segs {
			if got, want := s.Match(sub), s.Match(plain); got != want {
				t.Fatalf("memo of %d: segment %d: %v, want %v", n, i, got, want)
			}
		}
	}
}

// randomEndpoint varies what the bench segments read.
func randomEndpoint(r *rand.Rand, k int) *inapp.Endpoint {
	one := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	e := tokyo()
	e.ID = fmt.Sprint("ep-", k)
	e.Attributes["plan"] = []string{one("pro", "team", "free", "basic", "p3")}
	e.Attributes["interests"] = []string{one("chess", "poker", "golf", "tennis"), one("golf", "xyzzy", "penny")}
	e.Attributes["signup"] = []string{fmt.Sprintf("2026-0%d-%02dT00:00:00Z", 1+r.IntN(3), 1+r.IntN(28))}
	e.Attributes[fmt.Sprint("a", r.IntN(7))] = []string{one("x", "y")}
	e.Demographic.Platform = one("ios", "android", "web", "iOS")
	e.Demographic.AppVersion = fmt.Sprintf("%s.%d.0", one("1", "2"), r.IntN(14))
	e.Location.Country = one("JP", "US", "DE", "FR", "GB")
	lat, lon := 35.0+r.Float64(), 139.0+r.Float64()
	e.Location.Latitude, e.Location.Longitude = &lat, &lon
	e.Metrics["purchases"] = float64(r.IntN(7))
	e.User.UserAttributes["tier"] = []string{one("gold", "platinum", "silver", "bronze")}
	return e
}
