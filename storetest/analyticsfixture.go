package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// BackfillEvents is the fixture of the backends' tests that the analytics
// migrations backfill what RecordEvents writes: displays, clicks and
// dismissals of two campaigns and treatments over two days by a few
// endpoints, repeats included, custom events with and without a
// campaign, and another app.
func BackfillEvents() []*inapp.EventRecord {
	at := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
	var out []*inapp.EventRecord
	n := 0
	add := func(app, endpoint, eventType string, attrs map[string]string, t time.Time) {
		n++
		e := &inapp.Event{EventType: eventType, Timestamp: inapp.FormatTime(t), Attributes: attrs}
		out = append(out, &inapp.EventRecord{AppID: app, EndpointID: endpoint, EventID: fmt.Sprint("ev-", n), Event: e, Time: t})
	}
	for i := range 12 {
		endpoint := fmt.Sprint("ep-", i%4)
		t := at.Add(time.Duration(i) * 10 * time.Minute) // crosses midnight UTC
		add("app", endpoint, inapp.EventDisplayed, map[string]string{"campaign_id": "spring", "treatment_id": fmt.Sprint(i % 2)}, t)
		if i%3 == 0 {
			add("app", endpoint, inapp.EventClicked, map[string]string{"campaign_id": "spring", "treatment_id": fmt.Sprint(i % 2)}, t)
		}
		add("app", endpoint, inapp.EventDismissed, map[string]string{"campaign_id": "autumn"}, t) // main treatment by default
		if i%4 == 0 {
			add("app", endpoint, "purchase", map[string]string{"campaign_id": "spring"}, t) // counted, no uniques
		}
		add("app", endpoint, "_session.start", nil, t)
	}
	add("other", "ep-0", inapp.EventDisplayed, map[string]string{"campaign_id": "spring", "treatment_id": ""}, at)
	return out
}

// AnalyticsSnapshot renders the apps' rollups (daily and lifetime) and
// unique counts.
func AnalyticsSnapshot(t *testing.T, s inapp.AnalyticsStore, apps ...string) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	for _, app := range apps {
		for _, r := range [][2]string{{"2026-11-01", "2026-11-30"}, {inapp.AllTime, inapp.AllTime}} {
			rows, err := s.Rollups(ctx, app, "", r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rows {
				out += fmt.Sprintf("%s %s %s/%s %s %d/%d\n", app, x.Day, x.CampaignID, x.TreatmentID, x.EventType, x.Count, x.Uniques)
			}
		}
		for _, by := range []inapp.UniqueGrouping{inapp.UniqueTotal, inapp.UniqueByCampaign, inapp.UniqueByDay} {
			u, err := s.UniqueEndpoints(ctx, inapp.UniqueQuery{AppID: app, EventType: inapp.EventDisplayed, From: "2026-11-01", To: "2026-11-30", By: by})
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s uniques by %d: %v\n", app, by, u)
		}
		u, err := s.UniqueEndpoints(ctx, inapp.UniqueQuery{AppID: app, EventType: inapp.EventClicked, From: "2026-11-01", To: "2026-11-30", By: inapp.UniqueByDay})
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s unique clickers by day: %v\n", app, u)
	}
	return out
}
