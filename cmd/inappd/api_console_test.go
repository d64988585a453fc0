package main

// The console's Endpoints page extensions (pinpointapi/console.go):
// explain, an endpoint's events, test sends. Explain is held to what
// GetInAppMessages (through aws-sdk-go-v2) delivers at the same moment.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/targeting"
)

// The answer shapes, as the console reads them.
type explainAnswer struct {
	ApplicationId string
	EndpointId    string
	EvaluatedAt   string
	Campaigns     []campaignExplanation
}

type campaignExplanation struct {
	CampaignId, Name, State string
	Shown                   bool
	Rank                    int
	TreatmentId             string
	Reasons                 []struct {
		Check   string
		Passed  bool
		Message string
	}
}

func (c campaignExplanation) reason(t *testing.T, check string) (bool, string) {
	t.Helper()
	for _, r := range c.Reasons {
		if r.Check == check {
			return r.Passed, r.Message
		}
	}
	t.Fatalf("campaign %s (%s) has no %q reason: %+v", c.Name, c.CampaignId, check, c.Reasons)
	return false, ""
}

// wantReason checks one reason: passed, and that its message contains want.
func (c campaignExplanation) wantReason(t *testing.T, check string, passed bool, want string) {
	t.Helper()
	ok, msg := c.reason(t, check)
	if ok != passed || !strings.Contains(msg, want) {
		t.Errorf("%s: %s reason = %v %q, want %v and a message containing %q", c.Name, check, ok, msg, passed, want)
	}
}

func explainPath(app, endpoint string) string {
	return "/inappd/v1/apps/" + app + "/endpoints/" + url.PathEscape(endpoint) + "/explain"
}

func explain(t *testing.T, m *Main, app, endpoint, campaign string) explainAnswer {
	t.Helper()
	path := explainPath(app, endpoint)
	if campaign != "" {
		path += "?campaign-id=" + url.QueryEscape(campaign)
	}
	r := rawCall(t, m, nil, "GET", path, nil)
	wantRawStatus(t, r, 200)
	var x explainAnswer
	if err := json.Unmarshal(r.Body, &x); err != nil {
		t.Fatalf("explain answer: %v: %s", err, r.Body)
	}
	if x.ApplicationId != app || x.EndpointId != endpoint {
		t.Errorf("explain answer is for %s/%s, want %s/%s", x.ApplicationId, x.EndpointId, app, endpoint)
	}
	wantISOTime(t, "EvaluatedAt", x.EvaluatedAt)
	return x
}

// byName finds a campaign of an explanation by its Name.
func (x explainAnswer) byName(t *testing.T, name string) campaignExplanation {
	t.Helper()
	for _, c := range x.Campaigns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("explanation of %s has no campaign %q", x.EndpointId, name)
	return campaignExplanation{}
}

// agree holds the explanation of an endpoint to GetInAppMessages: the
// shown campaigns come first, in the answer's order, with their ranks and
// treatments, every other campaign has a failed check, and every campaign
// of the app is there. It returns the explanation.
func agree(t *testing.T, m *Main, app, endpoint string, campaigns int) explainAnswer {
	t.Helper()
	msgs := inAppMessages(t, client(m, nil), app, endpoint)
	x := explain(t, m, app, endpoint, "")
	if len(x.Campaigns) != campaigns {
		t.Errorf("%s: %d campaigns explained, the app has %d", endpoint, len(x.Campaigns), campaigns)
	}
	var shown []string
	for i, c := range x.Campaigns {
		failed, test := false, false
		for _, r := range c.Reasons {
			failed = failed || !r.Passed
			test = test || r.Check == "test-send" && r.Passed
		}
		if !c.Shown {
			if c.Rank != 0 || !failed {
				t.Errorf("%s: %s not shown, but rank %d and no failed check: %+v", endpoint, c.Name, c.Rank, c.Reasons)
			}
			continue
		}
		shown = append(shown, c.CampaignId)
		if c.Rank != i+1 || i >= len(msgs) {
			t.Errorf("%s: %s shown at rank %d, listed %d of %d delivered", endpoint, c.Name, c.Rank, i+1, len(msgs))
			continue
		}
		if c.TreatmentId != str(msgs[i].TreatmentId) {
			t.Errorf("%s: %s TreatmentId %q, delivered %q", endpoint, c.Name, c.TreatmentId, str(msgs[i].TreatmentId))
		}
		if failed && !test {
			t.Errorf("%s: %s shown with a failed check: %+v", endpoint, c.Name, c.Reasons)
		}
	}
	wantIDs(t, "campaigns Explain shows for "+endpoint, shown, campaignIDs(msgs))
	return x
}

func TestConsoleExplain(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "explain")
	device := client(m, createClientKey(t, m, app))

	vip := createSegment(t, c, app, attrSegment("VIP buyers", "plan", "enterprise"))
	putEndpoint(t, c, app, "ep-vip", inAppEndpoint("u-vip", map[string][]string{"plan": {"enterprise"}}))
	paris := inAppEndpoint("u-pro", map[string][]string{"plan": {"pro"}})
	paris.Demographic = &types.EndpointDemographic{Timezone: aws.String("Europe/Paris")}
	putEndpoint(t, c, app, "ep-pro", paris)
	putEndpoint(t, c, app, "ep-capped", inAppEndpoint("u-capped", map[string][]string{"plan": {"pro"}}))
	optOut := inAppEndpoint("u-out", map[string][]string{"plan": {"enterprise"}})
	optOut.OptOut = aws.String("ALL")
	putEndpoint(t, c, app, "ep-optout", optOut)
	putEndpoint(t, c, app, "ep-email", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("a@example.com")})

	campaigns := 0
	create := func(req *types.WriteCampaignRequest) string {
		campaigns++
		return str(createCampaign(t, c, app, req).Id)
	}
	create(campaignRequest("vip-only", str(vip.Id), 1))
	capped := campaignRequest("daily-capped", "", 1)
	capped.Limits = &types.CampaignLimits{Daily: aws.Int32(1)}
	cappedID := create(capped)
	paused := campaignRequest("paused", "", 1)
	paused.IsPaused = aws.Bool(true)
	create(paused)
	later := campaignRequest("later", "", 1)
	start := time.Now().UTC().AddDate(0, 0, 10).Truncate(time.Hour)
	later.Schedule.StartTime = aws.String(start.Format("2006-01-02T15:04:05"))
	later.Schedule.IsLocalTime = aws.Bool(true)
	create(later)
	held := campaignRequest("held-out", "", 2)
	held.HoldoutPercent = aws.Int32(100)
	create(held)
	half := campaignRequest("half-held", "", 2)
	half.HoldoutPercent = aws.Int32(50)
	halfID := create(half)
	for i := range 11 {
		create(campaignRequest(fmt.Sprintf("bulk-%02d", i), "", 3))
	}

	// ep-capped was shown daily-capped once today: at its daily cap.
	displayed(t, device, app, "ep-capped", cappedID, "shown-1", time.Now())

	endpoints := []string{"ep-vip", "ep-pro", "ep-capped", "ep-optout", "ep-email"}
	xs := map[string]explainAnswer{}
	for _, ep := range endpoints {
		xs[ep] = agree(t, m, app, ep, campaigns)
	}

	// In and out of the segment.
	xs["ep-vip"].byName(t, "vip-only").wantReason(t, "segment", true, "Segment 'VIP buyers' v1: attribute plan is [enterprise], rule wants [enterprise] → member.")
	// Priority 1 ties with daily-capped: the campaign IDs decide.
	if c := xs["ep-vip"].byName(t, "vip-only"); !c.Shown || c.Rank < 1 || c.Rank > 2 || c.State != "EXECUTING" || c.TreatmentId != "0" {
		t.Errorf("vip-only for ep-vip: %+v", c)
	}
	pro := xs["ep-pro"].byName(t, "vip-only")
	pro.wantReason(t, "segment", false, "Segment 'VIP buyers' v1: attribute plan is [pro], rule wants [enterprise] → not a member.")
	if pro.Shown || pro.Rank != 0 {
		t.Errorf("vip-only for ep-pro: %+v", pro)
	}
	// Caps.
	xs["ep-capped"].byName(t, "daily-capped").wantReason(t, "caps", false, "Caps: shown 1 of 1 today (daily cap) → capped.")
	xs["ep-pro"].byName(t, "daily-capped").wantReason(t, "caps", true, "Caps: shown 0 of 1 today (daily cap) → under the caps.")
	// Paused.
	p := xs["ep-pro"].byName(t, "paused")
	p.wantReason(t, "state", false, "Campaign is PAUSED.")
	if p.State != "PAUSED" {
		t.Errorf("paused campaign's State = %s", p.State)
	}
	// Not started, in the endpoint's local time.
	l := xs["ep-pro"].byName(t, "later")
	l.wantReason(t, "schedule", false, "Schedule: starts "+start.Format("2006-01-02 15:04")+" in Europe/Paris (endpoint's local time); not live yet.")
	xs["ep-vip"].byName(t, "later").wantReason(t, "schedule", false, " UTC (the endpoint reports no time zone); not live yet.")
	// Held out.
	h := xs["ep-pro"].byName(t, "held-out")
	h.wantReason(t, "treatment", false, "Holdout: this endpoint falls in the 100 % holdout.")
	if h.TreatmentId != "" {
		t.Errorf("held-out: TreatmentId %q, want \"\"", h.TreatmentId)
	}
	for _, ep := range endpoints {
		_, out := targeting.Assign(halfID, ep, 50, []int{50})
		hh := xs[ep].byName(t, "half-held")
		if ok, _ := hh.reason(t, "treatment"); ok == out {
			t.Errorf("%s: half-held treatment check passed=%v, but the endpoint is in the holdout: %v", ep, ok, out)
		}
	}
	// Rank beyond 10: ep-capped has 11 eligible campaigns (half-held may add one).
	last := xs["ep-capped"].Campaigns[10]
	if last.Shown || !strings.HasPrefix(last.Name, "bulk-") {
		t.Errorf("ep-capped's 11th campaign: %+v", last)
	}
	last.wantReason(t, "priority", false, "Priority 3: rank 11 of ")
	last.wantReason(t, "priority", false, "eligible; answers hold at most 10.")
	xs["ep-capped"].Campaigns[9].wantReason(t, "priority", true, "Priority 3: rank 10 of ")
	// The endpoint check.
	for _, ep := range []string{"ep-optout", "ep-email"} {
		for _, c := range xs[ep].Campaigns {
			if c.Shown {
				t.Errorf("%s is shown %s", ep, c.Name)
			}
		}
	}
	xs["ep-optout"].Campaigns[0].wantReason(t, "endpoint", false, "Endpoint cannot receive in-app messages: it opted out (OptOut ALL).")
	xs["ep-email"].Campaigns[0].wantReason(t, "endpoint", false, "its channel is EMAIL (only IN_APP endpoints receive in-app messages)")
	xs["ep-vip"].Campaigns[0].wantReason(t, "endpoint", true, "Endpoint is ACTIVE, channel IN_APP and not opted out.")
	// Every check is there, in order.
	var checks []string
	for _, r := range xs["ep-vip"].Campaigns[0].Reasons {
		checks = append(checks, r.Check)
	}
	wantIDs(t, "checks of a campaign", checks, []string{"endpoint", "state", "schedule", "segment", "treatment", "caps", "priority"})

	// The same campaigns after a cap is reached: explain follows.
	displayed(t, device, app, "ep-pro", cappedID, "shown-2", time.Now())
	agree(t, m, app, "ep-pro", campaigns)

	// One campaign.
	one := explain(t, m, app, "ep-capped", cappedID)
	if len(one.Campaigns) != 1 || one.Campaigns[0].CampaignId != cappedID {
		t.Errorf("explain ?campaign-id: %+v", one.Campaigns)
	}

	// Bad input.
	wantRawError(t, rawCall(t, m, nil, "GET", explainPath(app, "nobody"), nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "GET", explainPath(app, "ep-vip")+"?campaign-id=nothing", nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "GET", explainPath("no-such-app", "ep-vip"), nil), "NotFoundException")
	key := createClientKey(t, m, app)
	wantRawError(t, rawCall(t, m, key, "GET", explainPath(app, "ep-vip"), nil), "ForbiddenException")
}

func eventsPath(app, endpoint string) string {
	return "/inappd/v1/apps/" + app + "/endpoints/" + url.PathEscape(endpoint) + "/events"
}

type eventsAnswer struct {
	Events []struct {
		EventId, EventType, Timestamp string
		Attributes                    map[string]string
		Metrics                       map[string]float64
		Session                       *struct{ Id, StartTimestamp string }
	}
}

func listEvents(t *testing.T, m *Main, app, endpoint, query string) eventsAnswer {
	t.Helper()
	r := rawCall(t, m, nil, "GET", eventsPath(app, endpoint)+query, nil)
	wantRawStatus(t, r, 200)
	var a eventsAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil || a.Events == nil {
		t.Fatalf("events answer (%v): %s", err, r.Body)
	}
	return a
}

func TestConsoleEvents(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "events")
	key := createClientKey(t, m, app)
	device := client(m, key)
	putEndpoint(t, c, app, "ep-1", inAppEndpoint("u1", nil))

	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	events := map[string]types.Event{
		"e-old": {EventType: aws.String("app_open"), Timestamp: aws.String(isoTime(base))},
		"e-new": {EventType: aws.String("purchase"), Timestamp: aws.String(isoTime(base.Add(2 * time.Minute))),
			Attributes: map[string]string{"sku": "TR-200"}, Metrics: map[string]float64{"price": 129.5},
			Session: &types.Session{Id: aws.String("s-1"), StartTimestamp: aws.String(isoTime(base))}},
		"e-mid": displayedEvent("camp-1", base.Add(time.Minute)),
	}
	res := putEvents(t, device, app, map[string]types.EventsBatch{"ep-1": {Endpoint: &types.PublicEndpoint{}, Events: events}})
	for id := range events {
		wantEventStatus(t, res, "ep-1", id, 202)
	}

	all := listEvents(t, m, app, "ep-1", "")
	var got []string
	for _, e := range all.Events {
		got = append(got, e.EventId)
	}
	wantIDs(t, "events, newest first", got, []string{"e-new", "e-mid", "e-old"})
	newest := all.Events[0]
	if newest.EventType != "purchase" || newest.Attributes["sku"] != "TR-200" || newest.Metrics["price"] != 129.5 ||
		newest.Session == nil || newest.Session.Id != "s-1" {
		t.Errorf("newest event: %+v", newest)
	}
	wantISOTime(t, "Timestamp", newest.Timestamp)
	if old := all.Events[2]; old.Attributes == nil || old.Metrics == nil || old.Session != nil {
		t.Errorf("an event without attributes, metrics or session: %+v (want {} and {}, no session)", old)
	}
	if mid := all.Events[1]; mid.EventType != "_inapp.message_displayed" || mid.Attributes["campaign_id"] != "camp-1" {
		t.Errorf("displayed event: %+v", mid)
	}
	two := listEvents(t, m, app, "ep-1", "?limit=2")
	if len(two.Events) != 2 || two.Events[0].EventId != "e-new" {
		t.Errorf("limit=2: %+v", two.Events)
	}
	if n := len(listEvents(t, m, app, "ep-1", "?limit=500").Events); n != 3 {
		t.Errorf("limit=500: %d events", n)
	}
	if n := len(listEvents(t, m, app, "nobody", "").Events); n != 0 {
		t.Errorf("an endpoint without events: %d events", n)
	}

	for _, bad := range []string{"0", "501", "-1", "ten", ""} {
		body := wantRawError(t, rawCall(t, m, nil, "GET", eventsPath(app, "ep-1")+"?limit="+bad, nil), "BadRequestException")
		if msg, _ := body["Message"].(string); !strings.Contains(msg, "limit") {
			t.Errorf("limit=%s: message %q does not name limit", bad, msg)
		}
	}
	wantRawError(t, rawCall(t, m, nil, "GET", eventsPath("no-such-app", "ep-1"), nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, key, "GET", eventsPath(app, "ep-1"), nil), "ForbiddenException")
}

func testSendsPath(app, campaign string) string {
	return "/inappd/v1/apps/" + app + "/campaigns/" + campaign + "/test-sends"
}

type testSendAnswer struct {
	ApplicationId, CampaignId, EndpointId, ExpiresAt string
}

func TestConsoleTestSend(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "test-sends")
	key := createClientKey(t, m, app)
	device := client(m, key) // what the marketer's phone uses

	vip := createSegment(t, c, app, attrSegment("VIP buyers", "plan", "enterprise"))
	putEndpoint(t, c, app, "phone", inAppEndpoint("marketer", map[string][]string{"plan": {"pro"}}))
	putEndpoint(t, c, app, "other", inAppEndpoint("someone", map[string][]string{"plan": {"pro"}}))
	putEndpoint(t, c, app, "mailbox", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("m@example.com")})

	req := campaignRequest("winter-sale", str(vip.Id), 5)
	req.IsPaused = aws.Bool(true)
	req.Limits = &types.CampaignLimits{Daily: aws.Int32(1), Total: aws.Int32(1)}
	preview := str(createCampaign(t, c, app, req).Id)
	everyone := str(createCampaign(t, c, app, campaignRequest("everyone", "", 1)).Id)
	wantIDs(t, "before the test send", deliveredIDs(t, device, app, "phone"), []string{everyone})

	before := time.Now()
	r := rawJSON(t, m, nil, "POST", testSendsPath(app, preview), map[string]string{"EndpointId": "phone"})
	wantRawStatus(t, r, 201)
	var ts testSendAnswer
	if err := json.Unmarshal(r.Body, &ts); err != nil {
		t.Fatalf("test send answer: %v: %s", err, r.Body)
	}
	if ts.ApplicationId != app || ts.CampaignId != preview || ts.EndpointId != "phone" {
		t.Errorf("test send answer: %s", r.Body)
	}
	expires, err := time.Parse(time.RFC3339Nano, ts.ExpiresAt)
	if err != nil || expires.Before(before.Add(time.Hour-time.Second)) || expires.After(time.Now().Add(time.Hour+time.Second)) {
		t.Errorf("ExpiresAt %q is not an hour from now (%v)", ts.ExpiresAt, err)
	}

	// The paused, out-of-segment campaign now comes first, in its main
	// treatment, made to win on the device.
	msgs := inAppMessages(t, device, app, "phone")
	wantIDs(t, "with the test send", campaignIDs(msgs), []string{preview, everyone})
	first := msgs[0]
	if firstHeader(first) != "winter-sale" || str(first.TreatmentId) != "0" || i32(first.Priority) != 1 ||
		i32(first.DailyCap) != 0 || i32(first.TotalCap) != 0 || first.Schedule == nil || str(first.Schedule.EndDate) != ts.ExpiresAt {
		t.Errorf("test message: %s", mustJSON(t, first))
	}
	wantIDs(t, "another endpoint", deliveredIDs(t, device, app, "other"), []string{everyone})
	x := agree(t, m, app, "phone", 2)
	x.Campaigns[0].wantReason(t, "test-send", true, "Test send to this endpoint until "+expires.UTC().Format("2006-01-02 15:04")+" UTC: shown first regardless of the checks below.")
	x.Campaigns[0].wantReason(t, "state", false, "Campaign is PAUSED.")
	x.Campaigns[0].wantReason(t, "segment", false, "rule wants [enterprise] → not a member.")

	// Caps do not stop it either.
	displayed(t, device, app, "phone", preview, "seen-1", time.Now())
	wantIDs(t, "with the test send, capped", deliveredIDs(t, device, app, "phone"), []string{preview, everyone})

	list := func() []testSendAnswer {
		t.Helper()
		r := rawCall(t, m, nil, "GET", testSendsPath(app, preview), nil)
		wantRawStatus(t, r, 200)
		var a struct{ Item []testSendAnswer }
		if err := json.Unmarshal(r.Body, &a); err != nil || a.Item == nil {
			t.Fatalf("test sends listing (%v): %s", err, r.Body)
		}
		return a.Item
	}
	if items := list(); len(items) != 1 || items[0] != ts {
		t.Errorf("test sends = %+v, want [%+v]", items, ts)
	}

	r = rawCall(t, m, nil, "DELETE", testSendsPath(app, preview)+"/phone", nil)
	wantRawStatus(t, r, 204)
	wantIDs(t, "after ending the test send", deliveredIDs(t, device, app, "phone"), []string{everyone})
	if items := list(); len(items) != 0 {
		t.Errorf("test sends after DELETE = %+v", items)
	}
	wantRawError(t, rawCall(t, m, nil, "DELETE", testSendsPath(app, preview)+"/phone", nil), "NotFoundException")

	// Deleting the campaign ends its test sends.
	wantRawStatus(t, rawJSON(t, m, nil, "POST", testSendsPath(app, everyone), map[string]string{"EndpointId": "other"}), 201)
	if _, err := c.DeleteCampaign(t.Context(), &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(everyone)}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "after deleting the test-sent campaign", deliveredIDs(t, device, app, "other"), []string{})

	// Bad input.
	path := testSendsPath(app, preview)
	for name, body := range map[string]string{"no EndpointId": `{}`, "empty EndpointId": `{"EndpointId":""}`, "not JSON": `{"EndpointId":`, "wrong type": `{"EndpointId":7}`} {
		t.Run(name, func(t *testing.T) {
			wantRawError(t, rawCall(t, m, nil, "POST", path, []byte(body)), "BadRequestException")
		})
	}
	body := wantRawError(t, rawJSON(t, m, nil, "POST", path, map[string]string{"EndpointId": "mailbox"}), "BadRequestException")
	if msg, _ := body["Message"].(string); !strings.Contains(msg, "IN_APP") {
		t.Errorf("test send to an EMAIL endpoint: %q", msg)
	}
	wantRawError(t, rawJSON(t, m, nil, "POST", path, map[string]string{"EndpointId": "nobody"}), "NotFoundException")
	wantRawError(t, rawJSON(t, m, nil, "POST", testSendsPath(app, "no-such-campaign"), map[string]string{"EndpointId": "phone"}), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "GET", testSendsPath(app, "no-such-campaign"), nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "DELETE", testSendsPath(app, "no-such-campaign")+"/phone", nil), "NotFoundException")
	wantRawError(t, rawJSON(t, m, nil, "POST", testSendsPath("no-such-app", preview), map[string]string{"EndpointId": "phone"}), "NotFoundException")
	wantRawError(t, rawJSON(t, m, key, "POST", path, map[string]string{"EndpointId": "phone"}), "ForbiddenException")
	wantRawError(t, rawCall(t, m, key, "GET", path, nil), "ForbiddenException")
	wantRawError(t, rawCall(t, m, key, "DELETE", path+"/phone", nil), "ForbiddenException")
	if items := list(); len(items) != 0 {
		t.Errorf("refused requests made test sends: %+v", items)
	}
}

// On PostgreSQL a test send made through one node reaches GetInAppMessages
// on another within a second (the change feed), and so does its end.
func TestConsoleTestSendAcrossNodes(t *testing.T) {
	t.Parallel()
	dsn := pgtest.NewDatabase(t) // skips (fails under INAPPD_TEST_STRICT=1) without PostgreSQL
	a, b := startPostgresNode(t, dsn), startPostgresNode(t, dsn)
	ca, cb := client(a, nil), client(b, nil)
	app := createApp(t, ca, "nodes")
	putEndpoint(t, ca, app, "phone", inAppEndpoint("marketer", nil))
	req := campaignRequest("preview", "", 1)
	req.IsPaused = aws.Bool(true)
	preview := str(createCampaign(t, ca, app, req).Id)
	wantIDs(t, "node b before", deliveredIDs(t, cb, app, "phone"), []string{})

	wantRawStatus(t, rawJSON(t, a, nil, "POST", testSendsPath(app, preview), map[string]string{"EndpointId": "phone"}), 201)
	within(t, "node b delivers the test send", time.Second, func() bool {
		return slices.Equal(deliveredIDs(t, cb, app, "phone"), []string{preview})
	})
	wantRawStatus(t, rawCall(t, a, nil, "DELETE", testSendsPath(app, preview)+"/phone", nil), 204)
	within(t, "node b drops the test send", time.Second, func() bool {
		return len(deliveredIDs(t, cb, app, "phone")) == 0
	})
}

// within polls ok until it holds, failing after limit.
func within(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
