package inapp

import (
	"context"
	"time"
)

// Analytics: what the KPI operations, GetCampaignActivities and the
// console's analytics page read. Backends keep rollups inside the
// transaction that stores the events (RecordEvents), for fresh events
// only, so a retried batch counts once; queries read only rollups, never
// the events, so they cost the same however many events there are.
//
// An event counts when it carries a campaign_id attribute (Amplify sends
// one with every _inapp.message_* event), under its treatment_id
// attribute ("0", the main treatment, when absent), on the UTC day of its
// timestamp. Its distinct endpoints are kept only for the event types
// whose unique counts something reads (UniquesKept): remembering which
// endpoints sent an event costs a B-tree insert per new (endpoint, day),
// the largest part of what analytics add to PutEvents.

// Event attributes that attribute an event to a campaign and treatment.
const (
	CampaignIDAttribute  = "campaign_id"
	TreatmentIDAttribute = "treatment_id"
	// MainTreatment is the TreatmentId of a campaign's own message.
	MainTreatment = "0"
)

// AllTime is the day bucket of lifetime rollups: next to its daily rows,
// every (campaign, treatment, event type) has one row for all days, whose
// Uniques counts each endpoint once however many days it was seen. It
// sorts before every date, so a range of dates never includes it.
//
// The lifetime uniques keep their own (endpoint) pairs rather than being
// counted from the daily ones when GetCampaignActivities asks: that count
// reads every endpoint-day of the campaign (about a second per million,
// on either backend, and a campaign shown to a million endpoints a day
// has 90 million over the default retention), and it would shrink as
// retention deletes days. A lifetime pair is tried only when the day's
// pair was new, and it exists already unless the endpoint meets the
// campaign for the first time, so it costs a lookup, not a write, in
// steady state.
const AllTime = "*"

// UniquesKept reports whether the distinct endpoints that sent eventType
// are kept (Rollup.Uniques, UniqueEndpoints): for displayed messages (the
// KPIs' unique-deliveries, GetCampaignActivities' endpoint counts, the
// console's unique endpoints) and clicks (the console's unique clickers
// and click-through rates). Other event types that carry a campaign_id
// (dismissals, custom events) are counted, with Uniques 0.
func UniquesKept(eventType string) bool {
	return eventType == EventDisplayed || eventType == EventClicked
}

// CheckUniquesKept is the EINVALID UniqueEndpoints answers for an event
// type whose uniques are not kept, nil for one whose are.
func CheckUniquesKept(eventType string) error {
	if UniquesKept(eventType) {
		return nil
	}
	return Errorf(EINVALID, "Unique endpoints are kept for %s and %s events only, not for %q.", EventDisplayed, EventClicked, eventType)
}

// AnalyticsDay is the rollup day of an event that happened at t: its UTC
// date.
func AnalyticsDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

// RollupTarget returns the campaign and treatment an event counts for, or
// "" and "" when it counts for none (no campaign_id attribute).
func RollupTarget(e *Event) (campaignID, treatmentID string) {
	if e == nil {
		return "", ""
	}
	campaignID = e.Attributes[CampaignIDAttribute]
	if campaignID == "" {
		return "", ""
	}
	treatmentID = e.Attributes[TreatmentIDAttribute]
	if treatmentID == "" {
		treatmentID = MainTreatment
	}
	return campaignID, treatmentID
}

// Rollup is what one treatment of one campaign received of one event type
// on one day (or AllTime).
type Rollup struct {
	CampaignID  string
	TreatmentID string
	Day         string // "2006-01-02" (UTC), or AllTime
	EventType   string
	Count       int64 // events
	Uniques     int64 // distinct endpoints that sent at least one (0 unless UniquesKept)
}

// UniqueGrouping says how UniqueEndpoints splits its count.
type UniqueGrouping int

const (
	UniqueTotal       UniqueGrouping = iota // one count, under the key ""
	UniqueByCampaign                        // keyed by campaign ID
	UniqueByTreatment                       // keyed by treatment ID (needs a CampaignID)
	UniqueByDay                             // keyed by day
)

// UniqueQuery asks how many distinct endpoints sent EventType for a
// campaign ("" for every campaign of the app) from day From to day To
// (inclusive, "2006-01-02").
type UniqueQuery struct {
	AppID      string
	CampaignID string
	EventType  string
	From, To   string
	By         UniqueGrouping
}

// AnalyticsStore reads the rollups. Both methods answer ENOTFOUND for a
// missing app.
type AnalyticsStore interface {
	// Rollups returns the app's rollup rows (one campaign's when campaignID
	// is not "") for the days from to to, inclusive, ordered by day,
	// campaign, treatment and event type. from = to = AllTime returns the
	// lifetime rows.
	Rollups(ctx context.Context, appID, campaignID, from, to string) ([]*Rollup, error)
	// UniqueEndpoints counts distinct endpoints over a range of days,
	// grouped as asked; groups with no endpoint are left out. An endpoint
	// seen on several days of the range counts once (per group). An event
	// type whose uniques are not kept (UniquesKept) is EINVALID.
	UniqueEndpoints(ctx context.Context, q UniqueQuery) (map[string]int64, error)
}
