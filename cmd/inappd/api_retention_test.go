package main

// Retention end to end: events older than --retention disappear from the
// endpoint events extension and from the analytics, recent ones stay, and
// the caps and lifetime figures that depend on the "*" rows do not move.
// The janitor's pass is run on demand (m.janitor.Run) rather than waited
// for.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/retention"
)

func TestRetentionEndToEnd(t *testing.T) {
	m := startServer(t)
	if m.Config.Retention != retention.DefaultRetention {
		t.Fatalf("default retention %v, want 90 days", m.Config.Retention)
	}
	c := client(m, nil)
	app := createApp(t, c, "retention")
	req := campaignRequest("capped", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(2)}
	capped := str(createCampaign(t, c, app, req).Id)
	plain := str(createCampaign(t, c, app, campaignRequest("plain", "", 2)).Id)
	device := client(m, createClientKey(t, m, app))
	putEndpoint(t, device, app, "e1", inAppEndpoint("", nil))
	putEndpoint(t, device, app, "e2", inAppEndpoint("", nil))

	// e1 saw "capped" 100 days ago (and clicked) and yesterday: its total
	// cap of 2 is reached. e2 saw "plain" 100 days ago only.
	now := time.Now().UTC()
	old := now.AddDate(0, 0, -100)
	recent := now.Add(-24 * time.Hour)
	clicked := displayedEvent(capped, old.Add(time.Minute))
	clicked.EventType = aws.String("_inapp.message_clicked")
	batch := map[string]types.EventsBatch{
		"e1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
			"old-shown": displayedEvent(capped, old), "old-click": clicked, "new-shown": displayedEvent(capped, recent),
		}},
		"e2": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{"old-shown": displayedEvent(plain, old)}},
	}
	res := putEvents(t, device, app, batch)
	for ep, b := range batch {
		for id := range b.Events {
			wantEventStatus(t, res, ep, id, 202)
		}
	}

	wantEventIDs(t, m, app, "e1", "new-shown", "old-click", "old-shown")
	wantEventIDs(t, m, app, "e2", "old-shown")
	oldDay := old.Format(time.DateOnly)
	oldRange := "start-time=" + oldDay + "&end-time=" + oldDay
	if got := analyticsTotals(t, m, app, capped, oldRange); got != counts(1, 1, 0, 1, 1) {
		t.Fatalf("analytics of 100 days ago before the pass: %s", got)
	}
	wantDelivered(t, c, app, "e1", plain)
	lifetime := campaignActivities(t, c, app, capped)

	got, err := m.janitor.Run(t.Context())
	if err != nil {
		t.Fatalf("janitor: %v", err)
	}
	// 3 old events; e2's activity row (its only events went); the 2 old
	// days of cap counters; the old day's 3 uniques and its rollups.
	if got.Events != 3 || got.Activity != 1 || got.Counters != 2 || got.Uniques != 3 || got.Rollups < 2 {
		t.Errorf("janitor deleted %+v; want 3 events, 1 activity row, 2 counter days, 3 uniques, ≥ 2 rollups", got)
	}

	// The events extension: the old events are gone, the recent one stays.
	wantEventIDs(t, m, app, "e1", "new-shown")
	wantEventIDs(t, m, app, "e2")
	// The analytics: the old day is empty, yesterday is still counted.
	if got := analyticsTotals(t, m, app, capped, oldRange); got != counts(0, 0, 0, 0, 0) {
		t.Errorf("analytics of 100 days ago after the pass: %s, want nothing", got)
	}
	week := "start-time=" + now.AddDate(0, 0, -6).Format(time.DateOnly) + "&end-time=" + now.Format(time.DateOnly)
	if got := analyticsTotals(t, m, app, capped, week); got != counts(1, 0, 0, 1, 0) {
		t.Errorf("analytics of the last 7 days after the pass: %s, want yesterday's display", got)
	}
	kpi, err := c.GetCampaignDateRangeKpi(t.Context(), &pinpoint.GetCampaignDateRangeKpiInput{
		ApplicationId: aws.String(app), CampaignId: aws.String(capped), KpiName: aws.String("successful-deliveries"),
		StartTime: aws.Time(now.AddDate(0, 0, -7)), EndTime: aws.Time(now),
	})
	if err != nil {
		t.Fatalf("GetCampaignDateRangeKpi: %v", err)
	}
	wantIDs(t, "successful-deliveries of the last 7 days", kpiRows(kpi.CampaignDateRangeKpiResponse.KpiResult), []string{"SuccessfulDeliveries=1.0(Double)"})
	// What the "*" rows hold is untouched: the total cap still counts the
	// pruned display, and GetCampaignActivities its lifetime figures.
	wantDelivered(t, c, app, "e1", plain)
	if after := campaignActivities(t, c, app, capped); after != lifetime {
		t.Errorf("GetCampaignActivities after the pass:\n %s\nwant\n %s", after, lifetime)
	}

	// A client retrying an event that was pruned: it is stored again (its
	// ID was forgotten with it), the documented price of a retention.
	res = putEvents(t, device, app, map[string]types.EventsBatch{"e2": batch["e2"]})
	wantEventStatus(t, res, "e2", "old-shown", 202)
	wantEventIDs(t, m, app, "e2", "old-shown")

	// Nothing left to prune.
	if got, err := m.janitor.Run(t.Context()); err != nil || got.Events != 1 || got.Counters != 1 {
		t.Errorf("second pass: %+v, %v; want the retried event and its counter day", got, err)
	}
	if got, err := m.janitor.Run(t.Context()); err != nil || got != (inapp.PruneResult{}) {
		t.Errorf("third pass: %+v, %v; want nothing", got, err)
	}
}

// TestRetentionFlag: --retention and INAPPD_RETENTION, flag winning; a
// value that is not a retention stops the start with a message that says
// what to give.
func TestRetentionFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		want time.Duration
	}{
		{nil, "", 90 * 24 * time.Hour},
		{[]string{"--retention", "30d"}, "", 30 * 24 * time.Hour},
		{[]string{"--retention=0"}, "", 0},
		{nil, "2160h", 90 * 24 * time.Hour},
		{nil, "0", 0},
		{[]string{"--retention", "14d"}, "7d", 14 * 24 * time.Hour},
	} {
		m := NewMain()
		getenv := func(k string) string {
			if k == "INAPPD_RETENTION" {
				return c.env
			}
			return ""
		}
		if err := m.ParseFlags(c.args, getenv); err != nil || m.Config.Retention != c.want {
			t.Errorf("args %q, INAPPD_RETENTION=%q: retention %v, %v; want %v", c.args, c.env, m.Config.Retention, err, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--retention", "12h"}, "", `"12h" is under a day: give 0 to keep everything, or at least 1d`},
		{[]string{"--retention", "-3d"}, "", `"-3d" is negative`},
		{[]string{"--retention", "ninety"}, "", `"ninety": give whole days (90d), a duration (2160h) or 0 to keep everything`},
		{nil, "soon", `INAPPD_RETENTION: "soon": give whole days (90d)`},
	} {
		m := NewMain()
		err := m.ParseFlags(c.args, func(k string) string {
			if k == "INAPPD_RETENTION" {
				return c.env
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("args %q, INAPPD_RETENTION=%q: %v; want an error saying %s", c.args, c.env, err, c.want)
		}
	}
}

func wantEventIDs(t *testing.T, m *Main, app, endpoint string, want ...string) {
	t.Helper()
	var got []string
	for _, e := range listEvents(t, m, app, endpoint, "").Events {
		got = append(got, e.EventId)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events of %s: %q, want %q (newest first)", endpoint, got, want)
	}
}

// analyticsTotals reads the console's analytics of one campaign.
func analyticsTotals(t *testing.T, m *Main, app, campaign, query string) analyticsCounts {
	t.Helper()
	r := rawCall(t, m, nil, "GET", "/inappd/v1/apps/"+app+"/analytics?campaign-id="+campaign+"&"+query, nil)
	wantRawStatus(t, r, 200)
	var a analyticsAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatalf("analytics body: %v: %s", err, r.Body)
	}
	return a.Totals
}

// wantDelivered checks which campaigns GetInAppMessages gives endpoint.
func wantDelivered(t *testing.T, c *pinpoint.Client, app, endpoint string, want ...string) {
	t.Helper()
	wantIDs(t, "campaigns delivered to "+endpoint, deliveredIDs(t, c, app, endpoint), want)
}

// campaignActivities renders GetCampaignActivities' items.
func campaignActivities(t *testing.T, c *pinpoint.Client, app, campaign string) string {
	t.Helper()
	out, err := c.GetCampaignActivities(t.Context(), &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(app), CampaignId: aws.String(campaign)})
	if err != nil {
		t.Fatalf("GetCampaignActivities: %v", err)
	}
	var b strings.Builder
	for _, a := range out.ActivitiesResponse.Item {
		fmt.Fprintf(&b, "%s: endpoints %d, delivered %d; ", str(a.TreatmentId), i32(a.TotalEndpointCount), i32(a.SuccessfulEndpointCount))
	}
	return b.String()
}
