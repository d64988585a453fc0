package delivery

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

// Explanation says why each campaign of an app shows, or not, to one
// endpoint now (the console's Endpoints page). It is GetInAppMessages' own
// evaluation (the same load, the same pick, the same checks) put into
// words, so it cannot disagree with what the endpoint gets.
type Explanation struct {
	ApplicationID string `json:"ApplicationId"`
	EndpointID    string `json:"EndpointId"`
	EvaluatedAt   string `json:"EvaluatedAt"`
	// The campaigns in the answer, in its order, then the others.
	Campaigns []*CampaignExplanation `json:"Campaigns"`
}

// CampaignExplanation is one campaign's verdict and the checks behind it.
type CampaignExplanation struct {
	CampaignID string `json:"CampaignId"`
	Name       string `json:"Name"`
	State      string `json:"State"` // as GetCampaign reports it
	Shown      bool   `json:"Shown"`
	Rank       int    `json:"Rank"` // 1-based place in the answer; 0 when not shown
	// TreatmentID is the treatment the endpoint gets ("" when held out).
	TreatmentID string   `json:"TreatmentId"`
	Reasons     []Reason `json:"Reasons"`
}

// Reason is one check, in words a marketer reads.
type Reason struct {
	// Check is "test-send", "endpoint", "state", "schedule", "segment",
	// "treatment", "caps" or "priority", in that order.
	Check   string `json:"Check"`
	Passed  bool   `json:"Passed"`
	Message string `json:"Message"`
}

// The Check names.
const (
	CheckTestSend  = "test-send"
	CheckEndpoint  = "endpoint"
	CheckState     = "state"
	CheckSchedule  = "schedule"
	CheckSegment   = "segment"
	CheckTreatment = "treatment"
	CheckCaps      = "caps"
	CheckPriority  = "priority"
)

// Explain explains every campaign of the app for the endpoint, or only
// campaignID when it is not "". An unknown endpoint or campaign is
// ENOTFOUND.
func (e *Engine) Explain(ctx context.Context, appID, endpointID, campaignID string) (*Explanation, error) {
	var r request
	if err := e.load(ctx, appID, endpointID, &r, true); err != nil {
		return nil, err
	}
	if r.endpoint == nil {
		return nil, inapp.Errorf(inapp.ENOTFOUND, "Endpoint %s not found in application %s.", endpointID, appID)
	}
	snap := r.snap
	// Every eligible message in order; the answer is its first MaxMessages.
	eligible := r.pick(make([]pick, 0, len(snap.entries)+len(snap.tests[endpointID])))
	x := &explainer{r: &r, eligible: eligible, place: make(map[string]int, len(eligible))}
	for i, p := range eligible {
		x.place[r.campaignID(p)] = i + 1
	}
	for _, t := range snap.tests[endpointID] {
		if r.now.Before(t.expires) && x.tests[t.campaignID] == nil {
			if x.tests == nil {
				x.tests = map[string]*testSend{}
			}
			x.tests[t.campaignID] = t
		}
	}
	byID := make(map[string]*entry, len(snap.entries)+len(snap.held))
	for _, list := range [][]*entry{snap.entries, snap.held} {
		for _, c := range list {
			byID[c.id] = c
		}
	}
	out := &Explanation{ApplicationID: appID, EndpointID: endpointID, EvaluatedAt: inapp.FormatTime(r.now), Campaigns: []*CampaignExplanation{}}
	if campaignID != "" {
		c := byID[campaignID]
		if c == nil {
			return nil, inapp.Errorf(inapp.ENOTFOUND, "Campaign %s not found in application %s.", campaignID, appID)
		}
		out.Campaigns = append(out.Campaigns, x.campaign(c))
		return out, nil
	}
	// The answer's order (eligible beyond the answer follow in rank
	// order), then the other deliverable campaigns, then the held ones.
	done := make(map[string]bool, len(byID))
	add := func(c *entry) {
		if c != nil && !done[c.id] {
			done[c.id] = true
			out.Campaigns = append(out.Campaigns, x.campaign(c))
		}
	}
	for _, p := range eligible {
		add(byID[r.campaignID(p)])
	}
	for _, list := range [][]*entry{snap.entries, snap.held} {
		for _, c := range list {
			add(c)
		}
	}
	return out, nil
}

// explainer words one request's verdicts.
type explainer struct {
	r        *request
	eligible []pick
	place    map[string]int       // campaign ID → 1-based place among eligible
	tests    map[string]*testSend // live test sends to the endpoint by campaign
}

func (x *explainer) campaign(c *entry) *CampaignExplanation {
	r := x.r
	out := &CampaignExplanation{CampaignID: c.id, Name: c.camp.Name, State: c.state(r)}
	place := x.place[c.id]
	if place > 0 && place <= MaxMessages {
		out.Shown, out.Rank = true, place
	}
	reason := func(check string, passed bool, format string, args ...any) {
		out.Reasons = append(out.Reasons, Reason{Check: check, Passed: passed, Message: fmt.Sprintf(format, args...)})
	}

	test := x.tests[c.id]
	if test != nil {
		until := test.expires.UTC().Format("2006-01-02 15:04") + " UTC"
		switch {
		case test.broken != "":
			reason(CheckTestSend, false, "Test send to this endpoint until %s, but its message cannot be built: %s", until, test.broken)
		case !r.receives:
			reason(CheckTestSend, false, "Test send to this endpoint until %s, but the endpoint cannot receive in-app messages (below).", until)
		default:
			reason(CheckTestSend, true, "Test send to this endpoint until %s: shown first regardless of the checks below.", until)
		}
	}
	reason(CheckEndpoint, r.receives, "%s", endpointWords(r.endpoint))

	switch {
	case c.segmentGone:
		reason(CheckState, false, "Campaign is DELETED: %s; it delivers nothing.", c.broken)
	case c.broken != "":
		reason(CheckState, false, "Campaign cannot be delivered: %s.", c.broken)
	case c.camp.IsPaused:
		reason(CheckState, false, "Campaign is PAUSED.")
	default:
		reason(CheckState, true, "Campaign is %s and not paused.", out.State)
	}
	if c.broken != "" {
		// Nothing else was compiled.
		if test != nil && out.Shown {
			out.TreatmentID = "0"
		}
		return out
	}

	// The treatment decides which schedule applies; the main one's when
	// the endpoint is held out.
	i, holdout := c.assign(r.endpoint.ID)
	if !holdout {
		out.TreatmentID = c.treatmentID(i)
	}
	live, why := c.treatments[i].schedule.Explain(r.now, r.tz)
	reason(CheckSchedule, live, "%s", why)

	if c.segment == nil {
		reason(CheckSegment, true, "No segment: the campaign targets every endpoint of the app.")
	} else {
		member, why := c.segment.Explain(&r.subject)
		reason(CheckSegment, member, "%s", why)
	}

	reason(CheckTreatment, !holdout, "%s", c.treatmentWords(i, holdout))
	capped := c.capped(r.counts)
	reason(CheckCaps, !capped, "%s", c.capsWords(r.counts[c.id], capped))

	prio := "No priority (campaigns without one come after every prioritised one)"
	if c.priority > 0 {
		prio = "Priority " + strconv.Itoa(c.priority)
	}
	switch {
	case test != nil && out.Shown && x.eligible[place-1].entry < 0:
		out.TreatmentID = "0" // a test send shows the main treatment
		reason(CheckPriority, true, "Test send: place %d in the answer (test sends come first, whatever the priority).", place)
	case out.Shown:
		reason(CheckPriority, true, "%s: rank %d of %d eligible.", prio, place, len(x.eligible))
	case place > 0:
		reason(CheckPriority, false, "%s: rank %d of %d eligible; answers hold at most %d.", prio, place, len(x.eligible), MaxMessages)
	case !r.receives:
		reason(CheckPriority, true, "%s: not ranked: the endpoint receives no in-app messages.", prio)
	default:
		reason(CheckPriority, true, "%s: not ranked: only campaigns that pass every check above are ranked.", prio)
	}
	return out
}

// state is the campaign's state as GetCampaign reports it.
func (c *entry) state(r *request) string {
	switch {
	case c.camp.IsPaused:
		return inapp.StatusPaused
	case c.segmentGone:
		return inapp.StatusDeleted
	case len(c.treatments) > 0:
		return c.treatments[0].schedule.Status(r.now)
	}
	created, _ := inapp.ParseTime(c.camp.CreationDate)
	s, err := targeting.CompileSchedule(c.camp.Schedule, created)
	if err != nil {
		return "INVALID"
	}
	return s.Status(r.now)
}

// treatmentID is the TreatmentId of treatment i.
func (c *entry) treatmentID(i int) string {
	if i == 0 || i > len(c.camp.AdditionalTreatments) {
		return "0"
	}
	return c.camp.AdditionalTreatments[i-1].ID
}

func (c *entry) treatmentWords(i int, holdout bool) string {
	if holdout {
		return fmt.Sprintf("Holdout: this endpoint falls in the %d %% holdout.", c.holdout)
	}
	if len(c.sizes) == 1 && c.holdout == 0 {
		return "Treatment: every endpoint gets the main treatment (no holdout, no A/B test)."
	}
	name := c.camp.TreatmentName
	if i > 0 {
		name = c.camp.AdditionalTreatments[i-1].TreatmentName
	}
	label := "TreatmentId " + c.treatmentID(i)
	if i == 0 {
		label = "the main treatment (TreatmentId 0)"
	}
	if name != "" {
		label += " '" + name + "'"
	}
	words := fmt.Sprintf("Treatment: this endpoint gets %s, %d %% of endpoints", label, c.sizes[i])
	if c.holdout > 0 {
		words += fmt.Sprintf("; it is outside the %d %% holdout", c.holdout)
	}
	return words + "."
}

func (c *entry) capsWords(n inapp.CapCount, capped bool) string {
	var parts []string
	if c.daily > 0 {
		parts = append(parts, fmt.Sprintf("shown %d of %d today (daily cap)", n.Day, c.daily))
	}
	if c.total > 0 {
		total := fmt.Sprintf("%d of %d in total (total cap)", n.Total, c.total)
		if c.camp.Schedule != nil && c.camp.Schedule.Frequency == "ONCE" {
			total = fmt.Sprintf("%d of %d in total (Frequency ONCE: once per endpoint)", n.Total, c.total)
		}
		if len(parts) == 0 {
			total = "shown " + total
		}
		parts = append(parts, total)
	}
	var words string
	switch {
	case len(parts) == 0:
		words = "Caps: no daily or total cap."
	case capped:
		words = "Caps: " + strings.Join(parts, ", ") + " → capped."
	default:
		words = "Caps: " + strings.Join(parts, ", ") + " → under the caps."
	}
	if c.session > 0 {
		words += fmt.Sprintf(" The session cap (%d per session) is counted by the device.", c.session)
	}
	return words
}

// endpointWords says whether the endpoint can receive in-app messages, as
// Endpoint.ReceivesInApp decides, and why not.
func endpointWords(ep *inapp.Endpoint) string {
	status := ep.EndpointStatus
	if status == "" {
		status = "ACTIVE"
	}
	if ep.ReceivesInApp() {
		return fmt.Sprintf("Endpoint is %s, channel IN_APP and not opted out.", status)
	}
	var why []string
	if ep.ChannelType != "IN_APP" {
		why = append(why, fmt.Sprintf("its channel is %s (only IN_APP endpoints receive in-app messages)", orNone(ep.ChannelType)))
	}
	if ep.OptOut == "ALL" {
		why = append(why, "it opted out (OptOut ALL)")
	}
	if ep.EndpointStatus == "INACTIVE" {
		why = append(why, "it is INACTIVE")
	}
	return "Endpoint cannot receive in-app messages: " + strings.Join(why, "; ") + "."
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
