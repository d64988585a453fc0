package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	inapp "github.com/inappd/inappd"
)

// BenchmarkScanEndpoints measures a segment size estimate's read: every
// endpoint of an app read and decoded (INAPPD_SCAN_ENDPOINTS of them,
// 50,000 unless set; the target is 1,000,000 in ≤ 2 s).
func BenchmarkScanEndpoints(b *testing.B) {
	n := envCount("INAPPD_SCAN_ENDPOINTS", 50_000)
	ctx := context.Background()
	db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
	defer db.Close()
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	const chunk = 2000
	for start := 0; start < n; start += chunk {
		ids := make([]string, 0, chunk)
		for i := start; i < min(start+chunk, n); i++ {
			ids = append(ids, fmt.Sprintf("ep-%07d", i))
		}
		err := db.UpdateEndpoints(ctx, "app", ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
			return benchEndpoint(id), nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		seen := 0
		if err := db.ScanEndpoints(ctx, "app", func(*inapp.Endpoint) bool { seen++; return true }); err != nil {
			b.Fatal(err)
		}
		if seen != n {
			b.Fatalf("scanned %d endpoints, want %d", seen, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
}

// benchEndpoint is an endpoint the size of a real app's: a handful of
// attributes, demographic, location, metrics and user attributes.
func benchEndpoint(id string) *inapp.Endpoint {
	return &inapp.Endpoint{
		ID: id, ApplicationID: "app", ChannelType: "IN_APP", EndpointStatus: "ACTIVE", OptOut: "NONE",
		CohortID: inapp.Cohort(id), CreationDate: "2026-11-01T10:00:00.000Z", EffectiveDate: "2026-11-01T10:00:00.000Z",
		Attributes: map[string][]string{"plan": {"pro"}, "tier": {"t1"}, "interests": {"shoes", "hats", "bags"}, "lang": {"en"}},
		Metrics:    map[string]float64{"purchases": 3, "score": 71.5},
		Demographic: &inapp.Demographic{AppVersion: "2.3.1", Locale: "en_US", Make: "Apple", Model: "iPhone",
			Platform: "ios", PlatformVersion: "17.1", Timezone: "Europe/Paris"},
		Location: &inapp.Location{City: "Paris", Country: "FR"},
		User:     &inapp.EndpointUser{UserID: "user-" + id, UserAttributes: map[string][]string{"signup": {"2026-01-02"}}},
	}
}
