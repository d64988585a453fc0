package pinpointapi

import (
	"math"
	"testing"
)

func TestTwoProportionZTest(t *testing.T) {
	for _, c := range []struct {
		x1, n1, x2, n2 int64
		z, p           float64
	}{
		// 20 % of 1,000 against 25 % of 1,000: pooled 0.225, standard
		// error sqrt(0.225 × 0.775 × 2/1000) = 0.018675, z = -0.05 / 0.018675.
		{200, 1000, 250, 1000, -2.677398, 0.007420},
		// The same samples the other way round: z changes sign, p does not.
		{250, 1000, 200, 1000, 2.677398, 0.007420},
		// 22.1 % of 1,203 against 18.0 % of 1,187 (the README's example).
		{266, 1203, 214, 1187, 2.490990, 0.012739},
		// Small samples, a small difference: far from significant.
		{5, 40, 4, 38, 0.272710, 0.785076},
		// Equal rates: z = 0, p = 1.
		{30, 100, 60, 200, 0, 1},
		// Nobody clicked, or everybody: nothing can differ.
		{0, 10, 0, 12, 0, 1},
		{10, 10, 12, 12, 0, 1},
	} {
		z, p := twoProportionZTest(c.x1, c.n1, c.x2, c.n2)
		if math.Abs(z-c.z) > 1e-5 || math.Abs(p-c.p) > 1e-5 {
			t.Errorf("twoProportionZTest(%d/%d, %d/%d) = z %.6f, p %.6f; want z %.6f, p %.6f", c.x1, c.n1, c.x2, c.n2, z, p, c.z, c.p)
		}
	}
	// The two-sided p of z = 1.959964 is the textbook 0.05.
	if p := math.Erfc(1.959964 / math.Sqrt2); math.Abs(p-0.05) > 1e-6 {
		t.Errorf("p(1.959964) = %f, want 0.05", p)
	}
}

func TestCompareCTR(t *testing.T) {
	treatment := func(id string, endpoints, clickers int64) *analyticsTreatment {
		a := &analyticsTreatment{TreatmentID: id}
		a.setUniques(endpoints, clickers)
		return a
	}
	named := func(a *analyticsTreatment, name string) *analyticsTreatment { a.TreatmentName = name; return a }
	for _, c := range []struct {
		name        string
		t, base     *analyticsTreatment
		significant bool
		explanation string
	}{
		{"higher and significant", treatment("1", 1203, 266), treatment("0", 1187, 214), true,
			"The click-through rate of treatment 1 is 4.1 points higher than that of the main treatment; with 1,203 and 1,187 endpoints that is significant (p = 0.013)."},
		{"lower, not significant", treatment("2", 38, 4), treatment("0", 40, 5), false,
			"The click-through rate of treatment 2 is 2.0 points lower than that of the main treatment; with 38 and 40 endpoints that is not significant (p = 0.785)."},
		{"the same", treatment("1", 200, 60), treatment("0", 100, 30), false,
			"The click-through rate of treatment 1 is the same as that of the main treatment; with 200 and 100 endpoints that is not significant (p = 1)."},
		{"very significant", treatment("1", 10000, 3000), treatment("0", 10000, 2000), true,
			"The click-through rate of treatment 1 is 10.0 points higher than that of the main treatment; with 10,000 and 10,000 endpoints that is significant (p < 0.001)."},
		{"no data", treatment("1", 0, 0), treatment("0", 10, 1), false,
			"Treatment 1 or the main treatment was not displayed in this range: there is nothing to compare yet."},
		{"named treatments", named(treatment("1", 1203, 266), "Coupon 15%"), named(treatment("0", 1187, 214), "Free shipping"), true,
			"The click-through rate of Coupon 15% (treatment 1) is 4.1 points higher than that of Free shipping (the main treatment); with 1,203 and 1,187 endpoints that is significant (p = 0.013)."},
	} {
		got := compareCTR(c.t, c.base)
		if got.Significant != c.significant || got.Explanation != c.explanation {
			t.Errorf("%s: significant %v, %q\nwant %v, %q", c.name, got.Significant, got.Explanation, c.significant, c.explanation)
		}
		if got.TreatmentID != c.t.TreatmentID || got.BaselineTreatmentID != "0" {
			t.Errorf("%s: compares %s with %s", c.name, got.TreatmentID, got.BaselineTreatmentID)
		}
		if want := c.t.ClickThroughRate - c.base.ClickThroughRate; c.t.UniqueEndpoints > 0 && math.Abs(got.Difference-want) > 1e-12 {
			t.Errorf("%s: Difference %f, want %f", c.name, got.Difference, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1203: "1,203", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatDouble(t *testing.T) {
	for v, want := range map[float64]string{1368: "1368.0", 0: "0.0", 1: "1.0", 0.5: "0.5", 12.25: "12.25"} {
		if got := formatDouble(v); got != want {
			t.Errorf("formatDouble(%v) = %q, want %q", v, got, want)
		}
	}
}
