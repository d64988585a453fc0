package pinpointapi

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	inapp "github.com/inappd/inappd"
)

// The console's analytics page (an inappd extension):
//
//	GET /inappd/v1/apps/{application-id}/analytics?campaign-id=&start-time=&end-time=
//
// one answer with everything the page draws: totals, every day of the
// range, and per treatment (a campaign) with significance tests against
// the main treatment, or per campaign (the whole app). Like the KPI
// operations it reads only the rollups.

// The extension's range: the last 7 days by default, at most 90 days, and
// (unlike Pinpoint's KPIs) no limit on how long ago: inappd keeps rollups.
var analyticsRange = rangeRules{defaultDays: 7, maxDays: 90}

// significanceLevel is the p-value under which a difference is called
// significant.
const significanceLevel = 0.05

// analyticsCounters are the figures of the page, for any slice of the
// data. ClickThroughRate is UniqueClickers / UniqueEndpoints (endpoints
// the message was displayed to), a fraction, at most 1.
type analyticsCounters struct {
	Displayed        int64   `json:"Displayed"`
	Clicked          int64   `json:"Clicked"`
	Dismissed        int64   `json:"Dismissed"`
	UniqueEndpoints  int64   `json:"UniqueEndpoints"`
	UniqueClickers   int64   `json:"UniqueClickers"`
	ClickThroughRate float64 `json:"ClickThroughRate"`
}

type analyticsDay struct {
	Date string `json:"Date"`
	analyticsCounters
}

type analyticsTreatment struct {
	TreatmentID   string `json:"TreatmentId"`
	TreatmentName string `json:"TreatmentName"`
	analyticsCounters
	Days []*analyticsDay `json:"Days"`
}

type analyticsComparison struct {
	TreatmentID         string  `json:"TreatmentId"`
	BaselineTreatmentID string  `json:"BaselineTreatmentId"`
	Difference          float64 `json:"Difference"` // click-through rate minus the baseline's
	PValue              float64 `json:"PValue"`
	Significant         bool    `json:"Significant"`
	Explanation         string  `json:"Explanation"`
}

type analyticsCampaign struct {
	CampaignID string `json:"CampaignId"`
	Name       string `json:"Name"`
	analyticsCounters
}

// analyticsResponse: Treatments and Comparisons only for a campaign,
// Campaigns only for the whole app (omitzero leaves the other out, and
// keeps an empty list that applies).
type analyticsResponse struct {
	ApplicationID string                 `json:"ApplicationId"`
	CampaignID    string                 `json:"CampaignId,omitempty"`
	StartTime     string                 `json:"StartTime"`
	EndTime       string                 `json:"EndTime"`
	Totals        analyticsCounters      `json:"Totals"`
	Days          []*analyticsDay        `json:"Days"`
	Treatments    []*analyticsTreatment  `json:"Treatments,omitzero"`
	Comparisons   []*analyticsComparison `json:"Comparisons,omitzero"`
	Campaigns     []*analyticsCampaign   `json:"Campaigns,omitzero"`
}

// add counts a rollup's events into c.
func (c *analyticsCounters) add(r *inapp.Rollup) {
	switch r.EventType {
	case inapp.EventDisplayed:
		c.Displayed += r.Count
	case inapp.EventClicked:
		c.Clicked += r.Count
	case inapp.EventDismissed:
		c.Dismissed += r.Count
	}
}

// setUniques sets the unique counts and the rate that follows from them.
func (c *analyticsCounters) setUniques(endpoints, clickers int64) {
	c.UniqueEndpoints, c.UniqueClickers = endpoints, clickers
	c.ClickThroughRate = clickThroughRate(clickers, endpoints)
}

// clickThroughRate is clickers / endpoints, 0 without endpoints and at
// most 1 (a click in the range on a message displayed before it).
func clickThroughRate(clickers, endpoints int64) float64 {
	if endpoints <= 0 {
		return 0
	}
	return min(1, float64(clickers)/float64(endpoints))
}

func (s *Server) getAnalytics(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	var camp *inapp.Campaign
	if id := c.r.URL.Query().Get("campaign-id"); id != "" {
		if camp, err = s.Store.GetCampaign(ctx, appID, id, 0); err != nil {
			return err
		}
	}
	rng, err := s.timeRange(c, analyticsRange)
	if err != nil {
		return err
	}
	campaignID := ""
	if camp != nil {
		campaignID = camp.ID
	}
	rollups, err := s.Store.Rollups(ctx, appID, campaignID, rng.from(), rng.to())
	if err != nil {
		return err
	}
	// uniques counts displays and clicks the same way.
	uniques := func(by inapp.UniqueGrouping) (shown, clicked map[string]int64, err error) {
		q := inapp.UniqueQuery{AppID: appID, CampaignID: campaignID, EventType: inapp.EventDisplayed, From: rng.from(), To: rng.to(), By: by}
		if shown, err = s.Store.UniqueEndpoints(ctx, q); err != nil {
			return nil, nil, err
		}
		q.EventType = inapp.EventClicked
		clicked, err = s.Store.UniqueEndpoints(ctx, q)
		return shown, clicked, err
	}

	resp := &analyticsResponse{
		ApplicationID: appID, CampaignID: campaignID,
		StartTime: inapp.FormatTime(rng.start), EndTime: inapp.FormatTime(rng.end),
	}
	days := map[string]*analyticsDay{}
	for _, d := range rng.days {
		day := &analyticsDay{Date: d}
		days[d] = day
		resp.Days = append(resp.Days, day)
	}
	for _, r := range rollups {
		resp.Totals.add(r)
		if day := days[r.Day]; day != nil {
			day.add(r)
		}
	}
	shown, clicked, err := uniques(inapp.UniqueTotal)
	if err != nil {
		return err
	}
	resp.Totals.setUniques(shown[""], clicked[""])
	if shown, clicked, err = uniques(inapp.UniqueByDay); err != nil {
		return err
	}
	for d, day := range days {
		day.setUniques(shown[d], clicked[d])
	}

	if camp != nil {
		if shown, clicked, err = uniques(inapp.UniqueByTreatment); err != nil {
			return err
		}
		resp.Treatments = treatmentAnalytics(camp, rng, rollups, shown, clicked)
		resp.Comparisons = compareTreatments(resp.Treatments)
	} else {
		if shown, clicked, err = uniques(inapp.UniqueByCampaign); err != nil {
			return err
		}
		if resp.Campaigns, err = s.campaignAnalytics(ctx, appID, rollups, shown, clicked); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, resp)
}

// treatmentAnalytics splits a campaign's figures per treatment: the main
// treatment, the campaign's other treatments in order, then any treatment
// the data names that the campaign no longer has. A treatment's daily
// unique counts are its rollups' own (exact per treatment and day).
func treatmentAnalytics(camp *inapp.Campaign, rng dayRange, rollups []*inapp.Rollup, shown, clicked map[string]int64) []*analyticsTreatment {
	byID := map[string]*analyticsTreatment{}
	var list []*analyticsTreatment
	add := func(id, name string) *analyticsTreatment {
		if t, ok := byID[id]; ok {
			return t
		}
		t := &analyticsTreatment{TreatmentID: id, TreatmentName: name, Days: make([]*analyticsDay, len(rng.days))}
		for i, d := range rng.days {
			t.Days[i] = &analyticsDay{Date: d}
		}
		byID[id] = t
		list = append(list, t)
		return t
	}
	add(inapp.MainTreatment, camp.TreatmentName)
	for _, t := range camp.AdditionalTreatments {
		add(t.ID, t.TreatmentName)
	}
	var others []string
	for _, r := range rollups {
		if _, ok := byID[r.TreatmentID]; !ok && !slices.Contains(others, r.TreatmentID) {
			others = append(others, r.TreatmentID)
		}
	}
	slices.SortFunc(others, treatmentOrder)
	for _, id := range others {
		add(id, "")
	}
	dayIndex := make(map[string]int, len(rng.days))
	for i, d := range rng.days {
		dayIndex[d] = i
	}
	dayUniques := map[[2]string]*[2]int64{} // (treatment, day) -> displayed, clicked endpoints
	for _, r := range rollups {
		t := byID[r.TreatmentID]
		t.add(r)
		i, ok := dayIndex[r.Day]
		if !ok {
			continue
		}
		t.Days[i].add(r)
		k := [2]string{r.TreatmentID, r.Day}
		if dayUniques[k] == nil {
			dayUniques[k] = &[2]int64{}
		}
		switch r.EventType {
		case inapp.EventDisplayed:
			dayUniques[k][0] = r.Uniques
		case inapp.EventClicked:
			dayUniques[k][1] = r.Uniques
		}
	}
	for _, t := range list {
		t.setUniques(shown[t.TreatmentID], clicked[t.TreatmentID])
		for _, d := range t.Days {
			if u := dayUniques[[2]string{t.TreatmentID, d.Date}]; u != nil {
				d.setUniques(u[0], u[1])
			}
		}
	}
	return list
}

// compareTreatments tests each treatment's click-through rate against the
// main treatment's. Empty (not absent) with a single treatment.
func compareTreatments(ts []*analyticsTreatment) []*analyticsComparison {
	out := []*analyticsComparison{}
	if len(ts) < 2 {
		return out
	}
	base := ts[0] // the main treatment
	for _, t := range ts[1:] {
		out = append(out, compareCTR(t, base))
	}
	return out
}

func compareCTR(t, base *analyticsTreatment) *analyticsComparison {
	c := &analyticsComparison{TreatmentID: t.TreatmentID, BaselineTreatmentID: base.TreatmentID, PValue: 1}
	name, baseName := treatmentLabel(t), treatmentLabel(base)
	if t.UniqueEndpoints == 0 || base.UniqueEndpoints == 0 {
		c.Explanation = fmt.Sprintf("%s or %s was not displayed in this range: there is nothing to compare yet.", upperFirst(name), baseName)
		return c
	}
	c.Difference = t.ClickThroughRate - base.ClickThroughRate
	x1, n1 := min(t.UniqueClickers, t.UniqueEndpoints), t.UniqueEndpoints
	x2, n2 := min(base.UniqueClickers, base.UniqueEndpoints), base.UniqueEndpoints
	_, c.PValue = twoProportionZTest(x1, n1, x2, n2)
	c.Significant = c.PValue < significanceLevel
	points := math.Round(math.Abs(c.Difference)*1000) / 10
	how := "the same as"
	if points > 0 {
		how = strconv.FormatFloat(points, 'f', 1, 64) + " points higher than"
		if c.Difference < 0 {
			how = strconv.FormatFloat(points, 'f', 1, 64) + " points lower than"
		}
	}
	verdict := "significant"
	if !c.Significant {
		verdict = "not significant"
	}
	c.Explanation = fmt.Sprintf("The click-through rate of %s is %s that of %s; with %s and %s endpoints that is %s (%s).",
		name, how, baseName, thousands(n1), thousands(n2), verdict, formatP(c.PValue))
	return c
}

// treatmentLabel names a treatment the way the marketer named it, with
// which one it is (names are optional and need not differ).
func treatmentLabel(t *analyticsTreatment) string {
	which := "treatment " + t.TreatmentID
	if t.TreatmentID == inapp.MainTreatment {
		which = "the main treatment"
	}
	if t.TreatmentName == "" {
		return which
	}
	return fmt.Sprintf("%s (%s)", t.TreatmentName, which)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// twoProportionZTest compares the proportions x1/n1 and x2/n2 with the
// pooled two-proportion z-test and returns z and the two-sided p-value.
// Both samples need n > 0. When the pooled proportion is 0 or 1 the
// samples cannot differ: z = 0, p = 1.
func twoProportionZTest(x1, n1, x2, n2 int64) (z, p float64) {
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	pooled := float64(x1+x2) / float64(n1+n2)
	se := math.Sqrt(pooled * (1 - pooled) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0, 1
	}
	z = (p1 - p2) / se
	// P(|Z| >= |z|) for a standard normal Z.
	p = math.Erfc(math.Abs(z) / math.Sqrt2)
	return z, p
}

// formatP writes a p-value for people: "p < 0.001", else three decimals
// at most ("p = 0.012", "p = 0.34", "p = 1").
func formatP(p float64) string {
	if p < 0.001 {
		return "p < 0.001"
	}
	return "p = " + strconv.FormatFloat(math.Round(p*1000)/1000, 'f', -1, 64)
}

// thousands writes n with comma separators: 1203 → "1,203".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// campaignAnalytics splits the app's figures per campaign: every campaign
// of the app (zeros included) and any campaign with data in the range that
// was deleted since (Name ""), most displayed first.
func (s *Server) campaignAnalytics(ctx context.Context, appID string, rollups []*inapp.Rollup, shown, clicked map[string]int64) ([]*analyticsCampaign, error) {
	camps, err := s.Store.AllCampaigns(ctx, appID)
	if err != nil {
		return nil, err
	}
	byID := map[string]*analyticsCampaign{}
	out := []*analyticsCampaign{}
	get := func(id string) *analyticsCampaign {
		if a, ok := byID[id]; ok {
			return a
		}
		a := &analyticsCampaign{CampaignID: id}
		byID[id] = a
		out = append(out, a)
		return a
	}
	for _, camp := range camps {
		get(camp.ID).Name = camp.Name
	}
	for _, r := range rollups {
		get(r.CampaignID).add(r)
	}
	for _, a := range out {
		a.setUniques(shown[a.CampaignID], clicked[a.CampaignID])
	}
	slices.SortFunc(out, func(a, b *analyticsCampaign) int {
		return cmp.Or(cmp.Compare(b.Displayed, a.Displayed), cmp.Compare(a.CampaignID, b.CampaignID))
	})
	return out, nil
}
