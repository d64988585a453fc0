// Package segtest generates random endpoints and segments for tests that
// check two ways of evaluating segments against each other (a segment
// size estimate's fast decode against the full decode and Match). Values
// come from small pools, so that every kind of dimension both matches and
// misses some endpoints.
package segtest

import (
	"fmt"
	"math/rand/v2"
	"time"

	inapp "github.com/inappd/inappd"
)

// Now is the evaluation time the generated dates are drawn around.
var Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Pools of names and values. Strings with escapes, non-ASCII and quotes
// are in them on purpose: documents holding them take the slow path.
var (
	AttributeNames     = []string{"plan", "interests", "signup", "lang", "a0"}
	UserAttributeNames = []string{"tier", "signup", "plan"}
	MetricNames        = []string{"sessions", "score", "purchases"}

	plans     = []string{"free", "pro", "team", "Pro"}
	interests = []string{"shoes", "hats", "tennis", "golf", "chess", "é☃"}
	// Escaped in a document: drawn rarely, so most documents stay plain.
	odd            = []string{`say "hi"`, "tab\there", "<b>&amp;</b>"}
	tiers          = []string{"gold", "silver", "platinum"}
	dates          = []string{"2026-02-05", "2026-02-05T10:00:00Z", "2026-03-01T00:00:00.000Z", "2026-01-15T23:59:59+02:00", "2025-12-31", "soon", ""}
	platforms      = []string{"ios", "android", "web", "IOS", "Android"}
	versions       = []string{"1.0.0", "2.3.1", "2.4.0"}
	makes          = []string{"Apple", "Samsung", "Google"}
	models         = []string{"iPhone", "Galaxy S24", "Pixel 9"}
	channels       = []string{"IN_APP", "IN_APP", "EMAIL", "GCM"}
	countries      = []string{"FR", "US", "JP", "DE", "fr"}
	zones          = []string{"Europe/Paris", "America/New_York", "Asia/Tokyo", ""}
	metricDimNames = []string{"sessions", "score", "purchases", "missing"}
	metricVal      = []float64{0, 1, 2, 3, 4, 5, 10, 11, 71.5, -1.5e-7, 1e21, 0.1, 3.0000000000000004}
)

func pick[T any](r *rand.Rand, vs []T) T { return vs[r.IntN(len(vs))] }

func some(r *rand.Rand, vs []string, max int) []string {
	n := r.IntN(max + 1)
	out := make([]string, 0, n)
	for range n {
		if r.IntN(40) == 0 {
			out = append(out, pick(r, odd))
		} else {
			out = append(out, pick(r, vs))
		}
	}
	if len(out) == 0 && r.IntN(2) == 0 {
		return nil // stored as null
	}
	return out
}

// Endpoint returns a random endpoint with the given ID: any member may be
// missing, maps hold several entries (read by segments or not).
func Endpoint(r *rand.Rand, id string) *inapp.Endpoint {
	e := &inapp.Endpoint{
		ID: id, ApplicationID: "app", ChannelType: pick(r, channels),
		CohortID: inapp.Cohort(id), CreationDate: "2026-11-01T10:00:00.000Z",
		EndpointStatus: pick(r, []string{"ACTIVE", "ACTIVE", "INACTIVE", ""}),
		OptOut:         pick(r, []string{"NONE", "NONE", "ALL", ""}),
	}
	if r.IntN(8) > 0 {
		e.EffectiveDate = Now.Add(-time.Duration(r.IntN(40*24)) * time.Hour).Format("2006-01-02T15:04:05.000Z")
	} else if r.IntN(2) == 0 {
		e.EffectiveDate = "not a date"
	}
	if r.IntN(5) == 0 {
		e.Address = "a@example.com"
		if r.IntN(8) == 0 {
			e.Address = pick(r, odd)
		}
	}
	if r.IntN(6) > 0 {
		e.Attributes = map[string][]string{}
		for _, name := range AttributeNames {
			if r.IntN(3) == 0 {
				continue
			}
			switch name {
			case "plan":
				e.Attributes[name] = some(r, plans, 2)
			case "signup":
				e.Attributes[name] = some(r, dates, 2)
			default:
				e.Attributes[name] = some(r, interests, 3)
			}
		}
		e.Attributes["unread"] = []string{"x"} // never in a segment
	}
	if r.IntN(5) > 0 {
		e.Metrics = map[string]float64{"other": 1}
		for _, name := range MetricNames {
			if r.IntN(3) > 0 {
				e.Metrics[name] = pick(r, metricVal)
			}
		}
	}
	if r.IntN(5) > 0 {
		e.Demographic = &inapp.Demographic{AppVersion: pick(r, versions), Locale: "en_US", Make: pick(r, makes), Model: pick(r, models),
			ModelVersion: "1", Platform: pick(r, platforms), PlatformVersion: "17", Timezone: pick(r, zones)}
		if r.IntN(4) == 0 {
			e.Demographic.Platform = ""
		}
	}
	if r.IntN(5) > 0 {
		e.Location = &inapp.Location{Country: pick(r, countries), City: pick(r, []string{"Paris", "Tōkyō", ""})}
		if r.IntN(3) > 0 {
			lat, lon := 35.4437+r.Float64()*2-1, 139.6380+r.Float64()*2-1
			if r.IntN(3) == 0 {
				lat, lon = 48.8566, 2.3522
			}
			e.Location.Latitude, e.Location.Longitude = &lat, &lon
		}
	}
	if r.IntN(4) > 0 {
		e.User = &inapp.EndpointUser{UserID: "user-" + id}
		if r.IntN(4) > 0 {
			e.User.UserAttributes = map[string][]string{"tier": some(r, tiers, 2), "signup": some(r, dates, 1), "plan": some(r, plans, 1), "zzz": {"y"}}
		}
	}
	return e
}

// Dimensions returns 1 to 4 random criteria. Their kinds cover every
// dimension the model has: attributes and user attributes of every AttributeType,
// metrics of every operator, recency, the six demographic fields,
// country and GPS point.
func Dimensions(r *rand.Rand) *inapp.SegmentDimensions {
	d := &inapp.SegmentDimensions{}
	for range 1 + r.IntN(4) {
		switch r.IntN(7) {
		case 0:
			if d.Attributes == nil {
				d.Attributes = map[string]*inapp.AttributeDimension{}
			}
			name := pick(r, AttributeNames)
			d.Attributes[name] = attribute(r, name)
		case 1:
			if d.UserAttributes == nil {
				d.UserAttributes = map[string]*inapp.AttributeDimension{}
			}
			name := pick(r, UserAttributeNames)
			d.UserAttributes[name] = attribute(r, name)
		case 2:
			if d.Metrics == nil {
				d.Metrics = map[string]*inapp.MetricDimension{}
			}
			v := pick(r, metricVal)
			d.Metrics[pick(r, metricDimNames)] = &inapp.MetricDimension{
				ComparisonOperator: pick(r, []string{"GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL", "EQUAL"}), Value: &v}
		case 3:
			d.Behavior = &inapp.SegmentBehaviors{Recency: &inapp.RecencyDimension{
				Duration: pick(r, []string{"HR_24", "DAY_7", "DAY_14", "DAY_30"}), RecencyType: pick(r, []string{"ACTIVE", "INACTIVE"})}}
		case 4:
			if d.Demographic == nil {
				d.Demographic = &inapp.SegmentDemographics{}
			}
			m := d.Demographic
			set := func(vs []string) *inapp.SetDimension {
				return &inapp.SetDimension{DimensionType: pick(r, []string{"", "INCLUSIVE", "EXCLUSIVE"}), Values: some1(r, vs)}
			}
			switch r.IntN(6) {
			case 0:
				m.AppVersion = set(versions)
			case 1:
				m.Channel = set(channels)
			case 2:
				m.DeviceType = set(platforms)
			case 3:
				m.Make = set(makes)
			case 4:
				m.Model = set(models)
			default:
				m.Platform = set(platforms)
			}
		case 5:
			if d.Location == nil {
				d.Location = &inapp.SegmentLocation{}
			}
			d.Location.Country = &inapp.SetDimension{DimensionType: pick(r, []string{"INCLUSIVE", "EXCLUSIVE"}), Values: some1(r, countries)}
		default:
			if d.Location == nil {
				d.Location = &inapp.SegmentLocation{}
			}
			lat, lon, km := 35.4437, 139.6380, pick(r, []float64{1, 50, 150, 20000})
			g := &inapp.GPSPointDimension{Coordinates: &inapp.GPSCoordinates{Latitude: &lat, Longitude: &lon}}
			if r.IntN(3) > 0 {
				g.RangeInKilometers = &km
			}
			d.Location.GPSPoint = g
		}
	}
	return d
}

// some1 is 1 to 3 values.
func some1(r *rand.Rand, vs []string) []string {
	out := []string{pick(r, vs)}
	for r.IntN(2) == 0 && len(out) < 3 {
		out = append(out, pick(r, vs))
	}
	return out
}

func attribute(r *rand.Rand, name string) *inapp.AttributeDimension {
	typ := pick(r, []string{"", "INCLUSIVE", "EXCLUSIVE", "CONTAINS", "BEFORE", "AFTER", "ON", "BETWEEN"})
	switch typ {
	case "BEFORE", "AFTER", "ON":
		return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, dates[:5])}
	case "BETWEEN":
		return &inapp.AttributeDimension{AttributeType: typ, Values: []string{pick(r, dates[:5]), pick(r, dates[:5])}}
	case "CONTAINS":
		return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, []string{"o", "ten", "é", "hi", "zz"})}
	}
	switch name {
	case "plan":
		return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, plans)}
	case "tier":
		return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, tiers)}
	case "signup":
		return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, dates)}
	}
	return &inapp.AttributeDimension{AttributeType: typ, Values: some1(r, interests)}
}

// Segments is a set of stored segments that refer to one another.
type Segments struct {
	All     []*inapp.Segment
	byID    map[string]*inapp.Segment
	Members map[string]map[string]bool // imported segment ID → endpoint IDs
}

// Lookup resolves the segments' references (targeting.Lookup).
func (s *Segments) Lookup(id string, _ int) (*inapp.Segment, error) {
	if seg, ok := s.byID[id]; ok {
		return seg, nil
	}
	return nil, inapp.Errorf(inapp.ENOTFOUND, "segment %q not found", id)
}

// Member reports whether an endpoint is in an imported segment
// (targeting.Subject.Member).
func (s *Segments) Member(segmentID, endpointID string) bool {
	return s.Members[segmentID][endpointID]
}

// NewSegments returns n random segments over the endpoints ids: plain
// dimensional ones, imported ones (each holding a random third of ids,
// some with dimensions of their own), and segment groups of every
// Include, Type and SourceType built on the earlier ones.
func NewSegments(r *rand.Rand, n int, ids []string) *Segments {
	s := &Segments{byID: map[string]*inapp.Segment{}, Members: map[string]map[string]bool{}}
	var dimensional, imported []string
	for i := range n {
		seg := &inapp.Segment{ApplicationID: "app", ID: fmt.Sprintf("seg-%03d", i), Version: 1, SegmentType: "DIMENSIONAL"}
		switch k := r.IntN(6); {
		case i < 3 || k == 0:
			seg.SegmentType = "IMPORT"
			if r.IntN(2) == 0 {
				seg.Dimensions = Dimensions(r)
			}
			members := map[string]bool{}
			for _, id := range ids {
				if r.IntN(3) == 0 {
					members[id] = true
				}
			}
			s.Members[seg.ID] = members
			imported = append(imported, seg.ID)
		case k <= 2 || len(dimensional) == 0:
			seg.Dimensions = Dimensions(r)
			dimensional = append(dimensional, seg.ID)
		default:
			g := &inapp.SegmentGroup{
				Type:       pick(r, []string{"", "ALL", "ANY", "NONE"}),
				SourceType: pick(r, []string{"", "ALL", "ANY", "NONE"}),
			}
			for range r.IntN(3) {
				g.Dimensions = append(g.Dimensions, Dimensions(r))
			}
			if r.IntN(3) == 0 {
				g.SourceSegments = []*inapp.SegmentReference{{ID: pick(r, imported)}}
			} else {
				for range r.IntN(3) {
					g.SourceSegments = append(g.SourceSegments, &inapp.SegmentReference{ID: pick(r, dimensional)})
				}
			}
			seg.SegmentGroups = &inapp.SegmentGroupList{Include: pick(r, []string{"", "ALL", "ANY", "NONE"}), Groups: []*inapp.SegmentGroup{g}}
			dimensional = append(dimensional, seg.ID)
		}
		s.All = append(s.All, seg)
		s.byID[seg.ID] = seg
	}
	return s
}
