package pinpointapi

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// The KPI operations (GetApplicationDateRangeKpi, GetCampaignDateRangeKpi)
// and GetCampaignActivities, answered from the analytics rollups.
//
// For in-app messages a delivery is a displayed message
// (_inapp.message_displayed) and a click is _inapp.message_clicked; see
// README, "Semantics decided", for the whole mapping.

// KPI date ranges, as Pinpoint's developer guide states them: inclusive,
// at most 31 calendar days, starting fewer than 90 days before today; the
// preceding 31 calendar days when none is given.
const (
	kpiMaxDays = 31
	kpiMaxAge  = 90
)

// kpiMeasure is what a metric computes from the rollups.
type kpiMeasure int

const (
	measureCount   kpiMeasure = iota // events
	measureUniques                   // distinct endpoints
	measureRate                      // delivered / sent: displayed / displayed
)

// kpiMetric is one in-app metric: its Values Key, the event type it
// reads, and how.
type kpiMetric struct {
	key     string
	event   string
	measure kpiMeasure
}

// inAppMetrics are the standard metrics that mean something for in-app
// messages, by the kpi-name stem. Each is answered alone and in every
// grouping that fits its level (kpiGroupings).
var inAppMetrics = map[string]kpiMetric{
	"successful-deliveries":    {"SuccessfulDeliveries", inapp.EventDisplayed, measureCount},
	"attempted-deliveries":     {"AttemptedDeliveries", inapp.EventDisplayed, measureCount},
	"unique-deliveries":        {"UniqueDeliveries", inapp.EventDisplayed, measureUniques},
	"successful-delivery-rate": {"SuccessfulDeliveryRate", inapp.EventDisplayed, measureRate},
	"clicks":                   {"Clicks", inapp.EventClicked, measureCount},
}

// kpiGrouping is how a grouped metric splits its rows.
type kpiGrouping int

const (
	groupNone kpiGrouping = iota
	groupDate
	groupCampaign // application metrics
	groupActivity // campaign metrics: one activity per treatment
)

// kpiGroupings are the kpi-name suffixes, and which level has them.
var kpiGroupings = []struct {
	suffix   string
	grouping kpiGrouping
	app      bool
	campaign bool
}{
	{"-grouped-by-date", groupDate, true, true},
	{"-grouped-by-campaign-activity", groupActivity, false, true},
	{"-grouped-by-campaign", groupCampaign, true, false},
}

// Standard metrics of other channels (email, SMS, push, transactional
// messages). They exist, so they are not refused; an in-app project has
// no data for them, and Pinpoint answers a metric without data with no
// rows.
var (
	otherChannelAppMetrics = setOf(
		"email-open-rate", "email-open-rate-grouped-by-campaign",
		"push-open-rate", "push-open-rate-grouped-by-campaign",
		"txn-emails-clicked", "txn-emails-clicked-grouped-by-date",
		"txn-emails-complaint-rate", "txn-emails-complaint-rate-grouped-by-date",
		"txn-emails-with-complaints", "txn-emails-with-complaints-grouped-by-date",
		"txn-emails-delivered", "txn-emails-delivered-grouped-by-date",
		"txn-emails-delivery-rate", "txn-emails-delivery-rate-grouped-by-date",
		"txn-emails-hard-bounced", "txn-emails-hard-bounced-grouped-by-date",
		"txn-emails-opened", "txn-emails-opened-grouped-by-date",
		"txn-emails-sent", "txn-emails-sent-grouped-by-date",
		"txn-emails-soft-bounced", "txn-emails-soft-bounced-grouped-by-date",
		"txn-emails-unique-clicks", "txn-emails-unique-clicks-grouped-by-date",
		"txn-emails-unique-opens", "txn-emails-unique-opens-grouped-by-date",
		"txn-sms-average-price-grouped-by-country", "txn-sms-average-price-by-parts-grouped-by-country",
		"txn-sms-delivered", "txn-sms-delivered-grouped-by-country", "txn-sms-delivered-grouped-by-date",
		"txn-sms-error-distribution",
		"txn-sms-delivery-rate", "txn-sms-delivery-rate-grouped-by-date",
		"txn-sms-delivered-by-parts", "txn-sms-delivered-by-parts-grouped-by-country",
		"txn-sms-sent-by-parts", "txn-sms-sent-by-parts-grouped-by-country",
		"txn-sms-sent", "txn-sms-sent-grouped-by-country", "txn-sms-sent-grouped-by-date",
		"txn-sms-total-price-grouped-by-country",
	)
	otherChannelCampaignMetrics = setOf(
		"hard-bounce-rate", "hard-bounce-rate-grouped-by-campaign-activity",
		"email-open-rate", "email-open-rate-grouped-by-campaign-activity",
		"direct-email-opens-grouped-by-campaign-activity",
		"push-open-rate", "push-open-rate-grouped-by-campaign-activity",
		"direct-push-opens-grouped-by-campaign-activity",
		"sms-spend",
	)
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// kpiQuery is a parsed kpi-name. Without a metric (other channels) the
// answer has no rows.
type kpiQuery struct {
	metric   *kpiMetric
	grouping kpiGrouping
}

// parseKPIName reads kpi-name for the application (campaign false) or
// campaign level. A name that is no standard metric of that level is a
// BadRequest that names the in-app ones.
func parseKPIName(name string, campaign bool) (kpiQuery, error) {
	other := otherChannelAppMetrics
	if campaign {
		other = otherChannelCampaignMetrics
	}
	if other[name] {
		return kpiQuery{}, nil
	}
	stem, grouping := name, groupNone
	for _, g := range kpiGroupings {
		if s, ok := strings.CutSuffix(name, g.suffix); ok && (campaign && g.campaign || !campaign && g.app) {
			stem, grouping = s, g.grouping
			break
		}
	}
	if m, ok := inAppMetrics[stem]; ok {
		return kpiQuery{metric: &m, grouping: grouping}, nil
	}
	level, groups := "an application", "-grouped-by-date or -grouped-by-campaign"
	if campaign {
		level, groups = "a campaign", "-grouped-by-date or -grouped-by-campaign-activity"
	}
	return kpiQuery{}, inapp.Errorf(inapp.EINVALID,
		"%q is not %s metric. In-app metrics: successful-deliveries, attempted-deliveries, unique-deliveries, successful-delivery-rate and clicks, each alone or with %s; see the standard metrics in the Amazon Pinpoint Developer Guide.",
		name, level, groups)
}

// dayRange is a query's time range and the UTC days it covers.
type dayRange struct {
	start, end time.Time
	days       []string // every day from start's to end's, in order
}

func (r dayRange) from() string { return r.days[0] }
func (r dayRange) to() string   { return r.days[len(r.days)-1] }

// rangeRules are a range's defaults and limits.
type rangeRules struct {
	defaultDays int // calendar days when start-time is not given (ending at end-time, else now)
	maxDays     int // calendar days at most
	maxAge      int // start-time must be fewer than this many days before today; 0: no limit
}

// timeRange reads start-time and end-time (ISO 8601; the SDKs send UTC).
func (s *Server) timeRange(c *call, rules rangeRules) (dayRange, error) {
	q := c.r.URL.Query()
	now := s.Clock.Now().UTC()
	var r dayRange
	var err error
	r.end = now
	if v := q.Get("end-time"); v != "" {
		if r.end, err = parseQueryTime("end-time", v); err != nil {
			return r, err
		}
	}
	r.start = startOfDay(r.end).AddDate(0, 0, 1-rules.defaultDays)
	if v := q.Get("start-time"); v != "" {
		if r.start, err = parseQueryTime("start-time", v); err != nil {
			return r, err
		}
	}
	if r.start.After(r.end) {
		return r, inapp.Errorf(inapp.EINVALID, "start-time (%s) is after end-time (%s): the range must start before it ends.", inapp.FormatTime(r.start), inapp.FormatTime(r.end))
	}
	n := daysBetween(r.start, r.end) + 1
	if n > rules.maxDays {
		return r, inapp.Errorf(inapp.EINVALID, "The range from %s to %s covers %d calendar days; it can cover at most %d (the first and last day included).",
			inapp.FormatTime(r.start), inapp.FormatTime(r.end), n, rules.maxDays)
	}
	if rules.maxAge > 0 && daysBetween(r.start, now) >= rules.maxAge {
		return r, inapp.Errorf(inapp.EINVALID, "start-time (%s) must be fewer than %d days before the current day (%s).",
			inapp.FormatTime(r.start), rules.maxAge, now.Format(time.DateOnly))
	}
	for d := startOfDay(r.start); !d.After(r.end); d = d.AddDate(0, 0, 1) {
		r.days = append(r.days, d.Format(time.DateOnly))
	}
	return r, nil
}

func parseQueryTime(name, v string) (time.Time, error) {
	t, err := inapp.ParseTime(v)
	if err != nil {
		return t, inapp.Errorf(inapp.EINVALID, "%s: %q is not an ISO 8601 date and time (for example 2026-11-20T00:00:00Z).", name, v)
	}
	return t, nil
}

func startOfDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// daysBetween counts the UTC midnights from a to b.
func daysBetween(a, b time.Time) int {
	return int(startOfDay(b).Sub(startOfDay(a)).Hours() / 24)
}

// Wire shapes: ApplicationDateRangeKpiResponse, CampaignDateRangeKpiResponse.
type kpiResponse struct {
	ApplicationID string    `json:"ApplicationId"`
	CampaignID    string    `json:"CampaignId,omitempty"`
	EndTime       string    `json:"EndTime"`
	KpiName       string    `json:"KpiName"`
	KpiResult     kpiResult `json:"KpiResult"`
	StartTime     string    `json:"StartTime"`
}

type kpiResult struct {
	Rows []kpiRow `json:"Rows"`
}

// kpiRow is a ResultRow. GroupedBys is left out of a single-value
// metric's row, as in Pinpoint's examples.
type kpiRow struct {
	GroupedBys []kpiValue `json:"GroupedBys,omitempty"`
	Values     []kpiValue `json:"Values"`
}

// kpiValue is a ResultRowValue: every Value is a string.
type kpiValue struct {
	Key   string `json:"Key"`
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

func (s *Server) getApplicationKPI(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	return s.answerKPI(c, appID, nil)
}

func (s *Server) getCampaignKPI(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	camp, err := s.Store.GetCampaign(c.r.Context(), appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	return s.answerKPI(c, appID, camp)
}

// answerKPI answers either operation; camp is nil at the application
// level. next-token and page-size are accepted and ignored: these metrics
// come in one page, as the model says.
func (s *Server) answerKPI(c *call, appID string, camp *inapp.Campaign) error {
	name := c.path("kpi-name")
	kq, err := parseKPIName(name, camp != nil)
	if err != nil {
		return err
	}
	rng, err := s.timeRange(c, rangeRules{defaultDays: kpiMaxDays, maxDays: kpiMaxDays, maxAge: kpiMaxAge})
	if err != nil {
		return err
	}
	rows := []kpiRow{}
	if kq.metric != nil {
		if rows, err = s.kpiRows(c.r.Context(), appID, camp, kq, rng); err != nil {
			return err
		}
	}
	resp := kpiResponse{
		ApplicationID: appID, KpiName: name, KpiResult: kpiResult{Rows: rows},
		StartTime: inapp.FormatTime(rng.start), EndTime: inapp.FormatTime(rng.end),
	}
	if camp != nil {
		resp.CampaignID = camp.ID
	}
	return c.json(http.StatusOK, resp)
}

// kpiRows computes a metric over the range's days. Groups without data
// have no row, and a metric without any data has no rows: Pinpoint's
// "null" result.
func (s *Server) kpiRows(ctx context.Context, appID string, camp *inapp.Campaign, kq kpiQuery, rng dayRange) ([]kpiRow, error) {
	campaignID := ""
	if camp != nil {
		campaignID = camp.ID
	}
	m := kq.metric
	values := map[string]float64{} // by group key ("" when not grouped)
	if m.measure == measureUniques {
		by := map[kpiGrouping]inapp.UniqueGrouping{
			groupNone: inapp.UniqueTotal, groupDate: inapp.UniqueByDay,
			groupCampaign: inapp.UniqueByCampaign, groupActivity: inapp.UniqueByTreatment,
		}[kq.grouping]
		counts, err := s.Store.UniqueEndpoints(ctx, inapp.UniqueQuery{
			AppID: appID, CampaignID: campaignID, EventType: m.event, From: rng.from(), To: rng.to(), By: by,
		})
		if err != nil {
			return nil, err
		}
		for k, n := range counts {
			values[k] = float64(n)
		}
	} else {
		rollups, err := s.Store.Rollups(ctx, appID, campaignID, rng.from(), rng.to())
		if err != nil {
			return nil, err
		}
		for _, r := range rollups {
			if r.EventType != m.event || r.Count == 0 {
				continue
			}
			var k string
			switch kq.grouping {
			case groupDate:
				k = r.Day
			case groupCampaign:
				k = r.CampaignID
			case groupActivity:
				k = r.TreatmentID
			}
			values[k] += float64(r.Count)
		}
		if m.measure == measureRate {
			// Every message inappd hands out is delivered when shown:
			// the rate is displayed / displayed, 1 wherever there is data.
			for k := range values {
				values[k] = 1
			}
		}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	if kq.grouping == groupActivity {
		slices.SortFunc(keys, treatmentOrder)
	} else {
		slices.Sort(keys)
	}
	rows := make([]kpiRow, 0, len(keys))
	for _, k := range keys {
		row := kpiRow{Values: []kpiValue{{Key: m.key, Type: "Double", Value: formatDouble(values[k])}}}
		switch kq.grouping {
		case groupDate:
			row.GroupedBys = []kpiValue{{Key: "Date", Type: "Date", Value: k}}
		case groupCampaign:
			row.GroupedBys = []kpiValue{{Key: "CampaignId", Type: "String", Value: k}}
		case groupActivity:
			row.GroupedBys = []kpiValue{{Key: "CampaignActivityId", Type: "String", Value: activityID(campaignID, k)}}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// formatDouble writes v as Java writes a double, as Pinpoint's values
// look ("1368.0", "0.5").
func formatDouble(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEN") {
		s += ".0"
	}
	return s
}

// treatmentOrder orders treatment IDs as numbers ("0", "1", … "10"),
// IDs that are not numbers after them.
func treatmentOrder(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return cmp.Compare(a, b)
}

// activityID is the ID of a campaign treatment's activity: in-app
// campaigns run once per treatment, so each treatment is one activity,
// with an ID derived from the pair (32 hex digits, like Pinpoint's IDs).
func activityID(campaignID, treatmentID string) string {
	sum := sha256.Sum256([]byte(campaignID + "/" + treatmentID))
	return hex.EncodeToString(sum[:16])
}

// activityResponse is ActivityResponse.
type activityResponse struct {
	ApplicationID           string `json:"ApplicationId"`
	CampaignID              string `json:"CampaignId"`
	End                     string `json:"End,omitempty"`
	ID                      string `json:"Id"`
	Result                  string `json:"Result,omitempty"`
	ScheduledStart          string `json:"ScheduledStart,omitempty"`
	Start                   string `json:"Start,omitempty"`
	State                   string `json:"State"`
	SuccessfulEndpointCount int64  `json:"SuccessfulEndpointCount"`
	TotalEndpointCount      int64  `json:"TotalEndpointCount"`
	TreatmentID             string `json:"TreatmentId"`
}

// activityStates maps a campaign's status to its activities' State.
var activityStates = map[string]string{
	inapp.StatusScheduled: "PENDING",
	inapp.StatusExecuting: "RUNNING",
	inapp.StatusPaused:    "PAUSED",
	inapp.StatusCompleted: "COMPLETED",
	inapp.StatusDeleted:   "CANCELLED",
}

// getCampaignActivities lists one activity per treatment of the campaign
// (the main treatment "0" first). Endpoint counts are the distinct
// endpoints that displayed the treatment, ever (the lifetime rollups).
func (s *Server) getCampaignActivities(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	page, err := c.page("token")
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	camp, err := s.Store.GetCampaign(ctx, appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	if err := s.decorateCampaign(c, camp); err != nil {
		return err
	}
	lifetime, err := s.Store.Rollups(ctx, appID, camp.ID, inapp.AllTime, inapp.AllTime)
	if err != nil {
		return err
	}
	shown := map[string]int64{}
	for _, r := range lifetime {
		if r.EventType == inapp.EventDisplayed {
			shown[r.TreatmentID] += r.Uniques
		}
	}
	state := activityStates[camp.State.CampaignStatus]
	if state == "" {
		state = "PENDING"
	}
	created, _ := inapp.ParseTime(camp.CreationDate)
	var items []*activityResponse
	add := func(treatmentID string, sch *inapp.Schedule) {
		a := &activityResponse{
			ApplicationID: appID, CampaignID: camp.ID, ID: activityID(camp.ID, treatmentID), TreatmentID: treatmentID,
			State: state, SuccessfulEndpointCount: shown[treatmentID], TotalEndpointCount: shown[treatmentID],
		}
		if sch != nil {
			if sch.StartTime == "IMMEDIATE" {
				a.ScheduledStart = inapp.FormatTime(created)
			} else if t, err := inapp.ParseTime(sch.StartTime); err == nil {
				a.ScheduledStart = inapp.FormatTime(t)
			}
		}
		if state != "PENDING" {
			a.Start = a.ScheduledStart
		}
		if state == "COMPLETED" {
			a.Result = "SUCCESS"
			if sch != nil && sch.EndTime != "" {
				if t, err := inapp.ParseTime(sch.EndTime); err == nil {
					a.End = inapp.FormatTime(t)
				}
			}
		}
		items = append(items, a)
	}
	add(inapp.MainTreatment, camp.Schedule)
	for _, t := range camp.AdditionalTreatments {
		sch := t.Schedule
		if sch == nil {
			sch = camp.Schedule
		}
		add(t.ID, sch)
	}
	first := 0
	if page.Token != "" {
		if first, err = strconv.Atoi(page.Token); err != nil || first < 0 || first >= len(items) {
			return inapp.Errorf(inapp.EINVALID, "token %q is not a NextToken this campaign's activities gave.", page.Token)
		}
	}
	size := page.Size
	if size <= 0 {
		size = 100
	}
	last, next := min(first+size, len(items)), ""
	if last < len(items) {
		next = strconv.Itoa(last)
	}
	return c.json(http.StatusOK, listBody{"Item": items[first:last], "NextToken": next})
}
