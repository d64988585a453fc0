package storetest

import (
	"context"
	"fmt"
	"testing"

	inapp "github.com/inappd/inappd"
)

// endpointCaps is the one-statement read of GetInAppMessages
// (delivery.EndpointCaps), which both backends offer.
type endpointCaps interface {
	GetEndpointCaps(ctx context.Context, appID, endpointID string, days []string, day func(*inapp.Endpoint) string, decode func(string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error)
}

// EndpointCaps checks a backend's GetEndpointCaps against GetEndpoint and
// CapCounts: same endpoint, same counts, for the day the callback names
// (among the days asked for, or not), the caller's decoder used when it
// gives one, and ENOTFOUND for an endpoint that does not exist even when
// it has counters.
func EndpointCaps(t *testing.T, s inapp.Store) {
	caps, ok := s.(endpointCaps)
	if !ok {
		t.Fatalf("%T has no GetEndpointCaps", s)
	}
	app, other := newApp(t, s), newApp(t, s)
	ep := endpointDoc(app.ID, "ep", "u1")
	putEndpoints(t, s, app.ID, ep, endpointDoc(app.ID, "quiet", ""))
	putEndpoints(t, s, other.ID, endpointDoc(other.ID, "ep", ""))
	const d1, d2, d3, d4 = "2025-06-01", "2025-06-02", "2025-06-03", "2025-06-04"
	shown := func(appID, endpointID, id, campaign, day string) *inapp.EventRecord {
		return eventRecord(appID, endpointID, id, inapp.EventDisplayed, campaign, day, 0)
	}
	record(t, s,
		shown(app.ID, "ep", "1", "c1", d1), shown(app.ID, "ep", "2", "c1", d2), shown(app.ID, "ep", "3", "c1", d2),
		shown(app.ID, "ep", "4", "c2", d3), shown(app.ID, "ep", "5", "c3", d4),
		// Another app's and another endpoint's counters stay theirs.
		shown(other.ID, "ep", "6", "c1", d2), shown(app.ID, "gone", "7", "c1", d2),
	)
	days := []string{d1, d2, d3}
	for _, tc := range []struct {
		endpoint, day string
		want          string
	}{
		{"ep", d2, "map[c1:{3 2} c2:{1 0} c3:{1 0}]"},
		{"ep", d3, "map[c1:{3 0} c2:{1 1} c3:{1 0}]"},
		{"ep", d4, "map[c1:{3 0} c2:{1 0} c3:{1 1}]"}, // not among days: read again
		{"quiet", d2, "map[]"},
	} {
		var seen *inapp.Endpoint
		decoded := 0 // the caller's decoder
		got, counts, err := caps.GetEndpointCaps(t.Context(), app.ID, tc.endpoint, days, func(e *inapp.Endpoint) string {
			seen = e
			return tc.day
		}, func(doc string) (*inapp.Endpoint, error) {
			decoded++
			return inapp.DecodeEndpoint(doc)
		})
		must(t, "GetEndpointCaps", err)
		if decoded != 1 {
			t.Errorf("GetEndpointCaps(%s): the caller's decoder ran %d times, want once", tc.endpoint, decoded)
		}
		want, err := s.GetEndpoint(t.Context(), app.ID, tc.endpoint)
		must(t, "GetEndpoint", err)
		sameJSON(t, "GetEndpointCaps endpoint", got, want)
		if seen != got {
			t.Errorf("GetEndpointCaps(%s): day was asked of %p, not of the endpoint returned (%p)", tc.endpoint, seen, got)
		}
		wantCounts, err := s.CapCounts(t.Context(), app.ID, tc.endpoint, tc.day)
		must(t, "CapCounts", err)
		if fmt.Sprint(counts) != tc.want || fmt.Sprint(wantCounts) != tc.want {
			t.Errorf("GetEndpointCaps(%s, day %s): counts %v; CapCounts %v; want %s", tc.endpoint, tc.day, counts, wantCounts, tc.want)
		}
	}
	// One candidate day, or none: still the totals.
	// No decoder: the backend's own.
	_, counts, err := caps.GetEndpointCaps(t.Context(), app.ID, "ep", nil, func(*inapp.Endpoint) string { return d1 }, nil)
	must(t, "GetEndpointCaps without candidate days", err)
	if want := "map[c1:{3 1} c2:{1 0} c3:{1 0}]"; fmt.Sprint(counts) != want {
		t.Errorf("GetEndpointCaps without candidate days: %v, want %s", counts, want)
	}
	for _, id := range []string{"gone", "missing"} {
		_, _, err := caps.GetEndpointCaps(t.Context(), app.ID, id, days, func(*inapp.Endpoint) string {
			t.Errorf("GetEndpointCaps(%s): day asked of an endpoint that does not exist", id)
			return d1
		}, nil)
		if inapp.ErrorCode(err) != inapp.ENOTFOUND {
			t.Errorf("GetEndpointCaps(%s): %v, want ENOTFOUND", id, err)
		}
	}
}

// latestVersions is how a snapshot rebuild learns which campaigns and
// segments changed (delivery.Versions), which both backends offer.
type latestVersions interface {
	LatestVersions(ctx context.Context, appID string) (campaigns, segments map[string]int, err error)
}

// LatestVersions checks a backend's LatestVersions: the latest version of
// each of an app's campaigns and segments, none of another app's or of a
// deleted one, and ENOTFOUND for an app that does not exist.
func LatestVersions(t *testing.T, s inapp.Store) {
	lv, ok := s.(latestVersions)
	if !ok {
		t.Fatalf("%T has no LatestVersions", s)
	}
	app, other := newApp(t, s), newApp(t, s)
	camps, segs, err := lv.LatestVersions(t.Context(), app.ID)
	must(t, "LatestVersions of an empty app", err)
	if len(camps) != 0 || len(segs) != 0 {
		t.Errorf("LatestVersions of an empty app: %v, %v", camps, segs)
	}
	for v := 1; v <= 3; v++ {
		must(t, "PutSegment", s.PutSegment(t.Context(), segmentDoc(app.ID, "s1", v, "s")))
		must(t, "PutCampaign", s.PutCampaign(t.Context(), campaignDoc(app.ID, "c1", v, "c")))
	}
	must(t, "PutSegment", s.PutSegment(t.Context(), segmentDoc(app.ID, "s2", 1, "s")))
	must(t, "PutCampaign", s.PutCampaign(t.Context(), campaignDoc(app.ID, "c2", 1, "c")))
	must(t, "PutCampaign", s.PutCampaign(t.Context(), campaignDoc(app.ID, "gone", 1, "c")))
	must(t, "PutCampaign", s.PutCampaign(t.Context(), campaignDoc(other.ID, "c3", 1, "c")))
	_, err = s.DeleteCampaign(t.Context(), app.ID, "gone")
	must(t, "DeleteCampaign", err)
	camps, segs, err = lv.LatestVersions(t.Context(), app.ID)
	must(t, "LatestVersions", err)
	if got, want := fmt.Sprint(camps, segs), "map[c1:3 c2:1] map[s1:3 s2:1]"; got != want {
		t.Errorf("LatestVersions: %s, want %s", got, want)
	}
	if _, _, err := lv.LatestVersions(t.Context(), "no-such-app"); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		t.Errorf("LatestVersions of an app that does not exist: %v, want ENOTFOUND", err)
	}
}
