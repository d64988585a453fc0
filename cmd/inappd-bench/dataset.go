package main

// The data set: endpoints, segments and campaigns generated from their
// index and the --seed, so that the load loops can name any endpoint
// without keeping the data set in memory. Only the wire shapes the bench
// sends are declared here (the bench is a client: it does not import the
// server's model).

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ---- wire shapes (Pinpoint REST JSON) ----

type endpointRequest struct {
	ID             string              `json:"Id,omitempty"`
	ChannelType    string              `json:"ChannelType"`
	EndpointStatus string              `json:"EndpointStatus,omitempty"`
	OptOut         string              `json:"OptOut,omitempty"`
	EffectiveDate  string              `json:"EffectiveDate,omitempty"`
	Attributes     map[string][]string `json:"Attributes,omitempty"`
	Metrics        map[string]float64  `json:"Metrics,omitempty"`
	Demographic    *demographic        `json:"Demographic,omitempty"`
	Location       *location           `json:"Location,omitempty"`
	User           *endpointUser       `json:"User,omitempty"`
}

type demographic struct {
	AppVersion      string `json:"AppVersion,omitempty"`
	Locale          string `json:"Locale,omitempty"`
	Make            string `json:"Make,omitempty"`
	Model           string `json:"Model,omitempty"`
	Platform        string `json:"Platform,omitempty"`
	PlatformVersion string `json:"PlatformVersion,omitempty"`
	Timezone        string `json:"Timezone,omitempty"`
}

type location struct {
	City       string   `json:"City,omitempty"`
	Country    string   `json:"Country,omitempty"`
	Latitude   *float64 `json:"Latitude,omitempty"`
	Longitude  *float64 `json:"Longitude,omitempty"`
	PostalCode string   `json:"PostalCode,omitempty"`
}

type endpointUser struct {
	UserID         string              `json:"UserId,omitempty"`
	UserAttributes map[string][]string `json:"UserAttributes,omitempty"`
}

type attributeDimension struct {
	AttributeType string   `json:"AttributeType"`
	Values        []string `json:"Values"`
}

type setDimension struct {
	DimensionType string   `json:"DimensionType"`
	Values        []string `json:"Values"`
}

type metricDimension struct {
	ComparisonOperator string  `json:"ComparisonOperator"`
	Value              float64 `json:"Value"`
}

type segmentDimensions struct {
	Attributes     map[string]*attributeDimension `json:"Attributes,omitempty"`
	UserAttributes map[string]*attributeDimension `json:"UserAttributes,omitempty"`
	Metrics        map[string]*metricDimension    `json:"Metrics,omitempty"`
	Demographic    map[string]*setDimension       `json:"Demographic,omitempty"`
	Location       map[string]*setDimension       `json:"Location,omitempty"`
}

type segmentRequest struct {
	Name       string             `json:"Name"`
	Dimensions *segmentDimensions `json:"Dimensions"`
}

type limits struct {
	Daily   int `json:"Daily,omitempty"`
	Total   int `json:"Total,omitempty"`
	Session int `json:"Session,omitempty"`
}

type textConfig struct {
	Alignment string `json:"Alignment"`
	Body      string `json:"Body,omitempty"`
	Header    string `json:"Header,omitempty"`
	TextColor string `json:"TextColor"`
}

type defaultButton struct {
	BackgroundColor string `json:"BackgroundColor,omitempty"`
	BorderRadius    int    `json:"BorderRadius,omitempty"`
	ButtonAction    string `json:"ButtonAction"`
	Link            string `json:"Link,omitempty"`
	Text            string `json:"Text"`
	TextColor       string `json:"TextColor,omitempty"`
}

type overrideButton struct {
	ButtonAction string `json:"ButtonAction"`
	Link         string `json:"Link,omitempty"`
}

type button struct {
	DefaultConfig *defaultButton  `json:"DefaultConfig,omitempty"`
	Android       *overrideButton `json:"Android,omitempty"`
	IOS           *overrideButton `json:"IOS,omitempty"`
	Web           *overrideButton `json:"Web,omitempty"`
}

type content struct {
	BackgroundColor string      `json:"BackgroundColor,omitempty"`
	HeaderConfig    *textConfig `json:"HeaderConfig,omitempty"`
	BodyConfig      *textConfig `json:"BodyConfig,omitempty"`
	ImageUrl        string      `json:"ImageUrl,omitempty"`
	PrimaryBtn      *button     `json:"PrimaryBtn,omitempty"`
	SecondaryBtn    *button     `json:"SecondaryBtn,omitempty"`
}

type inAppMessage struct {
	Layout       string            `json:"Layout"`
	Content      []*content        `json:"Content"`
	CustomConfig map[string]string `json:"CustomConfig,omitempty"`
}

type messageConfiguration struct {
	InAppMessage *inAppMessage `json:"InAppMessage"`
}

type eventFilter struct {
	FilterType string `json:"FilterType"`
	Dimensions struct {
		EventType  *setDimension                  `json:"EventType"`
		Attributes map[string]*attributeDimension `json:"Attributes,omitempty"`
	} `json:"Dimensions"`
}

type quietTime struct {
	Start string `json:"Start"`
	End   string `json:"End"`
}

type schedule struct {
	StartTime   string       `json:"StartTime"`
	EndTime     string       `json:"EndTime,omitempty"`
	Frequency   string       `json:"Frequency"`
	EventFilter *eventFilter `json:"EventFilter"`
	QuietTime   *quietTime   `json:"QuietTime,omitempty"`
}

type treatmentRequest struct {
	SizePercent          int                   `json:"SizePercent"`
	TreatmentName        string                `json:"TreatmentName,omitempty"`
	MessageConfiguration *messageConfiguration `json:"MessageConfiguration,omitempty"`
}

type campaignRequest struct {
	Name                 string                `json:"Name,omitempty"`
	Description          string                `json:"Description,omitempty"`
	SegmentID            string                `json:"SegmentId,omitempty"`
	Priority             *int                  `json:"Priority,omitempty"`
	IsPaused             *bool                 `json:"IsPaused,omitempty"`
	HoldoutPercent       int                   `json:"HoldoutPercent,omitempty"`
	Limits               *limits               `json:"Limits,omitempty"`
	Schedule             *schedule             `json:"Schedule,omitempty"`
	MessageConfiguration *messageConfiguration `json:"MessageConfiguration,omitempty"`
	AdditionalTreatments []*treatmentRequest   `json:"AdditionalTreatments,omitempty"`
}

// ---- the data set ----

// weighted picks a value by weight.
type weighted struct {
	vals    []string
	weights []int
	total   int
}

func newWeighted(pairs ...any) *weighted {
	w := &weighted{}
	for i := 0; i < len(pairs); i += 2 {
		w.vals = append(w.vals, pairs[i].(string))
		w.weights = append(w.weights, pairs[i+1].(int))
		w.total += pairs[i+1].(int)
	}
	return w
}

func (w *weighted) pick(r *rand.Rand) string {
	n := r.IntN(w.total)
	for i, wt := range w.weights {
		if n < wt {
			return w.vals[i]
		}
		n -= wt
	}
	return w.vals[len(w.vals)-1]
}

var (
	platforms    = newWeighted("ios", 45, "android", 45, "web", 10)
	countries    = newWeighted("US", 30, "IN", 12, "BR", 8, "DE", 8, "GB", 7, "FR", 6, "JP", 6, "CA", 5, "ES", 4, "IT", 4, "MX", 4, "AU", 3, "NL", 3)
	plans        = newWeighted("gold", 10, "silver", 25, "free", 65)
	tiers        = newWeighted("bronze", 50, "silver", 30, "gold", 15, "platinum", 5)
	channels     = newWeighted("organic", 45, "ads", 30, "referral", 15, "partner", 10)
	themes       = newWeighted("light", 60, "dark", 40)
	newsYesNo    = newWeighted("yes", 40, "no", 60)
	cohorts      = []string{"2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
	interests    = []string{"sports", "music", "news", "tech", "travel", "food", "fashion", "gaming"}
	ageBands     = []string{"18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
	allCountries = []string{"US", "IN", "BR", "DE", "GB", "FR", "JP", "CA", "ES", "IT", "MX", "AU", "NL"}

	zoneOf = map[string]string{
		"US": "America/New_York", "IN": "Asia/Kolkata", "BR": "America/Sao_Paulo", "DE": "Europe/Berlin",
		"GB": "Europe/London", "FR": "Europe/Paris", "JP": "Asia/Tokyo", "CA": "America/Toronto",
		"ES": "Europe/Madrid", "IT": "Europe/Rome", "MX": "America/Mexico_City", "AU": "Australia/Sydney",
		"NL": "Europe/Amsterdam",
	}
	localeOf = map[string]string{
		"US": "en_US", "IN": "en_IN", "BR": "pt_BR", "DE": "de_DE", "GB": "en_GB", "FR": "fr_FR", "JP": "ja_JP",
		"CA": "en_CA", "ES": "es_ES", "IT": "it_IT", "MX": "es_MX", "AU": "en_AU", "NL": "nl_NL",
	}
	cityOf = map[string][]string{
		"US": {"New York", "Chicago", "Austin", "Seattle"}, "IN": {"Mumbai", "Bengaluru", "Delhi"},
		"BR": {"São Paulo", "Rio de Janeiro"}, "DE": {"Berlin", "München", "Hamburg"}, "GB": {"London", "Leeds"},
		"FR": {"Paris", "Lyon"}, "JP": {"Tokyo", "Osaka"}, "CA": {"Toronto", "Vancouver"}, "ES": {"Madrid", "Sevilla"},
		"IT": {"Roma", "Milano"}, "MX": {"Ciudad de México"}, "AU": {"Sydney", "Melbourne"}, "NL": {"Amsterdam"},
	}
)

// dataset generates the app's content from --seed.
type dataset struct {
	seed      uint64
	endpoints int
	campaigns int
	probes    int // endpoints [0, probes) carry the probe attribute
	runID     string
}

func (d *dataset) rng(kind uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(d.seed^kind*0x9E3779B97F4A7C15, uint64(i)))
}

func endpointID(i int) string { return fmt.Sprintf("ep-%08d", i) }

// endpoint is endpoint i: an IN_APP endpoint with varied attributes.
func (d *dataset) endpoint(i int) *endpointRequest {
	r := d.rng(1, i)
	country := countries.pick(r)
	platform := platforms.pick(r)
	make_, model, osVersion := "Apple", "iPhone15,2", fmt.Sprintf("17.%d", r.IntN(6))
	switch platform {
	case "android":
		make_ = []string{"samsung", "Google", "Xiaomi", "OnePlus"}[r.IntN(4)]
		model, osVersion = fmt.Sprintf("SM-S9%02d", r.IntN(30)), fmt.Sprintf("%d", 11+r.IntN(4))
	case "web":
		make_, model, osVersion = "", []string{"Chrome", "Safari", "Firefox"}[r.IntN(3)], ""
	}
	nInterests := 1 + r.IntN(3)
	picked := r.Perm(len(interests))[:nInterests]
	ints := make([]string, nInterests)
	for k, p := range picked {
		ints[k] = interests[p]
	}
	purchases := 0.0
	if r.IntN(100) >= 40 {
		purchases = float64(1 + int(r.ExpFloat64()*6))
	}
	lat, lon := -60+120*r.Float64(), -180+360*r.Float64()
	e := &endpointRequest{
		ID:             endpointID(i),
		ChannelType:    "IN_APP",
		EndpointStatus: "ACTIVE",
		OptOut:         "NONE",
		Attributes: map[string][]string{
			"plan":           {plans.pick(r)},
			"interests":      ints,
			"theme":          {themes.pick(r)},
			"signup_channel": {channels.pick(r)},
		},
		Metrics: map[string]float64{
			"purchases":  purchases,
			"sessions":   float64(1 + r.IntN(500)),
			"cart_value": float64(r.IntN(30000)) / 100,
		},
		Demographic: &demographic{
			AppVersion:      fmt.Sprintf("3.%d.%d", r.IntN(10), r.IntN(5)),
			Locale:          localeOf[country],
			Make:            make_,
			Model:           model,
			Platform:        platform,
			PlatformVersion: osVersion,
			Timezone:        zoneOf[country],
		},
		Location: &location{
			City:       cityOf[country][r.IntN(len(cityOf[country]))],
			Country:    country,
			Latitude:   &lat,
			Longitude:  &lon,
			PostalCode: fmt.Sprintf("%05d", r.IntN(100000)),
		},
		User: &endpointUser{
			UserID: fmt.Sprintf("user-%08d", i),
			UserAttributes: map[string][]string{
				"tier":       {tiers.pick(r)},
				"cohort":     {cohorts[r.IntN(len(cohorts))]},
				"newsletter": {newsYesNo.pick(r)},
				"age_band":   {ageBands[r.IntN(len(ageBands))]},
			},
		},
	}
	if i < d.probes {
		e.Attributes["bench_probe"] = []string{"1"}
	}
	return e
}

// subset picks between lo and hi values of vals.
func subset(r *rand.Rand, vals []string, lo, hi int) []string {
	n := lo + r.IntN(hi-lo+1)
	p := r.Perm(len(vals))[:n]
	out := make([]string, n)
	for k, j := range p {
		out[k] = vals[j]
	}
	return out
}

// segment is campaign j's own segment: 3 to 5 dimensions of different
// kinds, so that campaigns select different fractions of the endpoints.
func (d *dataset) segment(j int) *segmentRequest {
	r := d.rng(2, j)
	dims := &segmentDimensions{}
	attr := func(name string, a *attributeDimension) {
		if dims.Attributes == nil {
			dims.Attributes = map[string]*attributeDimension{}
		}
		dims.Attributes[name] = a
	}
	user := func(name string, a *attributeDimension) {
		if dims.UserAttributes == nil {
			dims.UserAttributes = map[string]*attributeDimension{}
		}
		dims.UserAttributes[name] = a
	}
	metric := func(name string, op string, v float64) {
		if dims.Metrics == nil {
			dims.Metrics = map[string]*metricDimension{}
		}
		dims.Metrics[name] = &metricDimension{ComparisonOperator: op, Value: v}
	}
	kinds := []func(){
		func() {
			attr("plan", &attributeDimension{"INCLUSIVE", subset(r, []string{"gold", "silver", "free"}, 1, 2)})
		},
		func() { attr("interests", &attributeDimension{"INCLUSIVE", subset(r, interests, 2, 5)}) },
		func() { attr("signup_channel", &attributeDimension{"INCLUSIVE", subset(r, channels.vals, 2, 3)}) },
		func() { user("tier", &attributeDimension{"INCLUSIVE", subset(r, tiers.vals, 2, 3)}) },
		func() { user("cohort", &attributeDimension{"INCLUSIVE", subset(r, cohorts, 3, 7)}) },
		func() { user("newsletter", &attributeDimension{"EXCLUSIVE", []string{"no"}}) },
		func() {
			dims.Demographic = map[string]*setDimension{"Platform": {"INCLUSIVE", subset(r, platforms.vals, 1, 2)}}
		},
		func() {
			dims.Location = map[string]*setDimension{"Country": {"INCLUSIVE", subset(r, allCountries, 4, 10)}}
		},
		func() { metric("purchases", "GREATER_THAN", float64(r.IntN(3))) },
		func() { metric("sessions", "GREATER_THAN_OR_EQUAL", float64(10*r.IntN(10))) },
	}
	n := 3 + r.IntN(3)
	for _, k := range r.Perm(len(kinds))[:n] {
		kinds[k]()
	}
	return &segmentRequest{Name: fmt.Sprintf("bench-%s-segment-%04d", d.runID, j), Dimensions: dims}
}

// probeSegment selects the probe endpoints.
func (d *dataset) probeSegment() *segmentRequest {
	return &segmentRequest{
		Name: "bench-" + d.runID + "-probe",
		Dimensions: &segmentDimensions{Attributes: map[string]*attributeDimension{
			"bench_probe": {"INCLUSIVE", []string{"1"}},
		}},
	}
}

var (
	layoutNames = []string{"BOTTOM_BANNER", "TOP_BANNER", "OVERLAYS", "MOBILE_FEED", "MIDDLE_BANNER", "CAROUSEL"}
	triggers    = []string{"app_launched", "screen_viewed", "add_to_cart", "purchase", "level_completed", "_session.start"}
	products    = []string{"the Trail Runner 3", "our winter collection", "Premium Plus", "the family plan", "weekend deals", "the new playlist mixer"}
	lorem       = "Members get early access, free shipping on every order and a monthly surprise picked for them by our editors. " +
		"Tap below to see what is waiting for you today; the offer is personal and cannot be combined with other promotions. "
)

func colour(r *rand.Rand) string { return fmt.Sprintf("#%06X", r.IntN(1<<24)) }

// message is a realistic in-app message of about 1 KB on the wire.
func (d *dataset) message(r *rand.Rand, j int, variant string) *messageConfiguration {
	layout := layoutNames[r.IntN(len(layoutNames))]
	cards := 1
	if layout == "CAROUSEL" {
		cards = 2
	}
	product := products[r.IntN(len(products))]
	m := &inAppMessage{Layout: layout, CustomConfig: map[string]string{
		"campaign_theme": []string{"spring", "summer", "autumn", "winter"}[r.IntN(4)],
		"deep_link":      fmt.Sprintf("shop://offers/%d", j),
		"analytics_tag":  fmt.Sprintf("bench-%04d%s", j, variant),
	}}
	for c := 0; c < cards; c++ {
		body := fmt.Sprintf("Hi there! %s is %d%% off until Sunday. %s", product, 10+5*r.IntN(8), lorem[:120+r.IntN(len(lorem)-120)])
		m.Content = append(m.Content, &content{
			BackgroundColor: colour(r),
			HeaderConfig:    &textConfig{Alignment: "CENTER", Header: fmt.Sprintf("Something new for you%s", variant), TextColor: colour(r)},
			BodyConfig:      &textConfig{Alignment: []string{"LEFT", "CENTER"}[r.IntN(2)], Body: body, TextColor: colour(r)},
			ImageUrl:        fmt.Sprintf("https://cdn.example.com/campaigns/%04d/hero-%d.png", j, c),
			PrimaryBtn: &button{
				DefaultConfig: &defaultButton{BackgroundColor: colour(r), BorderRadius: 8, ButtonAction: "LINK", Link: fmt.Sprintf("https://shop.example.com/offers/%d?utm_source=inapp", j), Text: "Show me", TextColor: "#FFFFFF"},
				Android:       &overrideButton{ButtonAction: "DEEP_LINK", Link: fmt.Sprintf("shop://offers/%d", j)},
				IOS:           &overrideButton{ButtonAction: "DEEP_LINK", Link: fmt.Sprintf("shop://offers/%d", j)},
			},
			SecondaryBtn: &button{DefaultConfig: &defaultButton{ButtonAction: "CLOSE", Text: "Not now"}},
		})
	}
	return &messageConfiguration{InAppMessage: m}
}

// campaign is campaign j, on segment segID: live, with an inline message,
// a priority from 2 to 10 (or none), caps for some, an end date for some,
// a holdout and a second treatment for a few.
func (d *dataset) campaign(j int, segID string) *campaignRequest {
	r := d.rng(3, j)
	prio := 2 + r.IntN(9)
	if r.IntN(10) == 0 {
		prio = 0 // no priority: after every prioritised campaign
	}
	c := &campaignRequest{
		Name:        fmt.Sprintf("bench-%s-campaign-%04d", d.runID, j),
		Description: "inappd-bench campaign",
		SegmentID:   segID,
		Priority:    &prio,
		Schedule: &schedule{
			StartTime:   "IMMEDIATE",
			Frequency:   "IN_APP_EVENT",
			EventFilter: &eventFilter{FilterType: "ENDPOINT"},
		},
		MessageConfiguration: d.message(r, j, ""),
	}
	c.Schedule.EventFilter.Dimensions.EventType = &setDimension{"INCLUSIVE", []string{triggers[r.IntN(len(triggers))]}}
	if r.IntN(4) == 0 {
		c.Schedule.EndTime = time.Now().UTC().Add(time.Duration(7+r.IntN(60)) * 24 * time.Hour).Format("2006-01-02T15:04:05Z")
	}
	if r.IntN(5) == 0 {
		c.Schedule.QuietTime = &quietTime{Start: "22:00", End: "07:00"}
	}
	if r.IntN(10) < 3 {
		c.Limits = &limits{Daily: 1 + r.IntN(3), Total: 5 + r.IntN(16), Session: 1 + r.IntN(2)}
	}
	if r.IntN(10) == 0 {
		c.HoldoutPercent = 10
		c.AdditionalTreatments = []*treatmentRequest{{SizePercent: 30, TreatmentName: "variant-b", MessageConfiguration: d.message(r, j, " (B)")}}
	}
	return c
}

// probeCampaign is the campaign the event check counts with: top priority,
// on the probe segment, total cap 100 (the largest allowed) until the check
// moves it.
func (d *dataset) probeCampaign(segID string) *campaignRequest {
	r := d.rng(4, 0)
	prio := 1
	c := &campaignRequest{
		Name:                 "bench-" + d.runID + "-probe",
		Description:          "inappd-bench: counts displayed events through the caps",
		SegmentID:            segID,
		Priority:             &prio,
		Limits:               &limits{Total: 100},
		Schedule:             &schedule{StartTime: "IMMEDIATE", Frequency: "IN_APP_EVENT", EventFilter: &eventFilter{FilterType: "ENDPOINT"}},
		MessageConfiguration: d.message(r, 9999, " (probe)"),
	}
	c.Schedule.EventFilter.Dimensions.EventType = &setDimension{"INCLUSIVE", []string{"app_launched"}}
	return c
}

// shortID is a readable run identifier.
func shortID(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for range 6 {
		b.WriteByte(letters[r.IntN(len(letters))])
	}
	return b.String()
}
