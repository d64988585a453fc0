package main

// Analytics end to end: events sent with PutEvents (a client key, as an
// app would) for two treatments over several days, then the KPI
// operations, GetCampaignActivities and the console's analytics
// extension, through aws-sdk-go-v2 where it can express the call.

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

// kpiFixture is an app with two campaigns and their events.
type kpiFixture struct {
	m          *Main
	c          *pinpoint.Client
	app        string
	camp       *types.CampaignResponse // treatments "0" (Plain) and "1" (Bold)
	other      *types.CampaignResponse // one display
	day        [3]time.Time            // 10:00 UTC, three, two and one day(s) ago
	events     map[string]types.EventsBatch
	rangeStart time.Time // midnight UTC, four days ago
}

func (f *kpiFixture) date(i int) string { return f.day[i].Format(time.DateOnly) }

// newKPIFixture sends, through PutEvents with a client key:
//
//	treatment 0: e0…e3 displayed on day 0, e0 again on day 1;
//	             e0 and e1 clicked on day 0; e2 dismissed on day 1
//	treatment 1: f0…f2 displayed on day 1, f0 again on day 2;
//	             f0 clicked on day 2; f1 dismissed on day 2
//	other campaign: g0 displayed on day 2
//	no campaign: an app_open by e0
func newKPIFixture(t *testing.T) *kpiFixture {
	t.Helper()
	m := startServer(t)
	f := &kpiFixture{m: m, c: client(m, nil)}
	f.app = createApp(t, f.c, "analytics")
	req := campaignRequest("spring", "", 1)
	req.TreatmentName = aws.String("Plain")
	req.AdditionalTreatments = []types.WriteTreatmentResource{
		{SizePercent: aws.Int32(50), TreatmentName: aws.String("Bold"), MessageConfiguration: inAppMessageConfig("bold")},
	}
	f.camp = createCampaign(t, f.c, f.app, req)
	f.other = createCampaign(t, f.c, f.app, campaignRequest("autumn", "", 2))
	midnight := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range f.day {
		f.day[i] = midnight.AddDate(0, 0, i-3).Add(10 * time.Hour)
	}
	f.rangeStart = midnight.AddDate(0, 0, -4)

	ev := func(eventType, campaign, treatment string, at time.Time) types.Event {
		e := types.Event{
			EventType: aws.String(eventType),
			Timestamp: aws.String(at.Format("2006-01-02T15:04:05.000Z")),
			Session:   &types.Session{Id: aws.String("s"), StartTimestamp: aws.String(isoTime(at.Add(-time.Minute)))},
		}
		if campaign != "" {
			e.Attributes = map[string]string{"campaign_id": campaign, "treatment_id": treatment, "delivery_type": "IN_APP_MESSAGE"}
		}
		return e
	}
	spring, autumn := str(f.camp.Id), str(f.other.Id)
	d, c, x := "_inapp.message_displayed", "_inapp.message_clicked", "_inapp.message_dismissed"
	events := map[string]map[string]types.Event{
		"e0": {"1": ev(d, spring, "0", f.day[0]), "2": ev(d, spring, "0", f.day[1]), "3": ev(c, spring, "0", f.day[0]), "4": ev("app_open", "", "", f.day[0])},
		"e1": {"1": ev(d, spring, "0", f.day[0]), "2": ev(c, spring, "0", f.day[0].Add(time.Minute))},
		"e2": {"1": ev(d, spring, "0", f.day[0]), "2": ev(x, spring, "0", f.day[1])},
		"e3": {"1": ev(d, spring, "0", f.day[0])},
		"f0": {"1": ev(d, spring, "1", f.day[1]), "2": ev(d, spring, "1", f.day[2]), "3": ev(c, spring, "1", f.day[2])},
		"f1": {"1": ev(d, spring, "1", f.day[1]), "2": ev(x, spring, "1", f.day[2])},
		"f2": {"1": ev(d, spring, "1", f.day[1])},
		"g0": {"1": ev(d, autumn, "0", f.day[2])},
	}
	f.events = map[string]types.EventsBatch{}
	for endpoint, evs := range events {
		f.events[endpoint] = types.EventsBatch{Endpoint: &types.PublicEndpoint{}, Events: evs}
	}
	device := client(m, createClientKey(t, m, f.app))
	res := putEvents(t, device, f.app, f.events)
	for endpoint, evs := range events {
		for id := range evs {
			wantEventStatus(t, res, endpoint, id, 202)
		}
	}
	return f
}

// campaignKPI calls GetCampaignDateRangeKpi over the fixture's range.
func (f *kpiFixture) campaignKPI(t *testing.T, name string) *types.CampaignDateRangeKpiResponse {
	t.Helper()
	out, err := f.c.GetCampaignDateRangeKpi(t.Context(), &pinpoint.GetCampaignDateRangeKpiInput{
		ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, KpiName: aws.String(name),
		StartTime: aws.Time(f.rangeStart), EndTime: aws.Time(f.day[2]),
	})
	if err != nil {
		t.Fatalf("GetCampaignDateRangeKpi %s: %v", name, err)
	}
	wantStatus(t, out.ResultMetadata, 200)
	r := out.CampaignDateRangeKpiResponse
	if str(r.ApplicationId) != f.app || str(r.CampaignId) != str(f.camp.Id) || str(r.KpiName) != name {
		t.Errorf("%s: answered for app %s, campaign %s, KPI %s", name, str(r.ApplicationId), str(r.CampaignId), str(r.KpiName))
	}
	if r.StartTime == nil || !r.StartTime.Equal(f.rangeStart) || r.EndTime == nil || !r.EndTime.Equal(f.day[2]) {
		t.Errorf("%s: range %v – %v, want %v – %v", name, r.StartTime, r.EndTime, f.rangeStart, f.day[2])
	}
	return r
}

// appKPI calls GetApplicationDateRangeKpi over the fixture's range.
func (f *kpiFixture) appKPI(t *testing.T, name string) *types.ApplicationDateRangeKpiResponse {
	t.Helper()
	out, err := f.c.GetApplicationDateRangeKpi(t.Context(), &pinpoint.GetApplicationDateRangeKpiInput{
		ApplicationId: aws.String(f.app), KpiName: aws.String(name),
		StartTime: aws.Time(f.rangeStart), EndTime: aws.Time(f.day[2]),
	})
	if err != nil {
		t.Fatalf("GetApplicationDateRangeKpi %s: %v", name, err)
	}
	r := out.ApplicationDateRangeKpiResponse
	if str(r.ApplicationId) != f.app || str(r.KpiName) != name {
		t.Errorf("%s: answered for app %s, KPI %s", name, str(r.ApplicationId), str(r.KpiName))
	}
	return r
}

// kpiRows renders rows as "Key=Value(Type)…: Key=Value(Type)", one per row.
func kpiRows(r *types.BaseKpiResult) []string {
	out := []string{}
	for _, row := range r.Rows {
		var group []string
		for _, g := range row.GroupedBys {
			group = append(group, fmt.Sprintf("%s=%s(%s)", str(g.Key), str(g.Value), str(g.Type)))
		}
		var values []string
		for _, v := range row.Values {
			values = append(values, fmt.Sprintf("%s=%s(%s)", str(v.Key), str(v.Value), str(v.Type)))
		}
		line := strings.Join(values, " ")
		if len(group) > 0 {
			line = strings.Join(group, " ") + ": " + line
		}
		out = append(out, line)
	}
	return out
}

func TestKPICampaignMetrics(t *testing.T) {
	f := newKPIFixture(t)
	act0, act1 := activityOf(t, f, "0"), activityOf(t, f, "1")
	for _, c := range []struct {
		kpi  string
		want []string
	}{
		{"successful-deliveries", []string{"SuccessfulDeliveries=9.0(Double)"}},
		{"attempted-deliveries", []string{"AttemptedDeliveries=9.0(Double)"}},
		{"unique-deliveries", []string{"UniqueDeliveries=7.0(Double)"}},
		{"successful-delivery-rate", []string{"SuccessfulDeliveryRate=1.0(Double)"}},
		{"clicks", []string{"Clicks=3.0(Double)"}},
		{"unique-deliveries-grouped-by-date", []string{
			"Date=" + f.date(0) + "(Date): UniqueDeliveries=4.0(Double)",
			"Date=" + f.date(1) + "(Date): UniqueDeliveries=4.0(Double)",
			"Date=" + f.date(2) + "(Date): UniqueDeliveries=1.0(Double)",
		}},
		{"successful-deliveries-grouped-by-date", []string{
			"Date=" + f.date(0) + "(Date): SuccessfulDeliveries=4.0(Double)",
			"Date=" + f.date(1) + "(Date): SuccessfulDeliveries=4.0(Double)",
			"Date=" + f.date(2) + "(Date): SuccessfulDeliveries=1.0(Double)",
		}},
		{"successful-delivery-rate-grouped-by-date", []string{
			"Date=" + f.date(0) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
			"Date=" + f.date(1) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
			"Date=" + f.date(2) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
		}},
		{"successful-deliveries-grouped-by-campaign-activity", []string{
			"CampaignActivityId=" + act0 + "(String): SuccessfulDeliveries=5.0(Double)",
			"CampaignActivityId=" + act1 + "(String): SuccessfulDeliveries=4.0(Double)",
		}},
		{"attempted-deliveries-grouped-by-campaign-activity", []string{
			"CampaignActivityId=" + act0 + "(String): AttemptedDeliveries=5.0(Double)",
			"CampaignActivityId=" + act1 + "(String): AttemptedDeliveries=4.0(Double)",
		}},
		{"unique-deliveries-grouped-by-campaign-activity", []string{
			"CampaignActivityId=" + act0 + "(String): UniqueDeliveries=4.0(Double)",
			"CampaignActivityId=" + act1 + "(String): UniqueDeliveries=3.0(Double)",
		}},
		{"successful-delivery-rate-grouped-by-campaign-activity", []string{
			"CampaignActivityId=" + act0 + "(String): SuccessfulDeliveryRate=1.0(Double)",
			"CampaignActivityId=" + act1 + "(String): SuccessfulDeliveryRate=1.0(Double)",
		}},
		{"clicks-grouped-by-campaign-activity", []string{
			"CampaignActivityId=" + act0 + "(String): Clicks=2.0(Double)",
			"CampaignActivityId=" + act1 + "(String): Clicks=1.0(Double)",
		}},
		// Other channels' metrics exist; an in-app campaign has no data for them.
		{"email-open-rate", []string{}},
		{"hard-bounce-rate-grouped-by-campaign-activity", []string{}},
		{"direct-push-opens-grouped-by-campaign-activity", []string{}},
		{"sms-spend", []string{}},
	} {
		wantIDs(t, c.kpi, kpiRows(f.campaignKPI(t, c.kpi).KpiResult), c.want)
	}

	// A range without data: no rows (Pinpoint's null result).
	out, err := f.c.GetCampaignDateRangeKpi(t.Context(), &pinpoint.GetCampaignDateRangeKpiInput{
		ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, KpiName: aws.String("unique-deliveries"),
		StartTime: aws.Time(f.rangeStart.AddDate(0, 0, -20)), EndTime: aws.Time(f.rangeStart.Add(-time.Second)),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "a range without data", kpiRows(out.CampaignDateRangeKpiResponse.KpiResult), []string{})

	// No range: the preceding 31 calendar days, today included.
	out, err = f.c.GetCampaignDateRangeKpi(t.Context(), &pinpoint.GetCampaignDateRangeKpiInput{
		ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, KpiName: aws.String("unique-deliveries"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.CampaignDateRangeKpiResponse
	wantIDs(t, "the default range", kpiRows(r.KpiResult), []string{"UniqueDeliveries=7.0(Double)"})
	if days := r.EndTime.Truncate(24*time.Hour).Sub(*r.StartTime).Hours() / 24; r.StartTime.Truncate(24*time.Hour) != *r.StartTime || days != 30 {
		t.Errorf("default range %v – %v: want midnight 30 days before the end's day", r.StartTime, r.EndTime)
	}
	if since := time.Since(*r.EndTime); since < 0 || since > time.Minute {
		t.Errorf("default range ends at %v, want now", r.EndTime)
	}
}

func TestKPIApplicationMetrics(t *testing.T) {
	f := newKPIFixture(t)
	spring, autumn := str(f.camp.Id), str(f.other.Id)
	byCampaign := func(key string, springV, autumnV string) []string {
		rows := map[string]string{
			spring: "CampaignId=" + spring + "(String): " + key + "=" + springV + "(Double)",
			autumn: "CampaignId=" + autumn + "(String): " + key + "=" + autumnV + "(Double)",
		}
		if spring < autumn {
			return []string{rows[spring], rows[autumn]}
		}
		return []string{rows[autumn], rows[spring]}
	}
	for _, c := range []struct {
		kpi  string
		want []string
	}{
		{"unique-deliveries", []string{"UniqueDeliveries=8.0(Double)"}},
		{"successful-deliveries", []string{"SuccessfulDeliveries=10.0(Double)"}},
		{"successful-delivery-rate", []string{"SuccessfulDeliveryRate=1.0(Double)"}},
		{"clicks", []string{"Clicks=3.0(Double)"}},
		{"unique-deliveries-grouped-by-campaign", byCampaign("UniqueDeliveries", "7.0", "1.0")},
		{"successful-deliveries-grouped-by-campaign", byCampaign("SuccessfulDeliveries", "9.0", "1.0")},
		{"unique-deliveries-grouped-by-date", []string{
			"Date=" + f.date(0) + "(Date): UniqueDeliveries=4.0(Double)",
			"Date=" + f.date(1) + "(Date): UniqueDeliveries=4.0(Double)",
			"Date=" + f.date(2) + "(Date): UniqueDeliveries=2.0(Double)",
		}},
		{"successful-delivery-rate-grouped-by-date", []string{
			"Date=" + f.date(0) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
			"Date=" + f.date(1) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
			"Date=" + f.date(2) + "(Date): SuccessfulDeliveryRate=1.0(Double)",
		}},
		{"email-open-rate-grouped-by-campaign", []string{}},
		{"push-open-rate", []string{}},
		{"txn-emails-sent", []string{}},
		{"txn-sms-delivered-grouped-by-country", []string{}},
	} {
		wantIDs(t, c.kpi, kpiRows(f.appKPI(t, c.kpi).KpiResult), c.want)
	}

	// On the wire: a single value's row has no GroupedBys, an empty
	// result an empty Rows, times are ISO 8601 strings, and the body has
	// no wrapper key.
	q := "?start-time=" + url.QueryEscape(isoTime(f.rangeStart)) + "&end-time=" + url.QueryEscape(isoTime(f.day[2]))
	raw := rawCall(t, f.m, nil, "GET", "/v1/apps/"+f.app+"/kpis/daterange/unique-deliveries"+q, nil)
	wantRawStatus(t, raw, 200)
	want := fmt.Sprintf(`{"ApplicationId":%q,"EndTime":"%s","KpiName":"unique-deliveries","KpiResult":{"Rows":[{"Values":[{"Key":"UniqueDeliveries","Type":"Double","Value":"8.0"}]}]},"StartTime":"%s"}`,
		f.app, f.day[2].Format("2006-01-02T15:04:05.000Z"), f.rangeStart.Format("2006-01-02T15:04:05.000Z"))
	if string(raw.Body) != want {
		t.Errorf("GetApplicationDateRangeKpi body\n got %s\nwant %s", raw.Body, want)
	}
	raw = rawCall(t, f.m, nil, "GET", "/v1/apps/"+f.app+"/kpis/daterange/push-open-rate"+q+"&page-size=5&next-token=x", nil)
	wantRawStatus(t, raw, 200)
	if !strings.Contains(string(raw.Body), `"KpiResult":{"Rows":[]}`) || strings.Contains(string(raw.Body), "NextToken") {
		t.Errorf("an empty result: %s", raw.Body)
	}
}

// TestKPIRetriedPutEventsCountOnce: a client that retries a whole batch
// (its answer was lost) changes no figure.
func TestKPIRetriedPutEventsCountOnce(t *testing.T) {
	f := newKPIFixture(t)
	device := client(f.m, createClientKey(t, f.m, f.app))
	putEvents(t, device, f.app, f.events)
	putEvents(t, device, f.app, f.events)
	wantIDs(t, "unique-deliveries", kpiRows(f.campaignKPI(t, "unique-deliveries").KpiResult), []string{"UniqueDeliveries=7.0(Double)"})
	wantIDs(t, "successful-deliveries", kpiRows(f.campaignKPI(t, "successful-deliveries").KpiResult), []string{"SuccessfulDeliveries=9.0(Double)"})
	wantIDs(t, "clicks", kpiRows(f.appKPI(t, "clicks").KpiResult), []string{"Clicks=3.0(Double)"})
	for _, a := range activities(t, f, "") {
		if want := map[string]int32{"0": 4, "1": 3}[str(a.TreatmentId)]; i32(a.TotalEndpointCount) != want {
			t.Errorf("treatment %s: TotalEndpointCount %d after retries, want %d", str(a.TreatmentId), i32(a.TotalEndpointCount), want)
		}
	}
}

func TestKPIBadInput(t *testing.T) {
	f := newKPIFixture(t)
	ctx := t.Context()
	campaign := func(kpi string, start, end time.Time) error {
		_, err := f.c.GetCampaignDateRangeKpi(ctx, &pinpoint.GetCampaignDateRangeKpiInput{
			ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, KpiName: aws.String(kpi), StartTime: aws.Time(start), EndTime: aws.Time(end),
		})
		return err
	}
	app := func(kpi string) error {
		_, err := f.c.GetApplicationDateRangeKpi(ctx, &pinpoint.GetApplicationDateRangeKpiInput{ApplicationId: aws.String(f.app), KpiName: aws.String(kpi)})
		return err
	}
	end := f.day[2]
	for _, c := range []struct {
		what string
		err  error
		msg  string
	}{
		{"unknown metric", campaign("bogus-metric", f.rangeStart, end),
			`"bogus-metric" is not a campaign metric. In-app metrics: successful-deliveries, attempted-deliveries, unique-deliveries, successful-delivery-rate and clicks, each alone or with -grouped-by-date or -grouped-by-campaign-activity; see the standard metrics in the Amazon Pinpoint Developer Guide.`},
		{"an application grouping on a campaign", campaign("unique-deliveries-grouped-by-campaign", f.rangeStart, end), `"unique-deliveries-grouped-by-campaign" is not a campaign metric.`},
		{"a campaign grouping on the application", app("clicks-grouped-by-campaign-activity"), `"clicks-grouped-by-campaign-activity" is not an application metric.`},
		{"a journey metric", app("journey-emails-sent"), `"journey-emails-sent" is not an application metric.`},
		{"start after end", campaign("unique-deliveries", end, f.rangeStart),
			fmt.Sprintf("start-time (%s) is after end-time (%s): the range must start before it ends.", end.Format("2006-01-02T15:04:05.000Z"), f.rangeStart.Format("2006-01-02T15:04:05.000Z"))},
		{"32 calendar days", campaign("unique-deliveries", end.AddDate(0, 0, -31), end),
			fmt.Sprintf("The range from %s to %s covers 32 calendar days; it can cover at most 31 (the first and last day included).", end.AddDate(0, 0, -31).Format("2006-01-02T15:04:05.000Z"), end.Format("2006-01-02T15:04:05.000Z"))},
		{"90 days ago", campaign("unique-deliveries", end.AddDate(0, 0, -92), end.AddDate(0, 0, -88)), "must be fewer than 90 days before the current day"},
	} {
		e := wantBadRequest(t, c.err)
		if !strings.Contains(str(e.Message), c.msg) {
			t.Errorf("%s: message %q, want it to contain %q", c.what, str(e.Message), c.msg)
		}
	}
	// 31 calendar days, first and last included, is allowed.
	if err := campaign("unique-deliveries", end.Truncate(24*time.Hour).AddDate(0, 0, -30), end); err != nil {
		t.Errorf("31 calendar days: %v", err)
	}

	// A time that is not ISO 8601 (the SDK cannot send one).
	r := rawCall(t, f.m, nil, "GET", "/v1/apps/"+f.app+"/campaigns/"+str(f.camp.Id)+"/kpis/daterange/unique-deliveries?start-time=yesterday", nil)
	if body := wantRawError(t, r, "BadRequestException"); body["Message"] != `start-time: "yesterday" is not an ISO 8601 date and time (for example 2026-11-20T00:00:00Z).` {
		t.Errorf("bad start-time: %v", body["Message"])
	}
	r = rawCall(t, f.m, nil, "GET", "/v1/apps/"+f.app+"/kpis/daterange/unique-deliveries?end-time=2026-13-01", nil)
	if body := wantRawError(t, r, "BadRequestException"); body["Message"] != `end-time: "2026-13-01" is not an ISO 8601 date and time (for example 2026-11-20T00:00:00Z).` {
		t.Errorf("bad end-time: %v", body["Message"])
	}

	// Unknown campaign and app, and a client key: as every operation.
	_, err := f.c.GetCampaignDateRangeKpi(ctx, &pinpoint.GetCampaignDateRangeKpiInput{ApplicationId: aws.String(f.app), CampaignId: aws.String("nope"), KpiName: aws.String("unique-deliveries")})
	wantNotFound(t, err)
	_, err = f.c.GetApplicationDateRangeKpi(ctx, &pinpoint.GetApplicationDateRangeKpiInput{ApplicationId: aws.String("nope"), KpiName: aws.String("unique-deliveries")})
	wantNotFound(t, err)
	_, err = f.c.GetCampaignActivities(ctx, &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(f.app), CampaignId: aws.String("nope")})
	wantNotFound(t, err)
	device := client(f.m, createClientKey(t, f.m, f.app))
	_, err = device.GetApplicationDateRangeKpi(ctx, &pinpoint.GetApplicationDateRangeKpiInput{ApplicationId: aws.String(f.app), KpiName: aws.String("unique-deliveries")})
	wantForbidden(t, err)
	_, err = device.GetCampaignActivities(ctx, &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(f.app), CampaignId: f.camp.Id})
	wantForbidden(t, err)
}

// activities lists the campaign's activities (one page, at token).
func activities(t *testing.T, f *kpiFixture, token string) []types.ActivityResponse {
	t.Helper()
	in := &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(f.app), CampaignId: f.camp.Id}
	if token != "" {
		in.Token = aws.String(token)
	}
	out, err := f.c.GetCampaignActivities(t.Context(), in)
	if err != nil {
		t.Fatalf("GetCampaignActivities: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 200)
	return out.ActivitiesResponse.Item
}

func activityOf(t *testing.T, f *kpiFixture, treatment string) string {
	t.Helper()
	for _, a := range activities(t, f, "") {
		if str(a.TreatmentId) == treatment {
			return str(a.Id)
		}
	}
	t.Fatalf("no activity for treatment %s", treatment)
	return ""
}

func TestCampaignActivities(t *testing.T) {
	f := newKPIFixture(t)
	items := activities(t, f, "")
	if len(items) != 2 {
		t.Fatalf("GetCampaignActivities: %d items, want 2: %s", len(items), mustJSON(t, items))
	}
	for i, want := range []struct {
		treatment string
		endpoints int32
	}{{"0", 4}, {"1", 3}} {
		a := items[i]
		if str(a.TreatmentId) != want.treatment || str(a.ApplicationId) != f.app || str(a.CampaignId) != str(f.camp.Id) {
			t.Errorf("item %d: treatment %s of %s/%s", i, str(a.TreatmentId), str(a.ApplicationId), str(a.CampaignId))
		}
		if i32(a.TotalEndpointCount) != want.endpoints || i32(a.SuccessfulEndpointCount) != want.endpoints {
			t.Errorf("treatment %s: TotalEndpointCount %d, SuccessfulEndpointCount %d, want %d (endpoints it was displayed to)",
				want.treatment, i32(a.TotalEndpointCount), i32(a.SuccessfulEndpointCount), want.endpoints)
		}
		if str(a.State) != "RUNNING" || str(a.ScheduledStart) != str(f.camp.CreationDate) || str(a.Start) != str(f.camp.CreationDate) {
			t.Errorf("treatment %s: State %s, ScheduledStart %s, Start %s; want RUNNING since the campaign's creation %s",
				want.treatment, str(a.State), str(a.ScheduledStart), str(a.Start), str(f.camp.CreationDate))
		}
		if len(str(a.Id)) != 32 || a.End != nil || a.Result != nil {
			t.Errorf("treatment %s: Id %q, End %v, Result %v", want.treatment, str(a.Id), a.End, a.Result)
		}
	}
	if str(items[0].Id) == str(items[1].Id) {
		t.Errorf("both treatments have activity %s", str(items[0].Id))
	}
	// IDs are stable: the same on the next call.
	if again := activities(t, f, ""); str(again[1].Id) != str(items[1].Id) {
		t.Errorf("activity ID changed from %s to %s", str(items[1].Id), str(again[1].Id))
	}

	// Pages.
	out, err := f.c.GetCampaignActivities(t.Context(), &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, PageSize: aws.String("1")})
	if err != nil {
		t.Fatal(err)
	}
	page := out.ActivitiesResponse
	if len(page.Item) != 1 || str(page.Item[0].TreatmentId) != "0" || str(page.NextToken) == "" {
		t.Fatalf("page 1: %s", mustJSON(t, page))
	}
	next := activities(t, f, str(page.NextToken))
	if len(next) != 1 || str(next[0].TreatmentId) != "1" {
		t.Errorf("page 2: %s", mustJSON(t, next))
	}
	_, err = f.c.GetCampaignActivities(t.Context(), &pinpoint.GetCampaignActivitiesInput{ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, Token: aws.String("7")})
	if e := wantBadRequest(t, err); str(e.Message) != `token "7" is not a NextToken this campaign's activities gave.` {
		t.Errorf("bad token: %s", str(e.Message))
	}

	// A paused campaign's activities are paused.
	if _, err := f.c.UpdateCampaign(t.Context(), &pinpoint.UpdateCampaignInput{
		ApplicationId: aws.String(f.app), CampaignId: f.camp.Id, WriteCampaignRequest: &types.WriteCampaignRequest{IsPaused: aws.Bool(true)},
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range activities(t, f, "") {
		if str(a.State) != "PAUSED" {
			t.Errorf("treatment %s of a paused campaign: State %s", str(a.TreatmentId), str(a.State))
		}
	}
}

// analyticsAnswer is the extension's answer, as the console reads it.
type analyticsAnswer struct {
	ApplicationId, CampaignId, StartTime, EndTime string
	Totals                                        analyticsCounts
	Days                                          []analyticsDayAnswer
	Treatments                                    []struct {
		TreatmentId, TreatmentName string
		analyticsCounts
		Days []analyticsDayAnswer
	}
	Comparisons []struct {
		TreatmentId, BaselineTreatmentId string
		Difference, PValue               float64
		Significant                      bool
		Explanation                      string
	}
	Campaigns []struct {
		CampaignId, Name string
		analyticsCounts
	}
}

type analyticsCounts struct {
	Displayed, Clicked, Dismissed, UniqueEndpoints, UniqueClickers int64
	ClickThroughRate                                               float64
}

type analyticsDayAnswer struct {
	Date string
	analyticsCounts
}

func (c analyticsCounts) String() string {
	return fmt.Sprintf("displayed %d clicked %d dismissed %d endpoints %d clickers %d ctr %.4f",
		c.Displayed, c.Clicked, c.Dismissed, c.UniqueEndpoints, c.UniqueClickers, c.ClickThroughRate)
}

func counts(displayed, clicked, dismissed, endpoints, clickers int64) analyticsCounts {
	c := analyticsCounts{displayed, clicked, dismissed, endpoints, clickers, 0}
	if endpoints > 0 {
		c.ClickThroughRate = float64(clickers) / float64(endpoints)
	}
	return c
}

func wantCounts(t *testing.T, what string, got, want analyticsCounts) {
	t.Helper()
	if got.String() != want.String() {
		t.Errorf("%s: %s\n want %s", what, got, want)
	}
}

// getAnalytics calls the extension; query is the raw query string.
func getAnalytics(t *testing.T, f *kpiFixture, query string) (analyticsAnswer, map[string]any) {
	t.Helper()
	r := rawCall(t, f.m, nil, "GET", "/inappd/v1/apps/"+f.app+"/analytics?"+query, nil)
	wantRawStatus(t, r, 200)
	var a analyticsAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatalf("analytics body: %v: %s", err, r.Body)
	}
	return a, r.object(t)
}

func TestAnalyticsExtension(t *testing.T) {
	f := newKPIFixture(t)
	spring := str(f.camp.Id)

	// One campaign, the last 7 days (the default).
	a, raw := getAnalytics(t, f, "campaign-id="+spring)
	if a.ApplicationId != f.app || a.CampaignId != spring {
		t.Errorf("answered for %s/%s", a.ApplicationId, a.CampaignId)
	}
	if _, ok := raw["Campaigns"]; ok {
		t.Errorf("a campaign's analytics list campaigns")
	}
	wantCounts(t, "totals", a.Totals, counts(9, 3, 2, 7, 3))
	if len(a.Days) != 7 || a.Days[6].Date != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("Days: %d, the last %v; want the last 7 days up to today", len(a.Days), a.Days[len(a.Days)-1].Date)
	}
	byDate := map[string]analyticsCounts{}
	for _, d := range a.Days {
		byDate[d.Date] = d.analyticsCounts
	}
	wantCounts(t, "day 0", byDate[f.date(0)], counts(4, 2, 0, 4, 2))
	wantCounts(t, "day 1", byDate[f.date(1)], counts(4, 0, 1, 4, 0))
	wantCounts(t, "day 2", byDate[f.date(2)], counts(1, 1, 1, 1, 1))
	wantCounts(t, "a day without events", a.Days[0].analyticsCounts, counts(0, 0, 0, 0, 0))

	if len(a.Treatments) != 2 {
		t.Fatalf("Treatments: %d, want 2", len(a.Treatments))
	}
	main, bold := a.Treatments[0], a.Treatments[1]
	if main.TreatmentId != "0" || main.TreatmentName != "Plain" || bold.TreatmentId != "1" || bold.TreatmentName != "Bold" {
		t.Errorf("treatments %s %q, %s %q", main.TreatmentId, main.TreatmentName, bold.TreatmentId, bold.TreatmentName)
	}
	wantCounts(t, "main treatment", main.analyticsCounts, counts(5, 2, 1, 4, 2))
	wantCounts(t, "treatment 1", bold.analyticsCounts, counts(4, 1, 1, 3, 1))
	for _, d := range bold.Days {
		switch d.Date {
		case f.date(1):
			wantCounts(t, "treatment 1 on day 1", d.analyticsCounts, counts(3, 0, 0, 3, 0))
		case f.date(2):
			wantCounts(t, "treatment 1 on day 2", d.analyticsCounts, counts(1, 1, 1, 1, 1))
		default:
			wantCounts(t, "treatment 1 on "+d.Date, d.analyticsCounts, counts(0, 0, 0, 0, 0))
		}
	}
	if len(bold.Days) != 7 {
		t.Errorf("treatment 1 has %d days, want 7", len(bold.Days))
	}

	if len(a.Comparisons) != 1 {
		t.Fatalf("Comparisons: %d, want 1", len(a.Comparisons))
	}
	cmp := a.Comparisons[0]
	if cmp.TreatmentId != "1" || cmp.BaselineTreatmentId != "0" || math.Abs(cmp.Difference-(1.0/3-0.5)) > 1e-9 || cmp.Significant {
		t.Errorf("comparison: %+v", cmp)
	}
	// 1 of 3 against 2 of 4: pooled 3/7, z = -0.441, p = 0.659.
	if math.Abs(cmp.PValue-0.659243) > 1e-6 {
		t.Errorf("PValue %f, want 0.659243", cmp.PValue)
	}
	if want := "The click-through rate of Bold (treatment 1) is 16.7 points lower than that of Plain (the main treatment); with 3 and 4 endpoints that is not significant (p = 0.659)."; cmp.Explanation != want {
		t.Errorf("Explanation %q\n want %q", cmp.Explanation, want)
	}

	// The whole app over an explicit range.
	q := "start-time=" + url.QueryEscape(isoTime(f.day[0])) + "&end-time=" + url.QueryEscape(isoTime(f.day[2]))
	a, raw = getAnalytics(t, f, q)
	for _, k := range []string{"CampaignId", "Treatments", "Comparisons"} {
		if _, ok := raw[k]; ok {
			t.Errorf("the app's analytics have %s", k)
		}
	}
	if a.StartTime != f.day[0].Format("2006-01-02T15:04:05.000Z") || a.EndTime != f.day[2].Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("range %s – %s", a.StartTime, a.EndTime)
	}
	wantCounts(t, "app totals", a.Totals, counts(10, 3, 2, 8, 3))
	if len(a.Days) != 3 || a.Days[0].Date != f.date(0) {
		t.Errorf("Days: %v", a.Days)
	}
	if len(a.Campaigns) != 2 || a.Campaigns[0].CampaignId != spring || a.Campaigns[0].Name != "spring" || a.Campaigns[1].Name != "autumn" {
		t.Fatalf("Campaigns: %+v", a.Campaigns)
	}
	wantCounts(t, "campaign spring", a.Campaigns[0].analyticsCounts, counts(9, 3, 2, 7, 3))
	wantCounts(t, "campaign autumn", a.Campaigns[1].analyticsCounts, counts(1, 0, 0, 1, 0))

	// Bad input.
	path := "/inappd/v1/apps/" + f.app + "/analytics?"
	for _, c := range []struct {
		query, shape, msg string
	}{
		{"campaign-id=nope", "NotFoundException", ""},
		{"start-time=soon", "BadRequestException", `start-time: "soon" is not an ISO 8601 date and time (for example 2026-11-20T00:00:00Z).`},
		{"start-time=2026-01-02&end-time=2026-01-01", "BadRequestException", "start-time (2026-01-02T00:00:00.000Z) is after end-time (2026-01-01T00:00:00.000Z): the range must start before it ends."},
		{"start-time=2026-01-01&end-time=2026-04-01", "BadRequestException", "The range from 2026-01-01T00:00:00.000Z to 2026-04-01T00:00:00.000Z covers 91 calendar days; it can cover at most 90 (the first and last day included)."},
	} {
		body := wantRawError(t, rawCall(t, f.m, nil, "GET", path+c.query, nil), c.shape)
		if c.msg != "" && body["Message"] != c.msg {
			t.Errorf("%s: %v\n want %s", c.query, body["Message"], c.msg)
		}
	}
	wantRawError(t, rawCall(t, f.m, nil, "GET", "/inappd/v1/apps/nope/analytics", nil), "NotFoundException")
	wantRawError(t, rawCall(t, f.m, createClientKey(t, f.m, f.app), "GET", path, nil), "ForbiddenException")
	// 90 days long ago is fine here: inappd keeps its rollups.
	a, _ = getAnalytics(t, f, "start-time=2025-01-01&end-time=2025-03-31T23:59:59Z")
	if len(a.Days) != 90 || a.Totals.Displayed != 0 {
		t.Errorf("90 days in 2025: %d days, %d displayed", len(a.Days), a.Totals.Displayed)
	}
}
