package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func TestDeliveryAudience(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "audience")
	gold := createSegment(t, c, app, attrSegment("gold", "plan", "gold"))

	putEndpoint(t, c, app, "gold", inAppEndpoint("u-gold", map[string][]string{"plan": {"gold"}}))
	putEndpoint(t, c, app, "silver", inAppEndpoint("u-silver", map[string][]string{"plan": {"silver"}}))
	putEndpoint(t, c, app, "bare", inAppEndpoint("", nil))
	putEndpoint(t, c, app, "email-gold", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("gold@example.com"), Attributes: map[string][]string{"plan": {"gold"}}})
	putEndpoint(t, c, app, "push-gold", &types.EndpointRequest{ChannelType: types.ChannelTypeGcm, Address: aws.String("token-1"), Attributes: map[string][]string{"plan": {"gold"}}})
	optOut := inAppEndpoint("u-opt", map[string][]string{"plan": {"gold"}})
	optOut.OptOut = aws.String("ALL")
	putEndpoint(t, c, app, "optout-gold", optOut)
	inactive := inAppEndpoint("u-inactive", map[string][]string{"plan": {"gold"}})
	inactive.EndpointStatus = aws.String("INACTIVE")
	putEndpoint(t, c, app, "inactive-gold", inactive)

	toGold := createCampaign(t, c, app, campaignRequest("to-gold", str(gold.Id), 1))
	toAll := createCampaign(t, c, app, campaignRequest("to-all", "", 2))

	for _, tc := range []struct {
		endpoint string
		want     []string
	}{
		{"gold", []string{str(toGold.Id), str(toAll.Id)}},
		{"silver", []string{str(toAll.Id)}},
		{"bare", []string{str(toAll.Id)}},
		{"email-gold", []string{}},
		{"push-gold", []string{}},
		{"optout-gold", []string{}},
		{"inactive-gold", []string{}},
		{"never-registered", []string{}},
	} {
		wantIDs(t, "campaigns for "+tc.endpoint, deliveredIDs(t, c, app, tc.endpoint), tc.want)
	}

	// Opting back in brings the messages back.
	putEndpoint(t, c, app, "optout-gold", &types.EndpointRequest{OptOut: aws.String("NONE")})
	wantIDs(t, "campaigns after opting back in", deliveredIDs(t, c, app, "optout-gold"), []string{str(toGold.Id), str(toAll.Id)})

	_, err := c.GetInAppMessages(t.Context(), &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String("no-such-app"), EndpointId: aws.String("gold")})
	wantNotFound(t, err)
}

func TestDeliveryMessageShape(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "shape")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))

	end := isoTime(time.Now().Add(72 * time.Hour))
	req := campaignRequest("shaped", "", 4)
	req.Limits = &types.CampaignLimits{Daily: aws.Int32(3), Total: aws.Int32(9), Session: aws.Int32(2)}
	req.Schedule.EndTime = aws.String(end)
	req.Schedule.QuietTime = &types.QuietTime{Start: aws.String("21:00"), End: aws.String("08:00")}
	cr := createCampaign(t, c, app, req)

	msgs := inAppMessages(t, c, app, "d1")
	if len(msgs) != 1 {
		t.Fatalf("GetInAppMessages = %s, want one campaign", mustJSON(t, msgs))
	}
	got := msgs[0]
	if str(got.CampaignId) != str(cr.Id) || str(got.TreatmentId) != "0" || i32(got.Priority) != 4 {
		t.Errorf("CampaignId/TreatmentId/Priority = %q/%q/%d, want %q/0/4", str(got.CampaignId), str(got.TreatmentId), i32(got.Priority), str(cr.Id))
	}
	if i32(got.DailyCap) != 3 || i32(got.TotalCap) != 9 || i32(got.SessionCap) != 2 {
		t.Errorf("caps Daily/Total/Session = %d/%d/%d, want 3/9/2", i32(got.DailyCap), i32(got.TotalCap), i32(got.SessionCap))
	}
	if got.InAppMessage == nil {
		t.Fatal("no InAppMessage")
	}
	if got.InAppMessage.Layout != types.LayoutMiddleBanner {
		t.Errorf("Layout = %q", got.InAppMessage.Layout)
	}
	sameJSON(t, "delivered Content", req.MessageConfiguration.InAppMessage.Content, got.InAppMessage.Content)
	sameJSON(t, "delivered CustomConfig", req.MessageConfiguration.InAppMessage.CustomConfig, got.InAppMessage.CustomConfig)
	if got.Schedule == nil {
		t.Fatal("no Schedule")
	}
	if gotEnd, err := time.Parse(time.RFC3339Nano, str(got.Schedule.EndDate)); err != nil || !gotEnd.Equal(mustParse(t, end)) {
		t.Errorf("Schedule.EndDate = %q, want %s", str(got.Schedule.EndDate), end)
	}
	sameJSON(t, "Schedule.QuietTime", req.Schedule.QuietTime, got.Schedule.QuietTime)
	if got.Schedule.EventFilter == nil || got.Schedule.EventFilter.Dimensions == nil || got.Schedule.EventFilter.Dimensions.EventType == nil ||
		!slices.Equal(got.Schedule.EventFilter.Dimensions.EventType.Values, []string{"app_open"}) {
		t.Errorf("Schedule.EventFilter = %s, want EventType [app_open]", mustJSON(t, got.Schedule.EventFilter))
	}

	// The raw wire: what Amplify destructures must be there, with the right
	// JSON types. Amplify sends Content-Type: application/json on this GET.
	path := "/v1/apps/" + app + "/endpoints/d1/inappmessages"
	httpReq := newRawRequest(t, m, "GET", path, nil)
	httpReq.Header.Set("Content-Type", "application/json")
	signAt(t, httpReq, m.RootKey, nil, time.Now())
	r := doRaw(t, httpReq)
	wantRawStatus(t, r, 200)
	checkRawCampaigns(t, r)
	list := r.object(t)["InAppMessageCampaigns"].([]any)
	camp := list[0].(map[string]any)
	for k, want := range map[string]float64{"Priority": 4, "DailyCap": 3, "TotalCap": 9, "SessionCap": 2} {
		if v, ok := camp[k].(float64); !ok || v != want {
			t.Errorf("raw %s = %#v, want the JSON number %v", k, camp[k], want)
		}
	}
	if camp["TreatmentId"] != "0" {
		t.Errorf("raw TreatmentId = %#v, want the string \"0\"", camp["TreatmentId"])
	}

	// Without EndTime, QuietTime or Limits the Dimensions are still there.
	other := createCampaign(t, c, app, campaignRequest("plain", "", 5))
	r = rawCall(t, m, nil, "GET", path, nil)
	wantRawStatus(t, r, 200)
	checkRawCampaigns(t, r)
	p := findMessage(inAppMessages(t, c, app, "d1"), str(other.Id))
	if p == nil {
		t.Fatalf("campaign without EndTime not delivered")
	}
	if i32(p.DailyCap) != 0 || i32(p.TotalCap) != 0 || i32(p.SessionCap) != 0 {
		t.Errorf("caps without Limits = %d/%d/%d, want 0/0/0", i32(p.DailyCap), i32(p.TotalCap), i32(p.SessionCap))
	}

	// A campaign whose Schedule has no EventFilter, if accepted, still
	// carries EventFilter.Dimensions (Amplify reads it without a guard).
	noFilter := campaignRequest("no-filter", "", 6)
	noFilter.Schedule.EventFilter = nil
	if _, err := c.CreateCampaign(t.Context(), &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: noFilter}); err == nil {
		r = rawCall(t, m, nil, "GET", path, nil)
		wantRawStatus(t, r, 200)
		checkRawCampaigns(t, r)
	}
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return tm
}

// checkRawCampaigns checks that every delivered campaign carries
// Schedule.EventFilter.Dimensions with Attributes {} and Metrics {} objects.
func checkRawCampaigns(t *testing.T, r rawResponse) {
	t.Helper()
	body := r.object(t)
	list, ok := body["InAppMessageCampaigns"].([]any)
	if !ok {
		t.Fatalf("no InAppMessageCampaigns list in %s", r.Body)
	}
	if len(list) == 0 {
		t.Fatalf("InAppMessageCampaigns is empty")
	}
	for _, it := range list {
		camp := it.(map[string]any)
		sched, _ := camp["Schedule"].(map[string]any)
		filter, _ := sched["EventFilter"].(map[string]any)
		dims, ok := filter["Dimensions"].(map[string]any)
		if !ok {
			t.Errorf("campaign %v has no Schedule.EventFilter.Dimensions: %s", camp["CampaignId"], mustJSON(t, camp))
			continue
		}
		for _, k := range []string{"Attributes", "Metrics"} {
			if _, ok := dims[k].(map[string]any); !ok {
				t.Errorf("campaign %v: Dimensions.%s = %#v, want a JSON object ({} when empty)", camp["CampaignId"], k, dims[k])
			}
		}
		if _, ok := camp["InAppMessage"].(map[string]any); !ok {
			t.Errorf("campaign %v has no InAppMessage", camp["CampaignId"])
		}
	}
}

func TestDeliveryTemplateCampaign(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "templated")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))

	v1 := templateRequest("tpl-v1", "tpl-v1-b")
	createTemplate(t, c, "promo", v1)
	mk := func(name, version string, prio int32) *types.CampaignResponse {
		req := campaignRequest(name, "", prio)
		req.MessageConfiguration = nil
		req.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("promo")}}
		if version != "" {
			req.TemplateConfiguration.InAppTemplate.Version = aws.String(version)
		}
		return createCampaign(t, c, app, req)
	}
	follows := mk("follows-active", "", 1)
	pinned := mk("pinned-v1", "1", 2)

	msgs := inAppMessages(t, c, app, "d1")
	wantIDs(t, "delivered", campaignIDs(msgs), []string{str(follows.Id), str(pinned.Id)})
	for _, msg := range msgs {
		if msg.InAppMessage == nil || msg.InAppMessage.Layout != v1.Layout {
			t.Errorf("template campaign message = %s, want Layout %s", mustJSON(t, msg.InAppMessage), v1.Layout)
			continue
		}
		sameJSON(t, "template Content", v1.Content, msg.InAppMessage.Content)
		sameJSON(t, "template CustomConfig", v1.CustomConfig, msg.InAppMessage.CustomConfig)
	}

	// A new version is not active yet.
	if _, err := c.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("promo"), CreateNewVersion: aws.Bool(true), InAppTemplateRequest: templateRequest("tpl-v2")}); err != nil {
		t.Fatalf("UpdateInAppTemplate: %v", err)
	}
	for _, msg := range inAppMessages(t, c, app, "d1") {
		if h := firstHeader(msg); h != "tpl-v1" {
			t.Errorf("campaign %s shows %q before activation, want tpl-v1", str(msg.CampaignId), h)
		}
	}

	// Activating it changes the campaign that follows the active version,
	// on the next call; the pinned one stays on version 1.
	if _, err := c.UpdateTemplateActiveVersion(ctx, &pinpoint.UpdateTemplateActiveVersionInput{TemplateName: aws.String("promo"), TemplateType: aws.String("INAPP"), TemplateActiveVersionRequest: &types.TemplateActiveVersionRequest{Version: aws.String("2")}}); err != nil {
		t.Fatalf("UpdateTemplateActiveVersion: %v", err)
	}
	msgs = inAppMessages(t, c, app, "d1")
	if m := findMessage(msgs, str(follows.Id)); m == nil || firstHeader(*m) != "tpl-v2" || len(m.InAppMessage.Content) != 1 {
		t.Errorf("campaign following the active version after activation: %s, want tpl-v2", mustJSON(t, m))
	}
	if m := findMessage(msgs, str(pinned.Id)); m == nil || firstHeader(*m) != "tpl-v1" {
		t.Errorf("campaign pinned to version 1 after activation: %s, want tpl-v1", mustJSON(t, m))
	}

	// Overwriting the active version shows at once too.
	if _, err := c.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("promo"), Version: aws.String("2"), InAppTemplateRequest: templateRequest("tpl-v2-edited")}); err != nil {
		t.Fatalf("UpdateInAppTemplate version 2: %v", err)
	}
	if m := findMessage(inAppMessages(t, c, app, "d1"), str(follows.Id)); m == nil || firstHeader(*m) != "tpl-v2-edited" {
		t.Errorf("campaign after editing the active version: %s, want tpl-v2-edited", mustJSON(t, m))
	}
}

func TestDeliverySchedule(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "schedule")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	now := time.Now()

	window := func(name string, start, end string, prio int32) *types.CampaignResponse {
		req := campaignRequest(name, "", prio)
		req.Schedule.StartTime = aws.String(start)
		if end != "" {
			req.Schedule.EndTime = aws.String(end)
		}
		return createCampaign(t, c, app, req)
	}
	live := window("live", isoTime(now.Add(-time.Hour)), isoTime(now.Add(time.Hour)), 1)
	immediate := window("immediate", "IMMEDIATE", isoTime(now.Add(time.Hour)), 2)
	openEnded := window("open-ended", isoTime(now.Add(-time.Hour)), "", 3)
	future := window("future", isoTime(now.Add(time.Hour)), isoTime(now.Add(2*time.Hour)), 4)
	past := window("past", isoTime(now.Add(-3*time.Hour)), isoTime(now.Add(-time.Hour)), 5)
	paused := campaignRequest("paused", "", 6)
	paused.IsPaused = aws.Bool(true)
	pausedC := createCampaign(t, c, app, paused)

	wantIDs(t, "delivered", deliveredIDs(t, c, app, "d1"), []string{str(live.Id), str(immediate.Id), str(openEnded.Id)})

	if s := campaignStatus(getCampaign(t, c, app, str(future.Id))); s != types.CampaignStatusScheduled {
		t.Errorf("future campaign State = %q, want SCHEDULED", s)
	}
	if s := campaignStatus(getCampaign(t, c, app, str(past.Id))); s != types.CampaignStatusCompleted {
		t.Errorf("ended campaign State = %q, want COMPLETED", s)
	}
	if s := campaignStatus(getCampaign(t, c, app, str(pausedC.Id))); s != types.CampaignStatusPaused {
		t.Errorf("paused campaign State = %q, want PAUSED", s)
	}

	// A campaign that ends in a moment stops being delivered once it ends.
	now = time.Now()
	soon := window("ends-soon", "IMMEDIATE", now.Add(1500*time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z"), 7)
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), str(soon.Id)) {
		t.Errorf("campaign ending in 1.5s is not delivered before its end")
	}
	time.Sleep(time.Until(now.Add(1600 * time.Millisecond)))
	if slices.Contains(deliveredIDs(t, c, app, "d1"), str(soon.Id)) {
		t.Errorf("campaign is still delivered after its EndTime")
	}
}

func TestDeliveryPriority(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "priority")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	now := time.Now()

	mk := func(name string, prio int32, end time.Duration) string {
		req := campaignRequest(name, "", prio)
		req.Schedule.EndTime = aws.String(isoTime(now.Add(end)))
		return str(createCampaign(t, c, app, req).Id)
	}
	noPrio := mk("none", 0, 1*time.Hour)
	a3 := mk("p3", 3, 10*time.Hour)
	b1 := mk("p1", 1, 10*time.Hour)
	c2late := mk("p2-late", 2, 48*time.Hour)
	d2early := mk("p2-early", 2, 24*time.Hour)

	// Lower first; ties by earlier EndTime; 0 (no priority) last.
	wantIDs(t, "delivery order", deliveredIDs(t, c, app, "d1"), []string{b1, d2early, c2late, a3, noPrio})
}

func TestDeliveryAtMostTen(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "ten")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))

	var want []string
	// Created in reverse priority order, so that creation order is not
	// what puts the best ten first.
	byPrio := map[int32]string{}
	for prio := int32(12); prio >= 1; prio-- {
		byPrio[prio] = str(createCampaign(t, c, app, campaignRequest(fmt.Sprintf("p%02d", prio), "", prio)).Id)
	}
	for prio := int32(1); prio <= 10; prio++ {
		want = append(want, byPrio[prio])
	}
	wantIDs(t, "the ten best of twelve", deliveredIDs(t, c, app, "d1"), want)
}

func TestDeliveryCapsEchoed(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "caps")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))

	own := campaignRequest("own-limits", "", 1)
	own.Limits = &types.CampaignLimits{Daily: aws.Int32(4), Total: aws.Int32(8), Session: aws.Int32(2)}
	ownC := createCampaign(t, c, app, own)
	noLimits := createCampaign(t, c, app, campaignRequest("no-limits", "", 2))
	partial := campaignRequest("partial-limits", "", 3)
	partial.Limits = &types.CampaignLimits{Daily: aws.Int32(6)}
	partialC := createCampaign(t, c, app, partial)

	caps := func(id string) [3]int32 {
		t.Helper()
		msg := findMessage(inAppMessages(t, c, app, "d1"), id)
		if msg == nil {
			t.Fatalf("campaign %s not delivered", id)
		}
		return [3]int32{i32(msg.DailyCap), i32(msg.TotalCap), i32(msg.SessionCap)}
	}
	if got := caps(str(ownC.Id)); got != [3]int32{4, 8, 2} {
		t.Errorf("caps of a campaign with Limits = %v, want [4 8 2]", got)
	}
	if got := caps(str(noLimits.Id)); got != [3]int32{0, 0, 0} {
		t.Errorf("caps with no Limits anywhere = %v, want [0 0 0]", got)
	}

	// App defaults fill what the campaign leaves at 0 or absent.
	if _, err := c.UpdateApplicationSettings(ctx, &pinpoint.UpdateApplicationSettingsInput{ApplicationId: aws.String(app), WriteApplicationSettingsRequest: &types.WriteApplicationSettingsRequest{
		Limits: &types.CampaignLimits{Daily: aws.Int32(5), Total: aws.Int32(20), Session: aws.Int32(3)},
	}}); err != nil {
		t.Fatalf("UpdateApplicationSettings: %v", err)
	}
	if got := caps(str(noLimits.Id)); got != [3]int32{5, 20, 3} {
		t.Errorf("caps from the app defaults = %v, want [5 20 3]", got)
	}
	if got := caps(str(partialC.Id)); got != [3]int32{6, 20, 3} {
		t.Errorf("caps of a campaign with only Daily = %v, want [6 20 3]", got)
	}
	if got := caps(str(ownC.Id)); got != [3]int32{4, 8, 2} {
		t.Errorf("caps of a campaign with its own Limits = %v, want [4 8 2]", got)
	}
}

func TestDeliveryServerCaps(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "server-caps")
	now := time.Now()
	yesterday := now.Add(-24 * time.Hour)

	t.Run("daily", func(t *testing.T) {
		putEndpoint(t, c, app, "daily", inAppEndpoint("u-daily", nil))
		req := campaignRequest("daily", "", 1)
		req.Limits = &types.CampaignLimits{Daily: aws.Int32(2)}
		id := str(createCampaign(t, c, app, req).Id)
		other := str(createCampaign(t, c, app, campaignRequest("uncapped-daily", "", 2)).Id)
		// Displays yesterday do not count today.
		displayed(t, c, app, "daily", id, "y1", yesterday)
		displayed(t, c, app, "daily", id, "y2", yesterday)
		displayed(t, c, app, "daily", id, "y3", yesterday)
		wantIDs(t, "after 3 displays yesterday", deliveredIDs(t, c, app, "daily"), []string{id, other})
		displayed(t, c, app, "daily", id, "t1", now)
		wantIDs(t, "after 1 display today", deliveredIDs(t, c, app, "daily"), []string{id, other})
		displayed(t, c, app, "daily", id, "t2", now)
		wantIDs(t, "after 2 displays today", deliveredIDs(t, c, app, "daily"), []string{other})
		// Other endpoints are not capped by this one's displays.
		putEndpoint(t, c, app, "daily-2", inAppEndpoint("u-daily-2", nil))
		wantIDs(t, "another endpoint", deliveredIDs(t, c, app, "daily-2"), []string{id, other})
	})

	t.Run("total", func(t *testing.T) {
		putEndpoint(t, c, app, "total", inAppEndpoint("u-total", nil))
		req := campaignRequest("total", "", 1)
		req.Limits = &types.CampaignLimits{Total: aws.Int32(3)}
		id := str(createCampaign(t, c, app, req).Id)
		for i, day := range []int{3, 2} {
			displayed(t, c, app, "total", id, fmt.Sprintf("d%d", i), now.Add(-time.Duration(day)*24*time.Hour))
		}
		if !slices.Contains(deliveredIDs(t, c, app, "total"), id) {
			t.Errorf("campaign capped after 2 of 3 displays")
		}
		displayed(t, c, app, "total", id, "d-last", yesterday)
		if slices.Contains(deliveredIDs(t, c, app, "total"), id) {
			t.Errorf("campaign still delivered after 3 displays on 3 days with Total 3")
		}
	})

	t.Run("once", func(t *testing.T) {
		putEndpoint(t, c, app, "once", inAppEndpoint("u-once", nil))
		req := campaignRequest("once", "", 1)
		req.Schedule.Frequency = types.FrequencyOnce
		id := str(createCampaign(t, c, app, req).Id)
		if !slices.Contains(deliveredIDs(t, c, app, "once"), id) {
			t.Fatalf("Frequency ONCE campaign not delivered before any display")
		}
		// Other campaigns' displays do not count.
		displayed(t, c, app, "once", "some-other-campaign", "o1", now)
		if !slices.Contains(deliveredIDs(t, c, app, "once"), id) {
			t.Errorf("Frequency ONCE campaign capped by another campaign's display")
		}
		displayed(t, c, app, "once", id, "o2", now)
		if slices.Contains(deliveredIDs(t, c, app, "once"), id) {
			t.Errorf("Frequency ONCE campaign still delivered after one display")
		}
	})

	t.Run("app default", func(t *testing.T) {
		app := createApp(t, c, "defaults")
		if _, err := c.UpdateApplicationSettings(t.Context(), &pinpoint.UpdateApplicationSettingsInput{ApplicationId: aws.String(app), WriteApplicationSettingsRequest: &types.WriteApplicationSettingsRequest{
			Limits: &types.CampaignLimits{Daily: aws.Int32(1)},
		}}); err != nil {
			t.Fatalf("UpdateApplicationSettings: %v", err)
		}
		putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
		id := str(createCampaign(t, c, app, campaignRequest("default-capped", "", 1)).Id)
		wantIDs(t, "before a display", deliveredIDs(t, c, app, "d1"), []string{id})
		displayed(t, c, app, "d1", id, "e1", now)
		wantIDs(t, "after one display with an app Daily of 1", deliveredIDs(t, c, app, "d1"), []string{})
	})

	t.Run("other events do not count", func(t *testing.T) {
		putEndpoint(t, c, app, "clicks", inAppEndpoint("u-clicks", nil))
		req := campaignRequest("clicked", "", 1)
		req.Limits = &types.CampaignLimits{Total: aws.Int32(1)}
		id := str(createCampaign(t, c, app, req).Id)
		for i, typ := range []string{"_inapp.message_clicked", "_inapp.message_dismissed", "_session.start", "app_open"} {
			ev := displayedEvent(id, now)
			ev.EventType = aws.String(typ)
			res := putEvents(t, c, app, map[string]types.EventsBatch{"clicks": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{fmt.Sprint("ev", i): ev}}})
			wantEventStatus(t, res, "clicks", fmt.Sprint("ev", i), 202)
		}
		if !slices.Contains(deliveredIDs(t, c, app, "clicks"), id) {
			t.Errorf("campaign capped by events other than _inapp.message_displayed")
		}
	})
}

func TestDeliveryTreatments(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "treatments")

	req := campaignRequest("main", "", 1)
	req.AdditionalTreatments = []types.WriteTreatmentResource{
		{SizePercent: aws.Int32(30), TreatmentName: aws.String("B"), MessageConfiguration: inAppMessageConfig("treatment-1")},
		{SizePercent: aws.Int32(30), TreatmentName: aws.String("C"), MessageConfiguration: inAppMessageConfig("treatment-2")},
	}
	id := str(createCampaign(t, c, app, req).Id)

	wantHeader := map[string]string{"0": "main", "1": "treatment-1", "2": "treatment-2"}
	counts := map[string]int{}
	endpoints := ids("ep", 60)
	for _, ep := range endpoints {
		putEndpoint(t, c, app, ep, inAppEndpoint("", nil))
	}
	first := map[string]string{}
	for _, ep := range endpoints {
		msgs := inAppMessages(t, c, app, ep)
		if len(msgs) != 1 || str(msgs[0].CampaignId) != id {
			t.Fatalf("endpoint %s got %s, want the campaign", ep, mustJSON(t, campaignIDs(msgs)))
		}
		tid := str(msgs[0].TreatmentId)
		want, ok := wantHeader[tid]
		if !ok {
			t.Fatalf("endpoint %s got TreatmentId %q, want 0, 1 or 2", ep, tid)
		}
		if h := firstHeader(msgs[0]); h != want {
			t.Errorf("endpoint %s treatment %s shows %q, want %q", ep, tid, h, want)
		}
		first[ep] = tid
		counts[tid]++
	}
	// Stable: the same endpoint gets the same treatment every time.
	for _, ep := range endpoints {
		for range 2 {
			if tid := str(inAppMessages(t, c, app, ep)[0].TreatmentId); tid != first[ep] {
				t.Errorf("endpoint %s got treatment %s, then %s", ep, first[ep], tid)
			}
		}
	}
	// 40/30/30 over 60 endpoints: each treatment is used.
	for tid := range wantHeader {
		if counts[tid] == 0 {
			t.Errorf("no endpoint of 60 got treatment %s (counts %v)", tid, counts)
		}
	}

	// HoldoutPercent 100: nobody gets the campaign.
	hold := campaignRequest("held-out", "", 2)
	hold.HoldoutPercent = aws.Int32(100)
	held := str(createCampaign(t, c, app, hold).Id)
	for _, ep := range endpoints[:20] {
		if slices.Contains(deliveredIDs(t, c, app, ep), held) {
			t.Errorf("endpoint %s got a campaign with HoldoutPercent 100", ep)
		}
	}
	// HoldoutPercent 50: some are held out, some are not, stably.
	half := campaignRequest("half", "", 3)
	half.HoldoutPercent = aws.Int32(50)
	halfID := str(createCampaign(t, c, app, half).Id)
	got := 0
	for _, ep := range endpoints {
		in := slices.Contains(deliveredIDs(t, c, app, ep), halfID)
		if in != slices.Contains(deliveredIDs(t, c, app, ep), halfID) {
			t.Errorf("endpoint %s is in and out of the 50%% holdout", ep)
		}
		if in {
			got++
		}
	}
	if got == 0 || got == len(endpoints) {
		t.Errorf("%d of %d endpoints got a campaign with HoldoutPercent 50", got, len(endpoints))
	}
}

func TestDeliverySeesAdminWrites(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "fresh")
	seg := createSegment(t, c, app, attrSegment("gold", "plan", "gold"))
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", map[string][]string{"plan": {"gold"}}))

	wantIDs(t, "before any campaign", deliveredIDs(t, c, app, "d1"), []string{})

	req := campaignRequest("live", str(seg.Id), 1)
	id := str(createCampaign(t, c, app, req).Id)
	wantIDs(t, "after CreateCampaign", deliveredIDs(t, c, app, "d1"), []string{id})

	update := func(what string, req *types.WriteCampaignRequest) {
		t.Helper()
		if _, err := c.UpdateCampaign(ctx, &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id), WriteCampaignRequest: req}); err != nil {
			t.Fatalf("UpdateCampaign %s: %v", what, err)
		}
	}
	req.MessageConfiguration = inAppMessageConfig("edited")
	update("content", req)
	if msgs := inAppMessages(t, c, app, "d1"); len(msgs) != 1 || firstHeader(msgs[0]) != "edited" {
		t.Errorf("after editing the message: %s, want header edited", mustJSON(t, msgs))
	}

	req.IsPaused = aws.Bool(true)
	update("pause", req)
	wantIDs(t, "after pausing", deliveredIDs(t, c, app, "d1"), []string{})
	req.IsPaused = aws.Bool(false)
	update("resume", req)
	wantIDs(t, "after resuming", deliveredIDs(t, c, app, "d1"), []string{id})

	// The endpoint changes so that it leaves the segment, then joins again.
	putEndpoint(t, c, app, "d1", &types.EndpointRequest{Attributes: map[string][]string{"plan": {"silver"}}})
	wantIDs(t, "after the endpoint left the segment", deliveredIDs(t, c, app, "d1"), []string{})
	putEndpoint(t, c, app, "d1", &types.EndpointRequest{Attributes: map[string][]string{"plan": {"gold"}}})
	wantIDs(t, "after the endpoint joined the segment again", deliveredIDs(t, c, app, "d1"), []string{id})

	// Priority changes reorder at once.
	other := str(createCampaign(t, c, app, campaignRequest("other", "", 2)).Id)
	wantIDs(t, "two campaigns", deliveredIDs(t, c, app, "d1"), []string{id, other})
	req.Priority = aws.Int32(3)
	update("priority", req)
	wantIDs(t, "after lowering the priority", deliveredIDs(t, c, app, "d1"), []string{other, id})

	if _, err := c.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteCampaign: %v", err)
	}
	wantIDs(t, "after DeleteCampaign", deliveredIDs(t, c, app, "d1"), []string{other})

	// Deleting the endpoint: nothing for it any more.
	if _, err := c.DeleteEndpoint(ctx, &pinpoint.DeleteEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")}); err != nil {
		t.Fatalf("DeleteEndpoint: %v", err)
	}
	wantIDs(t, "after DeleteEndpoint", deliveredIDs(t, c, app, "d1"), []string{})
}

// TestDeliveryFollowsSegmentUpdates: an UpdateSegment is visible to the
// next GetInAppMessages of a campaign on that segment (the brief's "admin
// writes visible on the next call"; README: "A campaign follows the current
// version of its segment").
func TestDeliveryFollowsSegmentUpdates(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "segment-updates")
	seg := createSegment(t, c, app, attrSegment("plans", "plan", "gold"))
	putEndpoint(t, c, app, "gold", inAppEndpoint("", map[string][]string{"plan": {"gold"}}))
	putEndpoint(t, c, app, "platinum", inAppEndpoint("", map[string][]string{"plan": {"platinum"}}))
	id := str(createCampaign(t, c, app, campaignRequest("on-plans", str(seg.Id), 1)).Id)
	wantIDs(t, "gold before the segment update", deliveredIDs(t, c, app, "gold"), []string{id})
	wantIDs(t, "platinum before the segment update", deliveredIDs(t, c, app, "platinum"), []string{})

	if _, err := c.UpdateSegment(t.Context(), &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id, WriteSegmentRequest: attrSegment("plans", "plan", "platinum")}); err != nil {
		t.Fatalf("UpdateSegment: %v", err)
	}
	wantIDs(t, "gold after the segment update", deliveredIDs(t, c, app, "gold"), []string{})
	wantIDs(t, "platinum after the segment update", deliveredIDs(t, c, app, "platinum"), []string{id})
}

// TestDeliverySegmentRules evaluates each kind of segment dimension
// through GetInAppMessages: a campaign on the segment reaches exactly the
// endpoints the rule describes.
func TestDeliverySegmentRules(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "rules")

	putEndpoint(t, c, app, "e1", &types.EndpointRequest{
		ChannelType: types.ChannelTypeInApp,
		Attributes:  map[string][]string{"plan": {"gold"}, "tags": {"summer-sale"}, "signup": {"2025-03-01T10:00:00Z"}},
		Metrics:     map[string]float64{"score": 20},
		Demographic: &types.EndpointDemographic{Platform: aws.String("ios"), AppVersion: aws.String("2.0"), Make: aws.String("apple"), Model: aws.String("iPhone")},
		Location:    &types.EndpointLocation{Country: aws.String("US"), Latitude: aws.Float64(47.6), Longitude: aws.Float64(-122.3)},
		User:        &types.EndpointUser{UserId: aws.String("u1"), UserAttributes: map[string][]string{"tier": {"vip"}}},
	})
	putEndpoint(t, c, app, "e2", &types.EndpointRequest{
		ChannelType: types.ChannelTypeInApp,
		Attributes:  map[string][]string{"plan": {"silver"}, "tags": {"winter"}, "signup": {"2023-01-01T00:00:00Z"}},
		Metrics:     map[string]float64{"score": 5},
		Demographic: &types.EndpointDemographic{Platform: aws.String("android"), AppVersion: aws.String("1.0"), Make: aws.String("samsung"), Model: aws.String("Galaxy")},
		Location:    &types.EndpointLocation{Country: aws.String("FR"), Latitude: aws.Float64(48.9), Longitude: aws.Float64(2.4)},
		User:        &types.EndpointUser{UserId: aws.String("u2"), UserAttributes: map[string][]string{"tier": {"basic"}}},
	})
	gold := createSegment(t, c, app, attrSegment("gold", "plan", "gold"))

	attr := func(typ types.AttributeType, key string, values ...string) *types.SegmentDimensions {
		return &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{key: {AttributeType: typ, Values: values}}}
	}
	set := func(typ types.DimensionType, values ...string) *types.SetDimension {
		return &types.SetDimension{DimensionType: typ, Values: values}
	}
	metric := func(op string, v float64) *types.SegmentDimensions {
		return &types.SegmentDimensions{Metrics: map[string]types.MetricDimension{"score": {ComparisonOperator: aws.String(op), Value: aws.Float64(v)}}}
	}
	platform := func(typ types.DimensionType, v string) types.SegmentDimensions {
		return types.SegmentDimensions{Demographic: &types.SegmentDemographics{Platform: set(typ, v)}}
	}
	group := func(include types.Include, typ types.Type, sources []types.SegmentReference, dims ...types.SegmentDimensions) *types.WriteSegmentRequest {
		return &types.WriteSegmentRequest{Name: aws.String("group"), SegmentGroups: &types.SegmentGroupList{Include: include, Groups: []types.SegmentGroup{{Type: typ, SourceType: types.SourceTypeAny, SourceSegments: sources, Dimensions: dims}}}}
	}
	goldRef := []types.SegmentReference{{Id: gold.Id}}

	cases := []struct {
		name string
		req  *types.WriteSegmentRequest
		want []string
	}{
		{"INCLUSIVE", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeInclusive, "plan", "gold", "platinum")}, []string{"e1"}},
		{"EXCLUSIVE", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeExclusive, "plan", "gold")}, []string{"e2"}},
		{"CONTAINS", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeContains, "tags", "sale")}, []string{"e1"}},
		{"BEFORE", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeBefore, "signup", "2024-01-01T00:00:00Z")}, []string{"e2"}},
		{"AFTER", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeAfter, "signup", "2024-01-01T00:00:00Z")}, []string{"e1"}},
		{"ON (ignores the time of day)", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeOn, "signup", "2025-03-01T00:00:00Z")}, []string{"e1"}},
		{"BETWEEN", &types.WriteSegmentRequest{Dimensions: attr(types.AttributeTypeBetween, "signup", "2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z")}, []string{"e1"}},
		{"user INCLUSIVE", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{UserAttributes: map[string]types.AttributeDimension{"tier": {AttributeType: types.AttributeTypeInclusive, Values: []string{"vip"}}}}}, []string{"e1"}},
		{"user EXCLUSIVE", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{UserAttributes: map[string]types.AttributeDimension{"tier": {AttributeType: types.AttributeTypeExclusive, Values: []string{"vip"}}}}}, []string{"e2"}},
		{"metric GREATER_THAN", &types.WriteSegmentRequest{Dimensions: metric("GREATER_THAN", 10)}, []string{"e1"}},
		{"metric LESS_THAN_OR_EQUAL", &types.WriteSegmentRequest{Dimensions: metric("LESS_THAN_OR_EQUAL", 5)}, []string{"e2"}},
		{"metric EQUAL", &types.WriteSegmentRequest{Dimensions: metric("EQUAL", 20)}, []string{"e1"}},
		{"Platform INCLUSIVE", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Platform: set(types.DimensionTypeInclusive, "ios")}}}, []string{"e1"}},
		{"Platform EXCLUSIVE", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Platform: set(types.DimensionTypeExclusive, "ios")}}}, []string{"e2"}},
		{"AppVersion", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{AppVersion: set(types.DimensionTypeInclusive, "1.0")}}}, []string{"e2"}},
		{"Make and Model", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Make: set(types.DimensionTypeInclusive, "apple"), Model: set(types.DimensionTypeInclusive, "iPhone")}}}, []string{"e1"}},
		{"Channel IN_APP", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Channel: set(types.DimensionTypeInclusive, "IN_APP")}}}, []string{"e1", "e2"}},
		{"Country", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Location: &types.SegmentLocation{Country: set(types.DimensionTypeInclusive, "FR")}}}, []string{"e2"}},
		{"GPSPoint", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{Location: &types.SegmentLocation{GPSPoint: &types.GPSPointDimension{
			Coordinates: &types.GPSCoordinates{Latitude: aws.Float64(47.5), Longitude: aws.Float64(-122.2)}, RangeInKilometers: aws.Float64(100)}}}}, []string{"e1"}},
		{"all of several dimensions", &types.WriteSegmentRequest{Dimensions: &types.SegmentDimensions{
			Attributes:  map[string]types.AttributeDimension{"plan": {AttributeType: types.AttributeTypeInclusive, Values: []string{"gold", "silver"}}},
			Demographic: &types.SegmentDemographics{Platform: set(types.DimensionTypeInclusive, "android")},
		}}, []string{"e2"}},
		{"group ALL: source and dimension", group(types.IncludeAll, types.TypeAll, goldRef, platform(types.DimensionTypeInclusive, "ios")), []string{"e1"}},
		{"group ALL: source and a dimension it fails", group(types.IncludeAll, types.TypeAll, goldRef, platform(types.DimensionTypeInclusive, "android")), []string{}},
		{"group ANY of two dimensions", group(types.IncludeAll, types.TypeAny, nil, platform(types.DimensionTypeInclusive, "ios"), types.SegmentDimensions{Location: &types.SegmentLocation{Country: set(types.DimensionTypeInclusive, "FR")}}), []string{"e1", "e2"}},
		{"group NONE of a dimension", group(types.IncludeAll, types.TypeNone, nil, platform(types.DimensionTypeInclusive, "ios")), []string{"e2"}},
		{"group source only", group(types.IncludeAll, types.TypeAll, goldRef), []string{"e1"}},
	}
	for _, tc := range cases {
		if tc.req.Name == nil {
			tc.req.Name = aws.String(tc.name)
		}
		seg := createSegment(t, c, app, tc.req)
		id := str(createCampaign(t, c, app, campaignRequest(tc.name, str(seg.Id), 1)).Id)
		var got []string
		for _, ep := range []string{"e1", "e2"} {
			if slices.Contains(deliveredIDs(t, c, app, ep), id) {
				got = append(got, ep)
			}
		}
		if got == nil {
			got = []string{}
		}
		wantIDs(t, "members of segment "+tc.name, got, tc.want)
		if _, err := c.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)}); err != nil {
			t.Fatalf("DeleteCampaign: %v", err)
		}
	}
}

// TestDeliveryDailyCapLocalDay: the day of a daily cap is the endpoint's
// local day (Demographic.Timezone), taken from the event's timestamp.
func TestDeliveryDailyCapLocalDay(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "local-day")

	for _, zone := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatalf("load %s: %v", zone, err)
		}
		now := time.Now()
		ln, un := now.In(loc), now.UTC()
		localMidnight := time.Date(ln.Year(), ln.Month(), ln.Day(), 0, 0, 0, 0, loc)
		utcMidnight := time.Date(un.Year(), un.Month(), un.Day(), 0, 0, 0, 0, time.UTC)
		// An event between the two midnights is "today" for one calendar
		// and "yesterday" for the other.
		var at time.Time
		var countsToday bool
		switch {
		case localMidnight.Before(utcMidnight):
			at, countsToday = localMidnight.Add(utcMidnight.Sub(localMidnight)/2), true
		case utcMidnight.Before(localMidnight):
			at, countsToday = utcMidnight.Add(localMidnight.Sub(utcMidnight)/2), false
		default:
			continue
		}
		ep := "ep-" + zone
		putEndpoint(t, c, app, ep, &types.EndpointRequest{ChannelType: types.ChannelTypeInApp, Demographic: &types.EndpointDemographic{Timezone: aws.String(zone)}})
		req := campaignRequest("daily-"+zone, "", 1)
		req.Limits = &types.CampaignLimits{Daily: aws.Int32(1)}
		id := str(createCampaign(t, c, app, req).Id)
		displayed(t, c, app, ep, id, "e1", at)
		capped := !slices.Contains(deliveredIDs(t, c, app, ep), id)
		if capped != countsToday {
			t.Errorf("%s: display at %s (local %s, now local %s): capped = %v, want %v",
				zone, at.UTC().Format(time.RFC3339), at.In(loc).Format(time.RFC3339), now.In(loc).Format(time.RFC3339), capped, countsToday)
		}
	}
}

// TestDeliveryLocalTime: with IsLocalTime, StartTime is a wall-clock time in
// the endpoint's time zone, else in the campaign's Timezone, else UTC.
func TestDeliveryLocalTime(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "local-time")

	zoned := func(id, zone string) {
		req := &types.EndpointRequest{ChannelType: types.ChannelTypeInApp}
		if zone != "" {
			req.Demographic = &types.EndpointDemographic{Timezone: aws.String(zone)}
		}
		putEndpoint(t, c, app, id, req)
	}
	zoned("ahead", "Pacific/Kiritimati") // UTC+14
	zoned("behind", "Pacific/Pago_Pago") // UTC-11
	zoned("unknown", "")

	// Starts at UTC now + 3h as a wall-clock time: already started where
	// it is UTC+14, not yet where it is UTC-11 or UTC.
	start := isoTime(time.Now().UTC().Add(3 * time.Hour))
	req := campaignRequest("local", "", 1)
	req.Schedule.StartTime = aws.String(start)
	req.Schedule.IsLocalTime = aws.Bool(true)
	id := str(createCampaign(t, c, app, req).Id)

	// The same with the campaign's Timezone UTC+05 for endpoints without one.
	req2 := campaignRequest("local-tz", "", 2)
	req2.Schedule.StartTime = aws.String(start)
	req2.Schedule.IsLocalTime = aws.Bool(true)
	req2.Schedule.Timezone = aws.String("UTC+05")
	id2 := str(createCampaign(t, c, app, req2).Id)

	wantIDs(t, "UTC+14 endpoint", deliveredIDs(t, c, app, "ahead"), []string{id, id2})
	wantIDs(t, "UTC-11 endpoint", deliveredIDs(t, c, app, "behind"), []string{})
	wantIDs(t, "endpoint without a time zone", deliveredIDs(t, c, app, "unknown"), []string{id2})
}

func TestDeliveryTreatmentContent(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "treatment-content")
	createTemplate(t, c, "variant", templateRequest("from-template"))

	// Treatment 1 takes everyone (100%); its message comes from a template.
	req := campaignRequest("main", "", 1)
	req.AdditionalTreatments = []types.WriteTreatmentResource{{
		SizePercent:           aws.Int32(100),
		TemplateConfiguration: &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("variant")}},
	}}
	id := str(createCampaign(t, c, app, req).Id)
	for _, ep := range ids("ep", 5) {
		putEndpoint(t, c, app, ep, inAppEndpoint("", nil))
		msgs := inAppMessages(t, c, app, ep)
		if len(msgs) != 1 || str(msgs[0].CampaignId) != id {
			t.Fatalf("%s got %v", ep, campaignIDs(msgs))
		}
		if str(msgs[0].TreatmentId) != "1" || firstHeader(msgs[0]) != "from-template" || msgs[0].InAppMessage.Layout != types.LayoutCarousel {
			t.Errorf("%s got treatment %q with %q (%s), want treatment 1 from the template", ep, str(msgs[0].TreatmentId), firstHeader(msgs[0]), msgs[0].InAppMessage.Layout)
		}
	}
}

func TestDeliveryEventFilterEcho(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "filters")
	putEndpoint(t, c, app, "d1", inAppEndpoint("", nil))

	filter := &types.CampaignEventFilter{
		FilterType: types.FilterTypeEndpoint,
		Dimensions: &types.EventDimensions{
			EventType:  &types.SetDimension{DimensionType: types.DimensionTypeInclusive, Values: []string{"purchase", "checkout"}},
			Attributes: map[string]types.AttributeDimension{"plan": {AttributeType: types.AttributeTypeInclusive, Values: []string{"gold"}}},
			Metrics:    map[string]types.MetricDimension{"price": {ComparisonOperator: aws.String("GREATER_THAN_OR_EQUAL"), Value: aws.Float64(9.99)}},
		},
	}
	req := campaignRequest("filtered", "", 1)
	req.Schedule.EventFilter = filter
	createCampaign(t, c, app, req)
	msgs := inAppMessages(t, c, app, "d1")
	if len(msgs) != 1 || msgs[0].Schedule == nil || msgs[0].Schedule.EventFilter == nil {
		t.Fatalf("GetInAppMessages = %s", mustJSON(t, msgs))
	}
	sameJSON(t, "delivered EventFilter.Dimensions", filter.Dimensions, msgs[0].Schedule.EventFilter.Dimensions)
}

func TestDeliveryTemplateDeleted(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "template-gone")
	putEndpoint(t, c, app, "d1", inAppEndpoint("", nil))
	createTemplate(t, c, "short-lived", templateRequest("soon gone"))
	req := campaignRequest("uses-template", "", 1)
	req.MessageConfiguration = nil
	req.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("short-lived")}}
	id := str(createCampaign(t, c, app, req).Id)
	inline := str(createCampaign(t, c, app, campaignRequest("inline", "", 2)).Id)
	wantIDs(t, "before", deliveredIDs(t, c, app, "d1"), []string{id, inline})

	if _, err := c.DeleteInAppTemplate(t.Context(), &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String("short-lived")}); err != nil {
		// Refusing to delete a template in use is a defensible choice.
		wantBadRequest(t, err)
		return
	}
	// Otherwise the campaign must not be delivered without content.
	for _, msg := range inAppMessages(t, c, app, "d1") {
		if msg.InAppMessage == nil || len(msg.InAppMessage.Content) == 0 {
			t.Errorf("campaign %s delivered without content after its template was deleted", str(msg.CampaignId))
		}
	}
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), inline) {
		t.Errorf("the inline campaign is gone too")
	}
}
