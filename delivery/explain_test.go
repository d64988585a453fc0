package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// appSource is an app with many endpoints, their cap counts and test
// sends.
type appSource struct {
	fakeSource
	endpoints map[string]*inapp.Endpoint
	caps      map[string]map[string]inapp.CapCount // endpoint → campaign → count
	sends     []*inapp.TestSend
}

func (a *appSource) GetEndpoint(_ context.Context, _, id string) (*inapp.Endpoint, error) {
	if e := a.endpoints[id]; e != nil {
		return e, nil
	}
	return nil, inapp.Errorf(inapp.ENOTFOUND, "no endpoint %s", id)
}

func (a *appSource) CapCounts(_ context.Context, _, endpointID, _ string) (map[string]inapp.CapCount, error) {
	return a.caps[endpointID], nil
}

// GetEndpointCaps hands decode the endpoint as a stored document, as the
// backends do: GetInAppMessages decodes it keeping only what its segments
// read, Explain (decode nil) gets it whole, and the two must still agree.
func (a *appSource) GetEndpointCaps(ctx context.Context, appID, id string, _ []string, day func(*inapp.Endpoint) string, decode func(string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error) {
	e, err := a.GetEndpoint(ctx, appID, id)
	if err != nil {
		return nil, nil, err
	}
	if decode != nil {
		doc, err := json.Marshal(e)
		if err != nil {
			return nil, nil, err
		}
		if e, err = decode(string(doc)); err != nil {
			return nil, nil, err
		}
	}
	counts, err := a.CapCounts(ctx, appID, id, day(e))
	return e, counts, err
}

func (a *appSource) ListTestSends(_ context.Context, _, campaignID string, now time.Time) ([]*inapp.TestSend, error) {
	var out []*inapp.TestSend
	for _, ts := range a.sends {
		exp, _ := inapp.ParseTime(ts.ExpiresAt)
		if (campaignID == "" || ts.CampaignID == campaignID) && now.Before(exp) {
			out = append(out, ts)
		}
	}
	return out, nil
}

func newTestSend(campaignID, endpointID string, created time.Time) *inapp.TestSend {
	return &inapp.TestSend{ApplicationID: "app", CampaignID: campaignID, EndpointID: endpointID,
		CreationDate: inapp.FormatTime(created), ExpiresAt: inapp.FormatTime(created.Add(inapp.TestSendDuration))}
}

// randomApp makes an app of n campaigns with every kind of check, and
// endpoints that pass and fail them.
func randomApp(rng *rand.Rand, n int) *appSource {
	a := &appSource{endpoints: map[string]*inapp.Endpoint{}, caps: map[string]map[string]inapp.CapCount{}}
	plans := []string{"gold", "silver", "free"}
	for i := range 3 {
		a.segments = append(a.segments, &inapp.Segment{ID: "seg-" + plans[i], Name: plans[i] + " members", ApplicationID: "app", Version: 1, SegmentType: "DIMENSIONAL",
			Dimensions: &inapp.SegmentDimensions{Attributes: map[string]*inapp.AttributeDimension{"plan": {AttributeType: "INCLUSIVE", Values: []string{plans[i]}}}}})
	}
	for i := range n {
		c := campaign(fmt.Sprintf("c%02d", i), rng.IntN(4), "", nil)
		switch rng.IntN(8) {
		case 0:
			c.IsPaused = true
		case 1:
			c.Schedule.StartTime = "2026-12-01T00:00:00Z" // not started
		case 2:
			c.Schedule.EndTime = "2026-11-20T00:00:00Z" // ended
		case 3:
			c.Limits = &inapp.CampaignLimits{Daily: new(1 + rng.IntN(2))}
		case 4:
			c.Limits = &inapp.CampaignLimits{Total: new(1 + rng.IntN(3))}
		case 5:
			c.HoldoutPercent = 30 + rng.IntN(40)
		case 6:
			c.AdditionalTreatments = []*inapp.Treatment{{ID: "1", SizePercent: 40, TreatmentName: "B",
				Schedule: &inapp.Schedule{StartTime: "2026-12-01T00:00:00Z"}}} // treatment B is not live yet
		}
		if rng.IntN(2) == 0 {
			c.SegmentID, c.SegmentVersion = "seg-"+plans[rng.IntN(3)], 0
		}
		if rng.IntN(10) == 0 {
			c.SegmentID = "seg-deleted"
		}
		a.campaigns = append(a.campaigns, c)
	}
	for i := range 12 {
		e := inAppEndpoint(fmt.Sprintf("e%02d", i))
		e.Attributes["plan"] = []string{plans[i%3]}
		// Read by no segment: GetInAppMessages' decoder drops them.
		e.Attributes["favourite"] = []string{"tea", "cake"}
		e.Metrics = map[string]float64{"visits": float64(i)}
		switch i {
		case 10:
			e.OptOut = "ALL"
		case 11:
			e.ChannelType = "EMAIL"
		}
		a.endpoints[e.ID] = e
		counts := map[string]inapp.CapCount{}
		for _, c := range a.campaigns {
			if rng.IntN(3) == 0 {
				counts[c.ID] = inapp.CapCount{Day: rng.IntN(3), Total: rng.IntN(4)}
			}
		}
		a.caps[e.ID] = counts
	}
	return a
}

// checkAgreement holds Explain to InAppMessages for one endpoint.
func checkAgreement(t *testing.T, e *Engine, endpointID string) *Explanation {
	t.Helper()
	ctx := context.Background()
	body, err := e.InAppMessages(ctx, "app", endpointID)
	if err != nil {
		t.Fatal(err)
	}
	delivered := campaignIDs(t, body)
	x, err := e.Explain(ctx, "app", endpointID, "")
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for i, c := range x.Campaigns {
		failed := 0
		var test bool
		for _, r := range c.Reasons {
			if !r.Passed {
				failed++
			}
			test = test || r.Check == CheckTestSend && r.Passed
		}
		if c.Shown {
			shown = append(shown, c.CampaignID)
			if c.Rank != len(shown) || i != len(shown)-1 {
				t.Errorf("%s: %s shown at rank %d, listed %d, want %d", endpointID, c.CampaignID, c.Rank, i+1, len(shown))
			}
			if failed > 0 && !test {
				t.Errorf("%s: %s shown with failed checks: %+v", endpointID, c.CampaignID, c.Reasons)
			}
		} else if failed == 0 || c.Rank != 0 {
			t.Errorf("%s: %s not shown, rank %d, yet no check failed: %+v", endpointID, c.CampaignID, c.Rank, c.Reasons)
		}
	}
	if !slices.Equal(shown, delivered) {
		t.Errorf("%s: Explain shows %v, GetInAppMessages delivers %v", endpointID, shown, delivered)
	}
	if len(x.Campaigns) != len(e.mustSnapshot(t).entries)+len(e.mustSnapshot(t).held) {
		t.Errorf("%s: %d campaigns explained, the app has %d", endpointID, len(x.Campaigns), len(e.mustSnapshot(t).entries)+len(e.mustSnapshot(t).held))
	}
	return x
}

func (e *Engine) mustSnapshot(t *testing.T) *snapshot {
	s, err := e.snapshot(context.Background(), "app")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Explain and InAppMessages agree on random apps, for every endpoint, with
// and without test sends.
func TestExplainAgreesWithInAppMessages(t *testing.T) {
	failed := map[string]int{} // check → how often it failed, to see every kind covered
	tests := 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		a := randomApp(rng, 5+rng.IntN(25))
		if seed%2 == 1 {
			for range 3 {
				c := a.campaigns[rng.IntN(len(a.campaigns))]
				a.sends = append(a.sends, newTestSend(c.ID, fmt.Sprintf("e%02d", rng.IntN(12)), now.Add(-time.Duration(rng.IntN(90))*time.Minute)))
			}
		}
		e := New(a, &inapp.FixedClock{T: now}, nil)
		for id := range a.endpoints {
			for _, c := range checkAgreement(t, e, id).Campaigns {
				for _, r := range c.Reasons {
					if !r.Passed {
						failed[r.Check]++
					}
					if r.Check == CheckTestSend && c.Shown {
						tests++
					}
				}
			}
		}
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	for _, check := range []string{CheckEndpoint, CheckState, CheckSchedule, CheckSegment, CheckTreatment, CheckCaps, CheckPriority} {
		if failed[check] == 0 {
			t.Errorf("no campaign failed the %s check: the random apps miss a case", check)
		}
	}
	if tests == 0 {
		t.Errorf("no test send was shown: the random apps miss a case")
	}
	t.Logf("failed checks %v, test sends shown %d", failed, tests)
}

func reasonOf(t *testing.T, c *CampaignExplanation, check string) Reason {
	t.Helper()
	for _, r := range c.Reasons {
		if r.Check == check {
			return r
		}
	}
	t.Fatalf("%s has no %s reason: %+v", c.CampaignID, check, c.Reasons)
	return Reason{}
}

func explainOne(t *testing.T, e *Engine, endpointID, campaignID string) *CampaignExplanation {
	t.Helper()
	x, err := e.Explain(context.Background(), "app", endpointID, campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Campaigns) != 1 || x.Campaigns[0].CampaignID != campaignID {
		t.Fatalf("Explain(%s) = %+v", campaignID, x.Campaigns)
	}
	return x.Campaigns[0]
}

func wantReason(t *testing.T, c *CampaignExplanation, check string, passed bool, message string) {
	t.Helper()
	r := reasonOf(t, c, check)
	if r.Passed != passed || r.Message != message {
		t.Errorf("%s %s = %v %q\nwant %v %q", c.CampaignID, check, r.Passed, r.Message, passed, message)
	}
}

func TestExplainWords(t *testing.T) {
	three := 3
	a := &appSource{endpoints: map[string]*inapp.Endpoint{}, caps: map[string]map[string]inapp.CapCount{}}
	a.segments = []*inapp.Segment{{ID: "vip", Name: "VIP buyers", ApplicationID: "app", Version: 3, SegmentType: "DIMENSIONAL",
		Dimensions: &inapp.SegmentDimensions{Attributes: map[string]*inapp.AttributeDimension{"plan": {Values: []string{"enterprise"}}}}}}
	paused := campaign("paused", 1, "", nil)
	paused.IsPaused, paused.Name = true, "Paused one"
	later := campaign("later", 1, "", nil)
	later.Schedule.StartTime, later.Schedule.IsLocalTime = "2026-12-01T09:00:00", new(true)
	vip := campaign("vip", 1, "", nil)
	vip.SegmentID = "vip"
	capped := campaign("capped", 1, "", &inapp.CampaignLimits{Daily: &three, Session: new(2)})
	held := campaign("held", 1, "", nil)
	held.HoldoutPercent = 100
	gone := campaign("gone", 1, "", nil)
	gone.SegmentID = "deleted-segment"
	a.campaigns = []*inapp.Campaign{paused, later, vip, capped, held, gone}
	for i := range 12 {
		a.campaigns = append(a.campaigns, campaign(fmt.Sprintf("p%02d", i), 2, "", nil))
	}
	ep := inAppEndpoint("e1")
	ep.Attributes["plan"] = []string{"pro"}
	ep.Demographic.Timezone = "Europe/Paris"
	a.endpoints["e1"] = ep
	a.caps["e1"] = map[string]inapp.CapCount{"capped": {Day: 3, Total: 7}}
	e := New(a, &inapp.FixedClock{T: now}, nil)

	c := explainOne(t, e, "e1", "paused")
	wantReason(t, c, CheckEndpoint, true, "Endpoint is ACTIVE, channel IN_APP and not opted out.")
	wantReason(t, c, CheckState, false, "Campaign is PAUSED.")
	if c.State != "PAUSED" || c.Name != "Paused one" || c.Shown {
		t.Errorf("paused: %+v", c)
	}
	wantReason(t, explainOne(t, e, "e1", "later"), CheckSchedule, false,
		"Schedule: starts 2026-12-01 09:00 in Europe/Paris (endpoint's local time); not live yet.")
	wantReason(t, explainOne(t, e, "e1", "vip"), CheckSegment, false,
		"Segment 'VIP buyers' v3: attribute plan is [pro], rule wants [enterprise] → not a member.")
	wantReason(t, explainOne(t, e, "e1", "capped"), CheckCaps, false,
		"Caps: shown 3 of 3 today (daily cap) → capped. The session cap (2 per session) is counted by the device.")
	c = explainOne(t, e, "e1", "held")
	wantReason(t, c, CheckTreatment, false, "Holdout: this endpoint falls in the 100 % holdout.")
	if c.TreatmentID != "" {
		t.Errorf("held out: TreatmentId %q", c.TreatmentID)
	}
	c = explainOne(t, e, "e1", "gone")
	wantReason(t, c, CheckState, false, "Campaign is DELETED: its segment deleted-segment was deleted; it delivers nothing.")
	if c.State != "DELETED" {
		t.Errorf("gone: state %s", c.State)
	}
	c = explainOne(t, e, "e1", "p00")
	wantReason(t, c, CheckPriority, true, "Priority 2: rank 1 of 12 eligible.")
	wantReason(t, c, CheckTreatment, true, "Treatment: every endpoint gets the main treatment (no holdout, no A/B test).")
	wantReason(t, c, CheckCaps, true, "Caps: no daily or total cap.")
	if !c.Shown || c.Rank != 1 || c.TreatmentID != "0" || c.State != "EXECUTING" {
		t.Errorf("p00: %+v", c)
	}
	c = explainOne(t, e, "e1", "p11")
	wantReason(t, c, CheckPriority, false, "Priority 2: rank 12 of 12 eligible; answers hold at most 10.")
	if c.Shown || c.Rank != 0 {
		t.Errorf("p11: %+v", c)
	}
	checkAgreement(t, e, "e1")

	// A test send shows a paused campaign first.
	a.sends = []*inapp.TestSend{newTestSend("paused", "e1", now.Add(-10*time.Minute))}
	e.Invalidate("app")
	x := checkAgreement(t, e, "e1")
	c = x.Campaigns[0]
	if c.CampaignID != "paused" || !c.Shown || c.Rank != 1 || c.TreatmentID != "0" {
		t.Fatalf("test send: %+v", c)
	}
	wantReason(t, c, CheckTestSend, true, "Test send to this endpoint until 2026-11-21 12:50 UTC: shown first regardless of the checks below.")
	wantReason(t, c, CheckPriority, true, "Test send: place 1 in the answer (test sends come first, whatever the priority).")
	if c.Reasons[0].Check != CheckTestSend {
		t.Errorf("the test send is not the first reason: %+v", c.Reasons)
	}
	if p := explainOne(t, e, "e1", "p09"); p.Shown {
		t.Errorf("p09 still shown with a test send taking a place: %+v", p)
	}

	// Unknown endpoint and campaign.
	if _, err := e.Explain(context.Background(), "app", "nobody", ""); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		t.Errorf("unknown endpoint: %v", err)
	}
	if _, err := e.Explain(context.Background(), "app", "e1", "nothing"); inapp.ErrorCode(err) != inapp.ENOTFOUND || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("unknown campaign: %v", err)
	}
}

// A test send's message: the main treatment, first, Priority 1, no caps,
// ending with the test send; gone once it expires.
func TestTestSendMessage(t *testing.T) {
	one := 1
	a := &appSource{endpoints: map[string]*inapp.Endpoint{"e1": inAppEndpoint("e1")}, caps: map[string]map[string]inapp.CapCount{}}
	c := campaign("capped", 5, "2026-11-20T00:00:00Z", &inapp.CampaignLimits{Daily: &one}) // ended, and capped
	c.Schedule.QuietTime = &inapp.QuietTime{Start: "00:00", End: "23:59"}
	a.campaigns = []*inapp.Campaign{c, campaign("other", 1, "", nil)}
	a.caps["e1"] = map[string]inapp.CapCount{"capped": {Day: 1, Total: 1}}
	clock := &inapp.FixedClock{T: now}
	e := New(a, clock, nil)
	ids := func() []string {
		body, err := e.InAppMessages(context.Background(), "app", "e1")
		if err != nil {
			t.Fatal(err)
		}
		return campaignIDs(t, body)
	}
	if got := fmt.Sprint(ids()); got != "[other]" {
		t.Fatalf("before the test send: %s", got)
	}
	a.sends = []*inapp.TestSend{newTestSend("capped", "e1", now.Add(-time.Minute))}
	e.Invalidate("app")
	body, _ := e.InAppMessages(context.Background(), "app", "e1")
	if got := fmt.Sprint(campaignIDs(t, body)); got != "[capped other]" {
		t.Fatalf("with the test send: %s", got)
	}
	want := `{"CampaignId":"capped","DailyCap":0,"InAppMessage":{"Content":[{"BodyConfig":{"Alignment":"LEFT","Body":"hello capped","TextColor":"#000"}}],"Layout":"TOP_BANNER"},"Priority":1,"Schedule":{"EndDate":"2026-11-21T12:59:00.000Z","EventFilter":{"Dimensions":{"Attributes":{},"Metrics":{}}}},"SessionCap":0,"TotalCap":0,"TreatmentId":"0"}`
	if !strings.Contains(string(body), want) {
		t.Errorf("test message:\n%s\nwant it to hold\n%s", body, want)
	}
	// Expired: gone, without a rebuild.
	clock.T = now.Add(time.Hour)
	if got := fmt.Sprint(ids()); got != "[other]" {
		t.Errorf("after the test send expired: %s", got)
	}
	checkAgreement(t, e, "e1")
}
