package targeting

import (
	"fmt"
	"hash/fnv"
	"math"
	"testing"

	inapp "github.com/inappd/inappd"
)

func TestAssignHashIsFNV1a(t *testing.T) {
	for _, c := range [][2]string{{"", ""}, {"c", "e"}, {"4c545b28d21a490cb51b0b364example", "ep-1"}} {
		h := fnv.New64a()
		h.Write([]byte(c[0] + "\x00" + c[1]))
		if got, want := fnv1a(c[0], c[1]), h.Sum64(); got != want {
			t.Errorf("fnv1a(%q, %q) = %x, want %x", c[0], c[1], got, want)
		}
	}
}

// Golden values: if this test fails, endpoints of running campaigns would
// move between treatments and the holdout. Do not update it lightly.
func TestAssignStable(t *testing.T) {
	sizes := []int{50, 30, 20}
	tests := []struct {
		endpoint string
		bucket   uint64
	}{
		{"ep-0", golden["ep-0"]},
		{"ep-1", golden["ep-1"]},
		{"3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f", golden["3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f"]},
	}
	for _, tt := range tests {
		if got := assignHash("campaign-1", tt.endpoint); got != tt.bucket {
			t.Errorf("assignHash(campaign-1, %s) = %d, want %d", tt.endpoint, got, tt.bucket)
		}
		tr1, h1 := Assign("campaign-1", tt.endpoint, 10, sizes)
		tr2, h2 := Assign("campaign-1", tt.endpoint, 10, sizes)
		if tr1 != tr2 || h1 != h2 {
			t.Errorf("Assign is not deterministic for %s", tt.endpoint)
		}
	}
	for _, g := range goldenAssign {
		tr, h := Assign(g.campaign, g.endpoint, g.holdout, g.sizes)
		if tr != g.treatment || h != g.isHoldout {
			t.Errorf("Assign(%s, %s, %d, %v) = %d, %v; want %d, %v", g.campaign, g.endpoint, g.holdout, g.sizes, tr, h, g.treatment, g.isHoldout)
		}
	}
}

var golden = map[string]uint64{
	"ep-0":                                 2092604574638260695,
	"ep-1":                                 18376658938986174640,
	"3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f": 9931768994837946477,
}

var goldenAssign = []struct {
	campaign, endpoint string
	holdout            int
	sizes              []int
	treatment          int
	isHoldout          bool
}{
	{"campaign-1", "ep-0", 10, []int{50, 30, 20}, 0, false},
	{"campaign-1", "ep-1", 10, []int{50, 30, 20}, 0, false},
	{"campaign-1", "ep-2", 10, []int{50, 30, 20}, 0, false},
	{"campaign-1", "ep-3", 10, []int{50, 30, 20}, 2, false},
	{"campaign-1", "ep-4", 10, []int{50, 30, 20}, 0, true},
	{"campaign-1", "ep-5", 10, []int{50, 30, 20}, 1, false},
	{"4c545b28d21a490cb51b0b364example", "3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f", 0, []int{100}, 0, false},
	{"4c545b28d21a490cb51b0b364example", "3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f", 50, []int{25, 25, 25, 25}, 1, false},
}

func TestAssignDistribution(t *testing.T) {
	const n = 100_000
	tests := []struct {
		holdout int
		sizes   []int
	}{
		{0, []int{100}},
		{10, []int{50, 30, 20}},
		{25, []int{40, 0, 60}},
		{5, []int{34, 33, 33}},
		{0, []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.holdout, tt.sizes), func(t *testing.T) {
			counts := make([]int, len(tt.sizes))
			held := 0
			for i := 0; i < n; i++ {
				tr, h := Assign("c-7f3e", fmt.Sprintf("endpoint-%d", i), tt.holdout, tt.sizes)
				if h {
					held++
					continue
				}
				counts[tr]++
			}
			within(t, "holdout", held, n, float64(tt.holdout)/100)
			total := 0
			for _, s := range tt.sizes {
				total += s
			}
			for i, s := range tt.sizes {
				share := float64(s) / float64(total) * (1 - float64(tt.holdout)/100)
				within(t, fmt.Sprintf("treatment %d", i), counts[i], n, share)
			}
		})
	}
}

// within fails when count/n is more than one percentage point off want
// (the standard error at 100k is under 0.16 points).
func within(t *testing.T, what string, count, n int, want float64) {
	t.Helper()
	got := float64(count) / float64(n)
	if math.Abs(got-want) > 0.01 {
		t.Errorf("%s: %.4f of endpoints, want %.4f", what, got, want)
	}
}

func TestAssignEdges(t *testing.T) {
	for i := 0; i < 1000; i++ {
		e := fmt.Sprint("e", i)
		if _, h := Assign("c", e, 0, []int{100}); h {
			t.Fatal("holdout 0 held out an endpoint")
		}
		if _, h := Assign("c", e, 100, []int{100}); !h {
			t.Fatal("holdout 100 let an endpoint through")
		}
		if tr, h := Assign("c", e, 0, nil); tr != 0 || h {
			t.Fatal("no sizes: main treatment")
		}
		if tr, _ := Assign("c", e, 0, []int{0, 100, 0}); tr != 1 {
			t.Fatal("zero-size treatments get nobody")
		}
		if tr, _ := Assign("c", e, 0, []int{-5, 0}); tr != 0 {
			t.Fatal("no positive size: main treatment")
		}
	}
}

// Raising the holdout only moves endpoints into the holdout: the others keep
// their treatment.
func TestAssignHoldoutChangeKeepsTreatments(t *testing.T) {
	sizes := []int{50, 25, 25}
	for i := 0; i < 10000; i++ {
		e := fmt.Sprint("endpoint-", i)
		t1, h1 := Assign("c", e, 10, sizes)
		t2, h2 := Assign("c", e, 20, sizes)
		if h1 && !h2 {
			t.Fatalf("%s left the holdout when it grew", e)
		}
		if !h2 && t1 != t2 {
			t.Fatalf("%s moved from treatment %d to %d", e, t1, t2)
		}
	}
}

// Different campaigns split the same endpoints independently.
func TestAssignIndependentCampaigns(t *testing.T) {
	same := 0
	const n = 20000
	for i := 0; i < n; i++ {
		e := fmt.Sprint("endpoint-", i)
		_, a := Assign("campaign-a", e, 50, nil)
		_, b := Assign("campaign-b", e, 50, nil)
		if a == b {
			same++
		}
	}
	within(t, "agreement between campaigns", same, n, 0.5)
}

func TestTreatmentSizes(t *testing.T) {
	c := &inapp.Campaign{AdditionalTreatments: []*inapp.Treatment{{SizePercent: 20}, {SizePercent: 30}}}
	if got := fmt.Sprint(TreatmentSizes(c)); got != "[50 20 30]" {
		t.Errorf("TreatmentSizes = %s", got)
	}
	if got := fmt.Sprint(TreatmentSizes(&inapp.Campaign{})); got != "[100]" {
		t.Errorf("TreatmentSizes = %s", got)
	}
	held := &inapp.Campaign{HoldoutPercent: 10, AdditionalTreatments: []*inapp.Treatment{{SizePercent: 30}}}
	sizes := TreatmentSizes(held)
	if got := fmt.Sprint(sizes); got != "[60 30]" {
		t.Errorf("TreatmentSizes = %s", got)
	}
	// Each treatment then reaches its SizePercent of all endpoints.
	counts := [2]int{}
	const n = 100_000
	for i := 0; i < n; i++ {
		if tr, h := Assign("c", fmt.Sprint("e", i), held.HoldoutPercent, sizes); !h {
			counts[tr]++
		}
	}
	within(t, "main", counts[0], n, 0.60)
	within(t, "treatment 1", counts[1], n, 0.30)
	over := &inapp.Campaign{AdditionalTreatments: []*inapp.Treatment{{SizePercent: 70}, nil, {SizePercent: 50}}}
	if got := fmt.Sprint(TreatmentSizes(over)); got != "[0 70 0 50]" {
		t.Errorf("TreatmentSizes = %s", got)
	}
}
