package targeting

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

func f64(v float64) *float64 { return &v }
func intp(v int) *int        { return &v }

var now = time.Date(2026, 2, 12, 0, 0, 0, 0, time.UTC)

// tokyo is the endpoint most tests evaluate.
func tokyo() *inapp.Endpoint {
	return &inapp.Endpoint{
		ID:          "ep-tokyo",
		ChannelType: "IN_APP",
		Attributes: map[string][]string{
			"plan":      {"pro"},
			"interests": {"golf", "tennis"},
			"signup":    {"2026-02-10T08:00:00Z"},
			"birthday":  {"1990-05-17"},
			"mixed":     {"not a date", "2026-01-15T00:00:00+09:00"},
		},
		Demographic: &inapp.Demographic{AppVersion: "2.3.0", Make: "Apple", Model: "iPhone15,2", Platform: "iOS", Timezone: "Asia/Tokyo"},
		Location:    &inapp.Location{Country: "JP", Latitude: f64(35.6762), Longitude: f64(139.6503)},
		Metrics:     map[string]float64{"purchases": 3, "score": 7.5, "zero": 0},
		User: &inapp.EndpointUser{UserID: "u1", UserAttributes: map[string][]string{
			"tier":        {"gold"},
			"CreatedDate": {"2026-02-07T12:00:00.123Z"},
		}},
	}
}

// dims parses a SegmentDimensions from JSON, so tests read like requests.
func dims(t testing.TB, js string) *inapp.SegmentDimensions {
	t.Helper()
	var d inapp.SegmentDimensions
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	return &d
}

func compileDims(t testing.TB, js string) *Segment {
	t.Helper()
	s, err := CompileSegment(&inapp.Segment{ID: "s", Version: 1, SegmentType: "DIMENSIONAL", Dimensions: dims(t, js)}, nil)
	if err != nil {
		t.Fatalf("compile %s: %v", js, err)
	}
	return s
}

func TestDimensions(t *testing.T) {
	noUser := tokyo()
	noUser.User = nil
	bare := &inapp.Endpoint{ID: "bare"}
	noCoords := tokyo()
	noCoords.Location = &inapp.Location{Country: "JP"}
	manyPlans := `["free","basic","starter","team","business","enterprise","edu","trial","nonprofit","pro"]`
	manyPlatforms := `["android","web","windows","macos","linux","tvos","watchos","fireos","tizen","IOS"]`

	tests := []struct {
		name       string
		dims       string
		e          *inapp.Endpoint
		lastActive time.Time
		want       bool
	}{
		// Attributes, INCLUSIVE (the default)
		{"inclusive match", `{"Attributes":{"plan":{"AttributeType":"INCLUSIVE","Values":["team","pro"]}}}`, nil, time.Time{}, true},
		{"inclusive no match", `{"Attributes":{"plan":{"AttributeType":"INCLUSIVE","Values":["free"]}}}`, nil, time.Time{}, false},
		{"inclusive is the default", `{"Attributes":{"plan":{"Values":["pro"]}}}`, nil, time.Time{}, true},
		{"inclusive any endpoint value", `{"Attributes":{"interests":{"Values":["tennis"]}}}`, nil, time.Time{}, true},
		{"inclusive is case-sensitive", `{"Attributes":{"plan":{"Values":["PRO"]}}}`, nil, time.Time{}, false},
		{"inclusive missing attribute", `{"Attributes":{"nope":{"Values":["pro"]}}}`, nil, time.Time{}, false},
		{"inclusive large set match", `{"Attributes":{"plan":{"Values":` + manyPlans + `}}}`, nil, time.Time{}, true},
		{"inclusive large set no match", `{"Attributes":{"interests":{"Values":` + manyPlans + `}}}`, nil, time.Time{}, false},
		{"inclusive empty endpoint", `{"Attributes":{"plan":{"Values":["pro"]}}}`, bare, time.Time{}, false},
		// EXCLUSIVE
		{"exclusive match", `{"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["free"]}}}`, nil, time.Time{}, true},
		{"exclusive no match", `{"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["pro"]}}}`, nil, time.Time{}, false},
		{"exclusive any endpoint value excludes", `{"Attributes":{"interests":{"AttributeType":"EXCLUSIVE","Values":["golf"]}}}`, nil, time.Time{}, false},
		{"exclusive missing attribute matches", `{"Attributes":{"nope":{"AttributeType":"EXCLUSIVE","Values":["x"]}}}`, nil, time.Time{}, true},
		{"exclusive large set", `{"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":` + manyPlans + `}}}`, nil, time.Time{}, false},
		// CONTAINS
		{"contains match", `{"Attributes":{"interests":{"AttributeType":"CONTAINS","Values":["xyz","enn"]}}}`, nil, time.Time{}, true},
		{"contains no match", `{"Attributes":{"interests":{"AttributeType":"CONTAINS","Values":["xyz"]}}}`, nil, time.Time{}, false},
		{"contains is case-sensitive", `{"Attributes":{"interests":{"AttributeType":"CONTAINS","Values":["GOLF"]}}}`, nil, time.Time{}, false},
		{"contains missing attribute", `{"Attributes":{"nope":{"AttributeType":"CONTAINS","Values":["a"]}}}`, nil, time.Time{}, false},
		// BEFORE / AFTER
		{"before match", `{"Attributes":{"signup":{"AttributeType":"BEFORE","Values":["2026-02-11"]}}}`, nil, time.Time{}, true},
		{"before is strict", `{"Attributes":{"signup":{"AttributeType":"BEFORE","Values":["2026-02-10T08:00:00Z"]}}}`, nil, time.Time{}, false},
		{"before any value (the latest)", `{"Attributes":{"signup":{"AttributeType":"BEFORE","Values":["2026-01-01","2026-03-01"]}}}`, nil, time.Time{}, true},
		{"before with offset", `{"Attributes":{"signup":{"AttributeType":"BEFORE","Values":["2026-02-10T10:00:00+01:00"]}}}`, nil, time.Time{}, true},
		{"after match (seed's bare date)", `{"Attributes":{"signup":{"AttributeType":"AFTER","Values":["2026-02-05"]}}}`, nil, time.Time{}, true},
		{"after is strict", `{"Attributes":{"signup":{"AttributeType":"AFTER","Values":["2026-02-10T08:00:00.000Z"]}}}`, nil, time.Time{}, false},
		{"after no match", `{"Attributes":{"signup":{"AttributeType":"AFTER","Values":["2026-02-11T00:00:00Z"]}}}`, nil, time.Time{}, false},
		{"after skips non-dates", `{"Attributes":{"mixed":{"AttributeType":"AFTER","Values":["2026-01-01"]}}}`, nil, time.Time{}, true},
		{"after, value not a date", `{"Attributes":{"plan":{"AttributeType":"AFTER","Values":["2000-01-01"]}}}`, nil, time.Time{}, false},
		{"after missing attribute", `{"Attributes":{"nope":{"AttributeType":"AFTER","Values":["2000-01-01"]}}}`, nil, time.Time{}, false},
		// ON
		{"on match ignores time", `{"Attributes":{"signup":{"AttributeType":"ON","Values":["2026-02-10T23:59:59Z"]}}}`, nil, time.Time{}, true},
		{"on bare date", `{"Attributes":{"signup":{"AttributeType":"ON","Values":["2026-02-10"]}}}`, nil, time.Time{}, true},
		{"on no match", `{"Attributes":{"signup":{"AttributeType":"ON","Values":["2026-02-11"]}}}`, nil, time.Time{}, false},
		{"on any of several days", `{"Attributes":{"signup":{"AttributeType":"ON","Values":["2026-02-01","2026-02-10"]}}}`, nil, time.Time{}, true},
		{"on compares UTC days", `{"Attributes":{"mixed":{"AttributeType":"ON","Values":["2026-01-14"]}}}`, nil, time.Time{}, true},
		// BETWEEN
		{"between match", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-01T00:00:00Z","2026-02-28T00:00:00Z"]}}}`, nil, time.Time{}, true},
		{"between no match", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-11","2026-02-20"]}}}`, nil, time.Time{}, false},
		{"between bare upper date covers the day", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-01","2026-02-10"]}}}`, nil, time.Time{}, true},
		{"between instant upper bound", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-01","2026-02-10T07:59:59Z"]}}}`, nil, time.Time{}, false},
		{"between inclusive bounds", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-10T08:00:00Z","2026-02-10T08:00:00Z"]}}}`, nil, time.Time{}, true},
		{"between either order", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-20","2026-02-01"]}}}`, nil, time.Time{}, true},
		{"between same day", `{"Attributes":{"birthday":{"AttributeType":"BETWEEN","Values":["1990-05-17","1990-05-17"]}}}`, nil, time.Time{}, true},
		// UserAttributes
		{"user inclusive", `{"UserAttributes":{"tier":{"Values":["gold","platinum"]}}}`, nil, time.Time{}, true},
		{"user inclusive no match", `{"UserAttributes":{"tier":{"Values":["silver"]}}}`, nil, time.Time{}, false},
		{"user after (seed)", `{"UserAttributes":{"CreatedDate":{"AttributeType":"AFTER","Values":["2026-02-05"]}}}`, nil, time.Time{}, true},
		{"user, endpoint without user, inclusive", `{"UserAttributes":{"tier":{"Values":["gold"]}}}`, noUser, time.Time{}, false},
		{"user, endpoint without user, exclusive", `{"UserAttributes":{"tier":{"AttributeType":"EXCLUSIVE","Values":["gold"]}}}`, noUser, time.Time{}, true},
		{"user exclusive", `{"UserAttributes":{"tier":{"AttributeType":"EXCLUSIVE","Values":["gold"]}}}`, nil, time.Time{}, false},
		// Metrics
		{"metric greater than", `{"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN","Value":2}}}`, nil, time.Time{}, true},
		{"metric greater than, equal", `{"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN","Value":3}}}`, nil, time.Time{}, false},
		{"metric greater or equal", `{"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN_OR_EQUAL","Value":3}}}`, nil, time.Time{}, true},
		{"metric greater or equal no", `{"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN_OR_EQUAL","Value":3.01}}}`, nil, time.Time{}, false},
		{"metric less than", `{"Metrics":{"score":{"ComparisonOperator":"LESS_THAN","Value":8}}}`, nil, time.Time{}, true},
		{"metric less than no", `{"Metrics":{"score":{"ComparisonOperator":"LESS_THAN","Value":7.5}}}`, nil, time.Time{}, false},
		{"metric less or equal", `{"Metrics":{"score":{"ComparisonOperator":"LESS_THAN_OR_EQUAL","Value":7.5}}}`, nil, time.Time{}, true},
		{"metric less or equal no", `{"Metrics":{"score":{"ComparisonOperator":"LESS_THAN_OR_EQUAL","Value":7}}}`, nil, time.Time{}, false},
		{"metric equal", `{"Metrics":{"score":{"ComparisonOperator":"EQUAL","Value":7.5}}}`, nil, time.Time{}, true},
		{"metric equal zero", `{"Metrics":{"zero":{"ComparisonOperator":"EQUAL","Value":0}}}`, nil, time.Time{}, true},
		{"metric equal no", `{"Metrics":{"score":{"ComparisonOperator":"EQUAL","Value":7}}}`, nil, time.Time{}, false},
		{"metric missing", `{"Metrics":{"nope":{"ComparisonOperator":"LESS_THAN","Value":100}}}`, nil, time.Time{}, false},
		// Recency
		{"active 24h", `{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"ACTIVE"}}}`, nil, now.Add(-time.Hour), true},
		{"active 24h, 25h ago", `{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"ACTIVE"}}}`, nil, now.Add(-25 * time.Hour), false},
		{"active 7d", `{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"ACTIVE"}}}`, nil, now.Add(-6 * 24 * time.Hour), true},
		{"active 14d, 15d ago", `{"Behavior":{"Recency":{"Duration":"DAY_14","RecencyType":"ACTIVE"}}}`, nil, now.Add(-15 * 24 * time.Hour), false},
		{"active 30d", `{"Behavior":{"Recency":{"Duration":"DAY_30","RecencyType":"ACTIVE"}}}`, nil, now.Add(-29 * 24 * time.Hour), true},
		{"active, never seen", `{"Behavior":{"Recency":{"Duration":"DAY_30","RecencyType":"ACTIVE"}}}`, nil, time.Time{}, false},
		{"inactive 7d, 8d ago", `{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"INACTIVE"}}}`, nil, now.Add(-8 * 24 * time.Hour), true},
		{"inactive 7d, 1d ago", `{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"INACTIVE"}}}`, nil, now.Add(-24 * time.Hour), false},
		{"inactive, never seen", `{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"INACTIVE"}}}`, nil, time.Time{}, true},
		{"empty behavior", `{"Behavior":{}}`, nil, time.Time{}, true},
		// Demographic
		{"platform ignores case", `{"Demographic":{"Platform":{"Values":["ios"]}}}`, nil, time.Time{}, true},
		{"platform no match", `{"Demographic":{"Platform":{"DimensionType":"INCLUSIVE","Values":["android"]}}}`, nil, time.Time{}, false},
		{"platform exclusive", `{"Demographic":{"Platform":{"DimensionType":"EXCLUSIVE","Values":["android"]}}}`, nil, time.Time{}, true},
		{"platform exclusive no match", `{"Demographic":{"Platform":{"DimensionType":"EXCLUSIVE","Values":["IOS"]}}}`, nil, time.Time{}, false},
		{"platform large set", `{"Demographic":{"Platform":{"Values":` + manyPlatforms + `}}}`, nil, time.Time{}, true},
		{"device type is platform", `{"Demographic":{"DeviceType":{"Values":["iOS"]}}}`, nil, time.Time{}, true},
		{"device type no match", `{"Demographic":{"DeviceType":{"Values":["TABLET"]}}}`, nil, time.Time{}, false},
		{"channel", `{"Demographic":{"Channel":{"Values":["IN_APP"]}}}`, nil, time.Time{}, true},
		{"channel no match", `{"Demographic":{"Channel":{"Values":["APNS","GCM"]}}}`, nil, time.Time{}, false},
		{"channel exclusive", `{"Demographic":{"Channel":{"DimensionType":"EXCLUSIVE","Values":["in_app"]}}}`, nil, time.Time{}, false},
		{"make", `{"Demographic":{"Make":{"Values":["apple"]}}}`, nil, time.Time{}, true},
		{"make no match", `{"Demographic":{"Make":{"Values":["Samsung"]}}}`, nil, time.Time{}, false},
		{"model", `{"Demographic":{"Model":{"Values":["iPhone15,2"]}}}`, nil, time.Time{}, true},
		{"model no match", `{"Demographic":{"Model":{"Values":["Pixel 8"]}}}`, nil, time.Time{}, false},
		{"app version", `{"Demographic":{"AppVersion":{"Values":["2.2.0","2.3.0"]}}}`, nil, time.Time{}, true},
		{"app version no match", `{"Demographic":{"AppVersion":{"Values":["2.3"]}}}`, nil, time.Time{}, false},
		{"no demographic, inclusive", `{"Demographic":{"Platform":{"Values":["ios"]}}}`, bare, time.Time{}, false},
		{"no demographic, exclusive", `{"Demographic":{"Platform":{"DimensionType":"EXCLUSIVE","Values":["ios"]}}}`, bare, time.Time{}, true},
		// Location
		{"country ignores case", `{"Location":{"Country":{"Values":["us","jp"]}}}`, nil, time.Time{}, true},
		{"country no match", `{"Location":{"Country":{"Values":["US"]}}}`, nil, time.Time{}, false},
		{"country exclusive", `{"Location":{"Country":{"DimensionType":"EXCLUSIVE","Values":["US"]}}}`, nil, time.Time{}, true},
		{"country exclusive no match", `{"Location":{"Country":{"DimensionType":"EXCLUSIVE","Values":["JP"]}}}`, nil, time.Time{}, false},
		{"no location, country", `{"Location":{"Country":{"Values":["JP"]}}}`, bare, time.Time{}, false},
		{"gps within range (Yokohama, ~27 km)", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.4437,"Longitude":139.6380},"RangeInKilometers":30}}}`, nil, time.Time{}, true},
		{"gps out of range", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.4437,"Longitude":139.6380},"RangeInKilometers":25}}}`, nil, time.Time{}, false},
		{"gps default range 100 km, near", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.4437,"Longitude":139.6380}}}}`, nil, time.Time{}, true},
		{"gps default range 100 km, Osaka (~400 km)", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":34.6937,"Longitude":135.5023}}}}`, nil, time.Time{}, false},
		{"gps 500 km reaches Osaka", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":34.6937,"Longitude":135.5023},"RangeInKilometers":500}}}`, nil, time.Time{}, true},
		{"gps range 0 at the point", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.6762,"Longitude":139.6503},"RangeInKilometers":0}}}`, nil, time.Time{}, true},
		{"gps whole earth", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":-35.6762,"Longitude":-40.35},"RangeInKilometers":30000}}}`, nil, time.Time{}, true},
		{"gps without coordinates", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.6762,"Longitude":139.6503}}}}`, noCoords, time.Time{}, false},
		// Combinations (AND)
		{"and: all hold", `{"Attributes":{"plan":{"Values":["pro"]}},"Demographic":{"Platform":{"Values":["iOS"]}},"Location":{"Country":{"Values":["JP"]}},"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN","Value":0}}}`, nil, time.Time{}, true},
		{"and: one fails", `{"Attributes":{"plan":{"Values":["pro"]},"interests":{"Values":["chess"]}},"Demographic":{"Platform":{"Values":["iOS"]}}}`, nil, time.Time{}, false},
		{"no criteria", `{}`, nil, time.Time{}, true},
		{"no criteria, empty endpoint", `{}`, bare, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			if e == nil {
				e = tokyo()
			}
			s := compileDims(t, tt.dims)
			if got := s.Match(&Subject{Endpoint: e, LastActive: tt.lastActive, Now: now}); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGPSAntimeridian(t *testing.T) {
	s := compileDims(t, `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":0,"Longitude":179.9},"RangeInKilometers":30}}}`)
	e := &inapp.Endpoint{Location: &inapp.Location{Latitude: f64(0), Longitude: f64(-179.9)}} // ~22 km away
	if !s.Match(&Subject{Endpoint: e}) {
		t.Error("points 22 km apart across the antimeridian should match")
	}
}

func TestNilEndpoint(t *testing.T) {
	if !compileDims(t, `{}`).Match(&Subject{}) {
		t.Error("a segment without criteria matches a nil endpoint")
	}
	if compileDims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`).Match(&Subject{}) {
		t.Error("an INCLUSIVE attribute cannot match a nil endpoint")
	}
}

func TestLastActive(t *testing.T) {
	e := &inapp.Endpoint{EffectiveDate: "2026-02-10T10:00:00.000Z"}
	eff := time.Date(2026, 2, 10, 10, 0, 0, 0, time.UTC)
	if got := LastActive(e, time.Time{}); !got.Equal(eff) {
		t.Errorf("EffectiveDate only: %v", got)
	}
	later := eff.Add(time.Hour)
	if got := LastActive(e, later); !got.Equal(later) {
		t.Errorf("later event: %v", got)
	}
	if got := LastActive(e, eff.Add(-time.Hour)); !got.Equal(eff) {
		t.Errorf("earlier event: %v", got)
	}
	if got := LastActive(&inapp.Endpoint{EffectiveDate: "garbage"}, later); !got.Equal(later) {
		t.Errorf("bad EffectiveDate: %v", got)
	}
	if got := LastActive(nil, time.Time{}); !got.IsZero() {
		t.Errorf("nil endpoint: %v", got)
	}
}

// ---- groups and source segments ----

// store is an in-memory segment store for Lookup.
type store struct {
	segs    map[string][]*inapp.Segment // id → versions, 1 first
	lookups int
}

func (s *store) add(seg *inapp.Segment) *inapp.Segment {
	if s.segs == nil {
		s.segs = map[string][]*inapp.Segment{}
	}
	seg.Version = len(s.segs[seg.ID]) + 1
	if seg.SegmentType == "" {
		seg.SegmentType = "DIMENSIONAL"
	}
	s.segs[seg.ID] = append(s.segs[seg.ID], seg)
	return seg
}

func (s *store) lookup(id string, version int) (*inapp.Segment, error) {
	s.lookups++
	vs := s.segs[id]
	if len(vs) == 0 || version > len(vs) {
		return nil, inapp.Errorf(inapp.ENOTFOUND, "segment %s not found", id)
	}
	if version == 0 {
		return vs[len(vs)-1], nil
	}
	return vs[version-1], nil
}

func groupsSeg(t testing.TB, id, js string) *inapp.Segment {
	t.Helper()
	var g inapp.SegmentGroupList
	if err := json.Unmarshal([]byte(js), &g); err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	return &inapp.Segment{ID: id, SegmentType: "DIMENSIONAL", SegmentGroups: &g}
}

func TestGroups(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "pro", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`)})      // matches
	st.add(&inapp.Segment{ID: "us", Dimensions: dims(t, `{"Location":{"Country":{"Values":["US"]}}}`)})       // does not
	st.add(&inapp.Segment{ID: "ios", Dimensions: dims(t, `{"Demographic":{"Platform":{"Values":["iOS"]}}}`)}) // matches
	st.add(&inapp.Segment{ID: "pro", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["free"]}}}`)})     // pro v2: does not
	st.add(&inapp.Segment{ID: "nested", SegmentGroups: groupsSeg(t, "", `{"Groups":[{"SourceSegments":[{"Id":"ios"}]}]}`).SegmentGroups})
	st.add(&inapp.Segment{ID: "imported", SegmentType: "IMPORT"})

	const (
		yes     = `{"Attributes":{"plan":{"Values":["pro"]}}}`
		no      = `{"Demographic":{"Platform":{"Values":["android"]}}}`
		alsoYes = `{"Location":{"Country":{"Values":["JP"]}}}`
	)
	tests := []struct {
		name   string
		groups string
		member func(string, string) bool
		want   bool
	}{
		{"type ALL, all hold", `{"Groups":[{"Type":"ALL","Dimensions":[` + yes + `,` + alsoYes + `]}]}`, nil, true},
		{"type ALL, one fails", `{"Groups":[{"Type":"ALL","Dimensions":[` + yes + `,` + no + `]}]}`, nil, false},
		{"type defaults to ALL", `{"Groups":[{"Dimensions":[` + yes + `,` + no + `]}]}`, nil, false},
		{"type ANY, one holds", `{"Groups":[{"Type":"ANY","Dimensions":[` + no + `,` + yes + `]}]}`, nil, true},
		{"type ANY, none holds", `{"Groups":[{"Type":"ANY","Dimensions":[` + no + `,` + no + `]}]}`, nil, false},
		{"type NONE, none holds", `{"Groups":[{"Type":"NONE","Dimensions":[` + no + `,` + no + `]}]}`, nil, true},
		{"type NONE, one holds", `{"Groups":[{"Type":"NONE","Dimensions":[` + no + `,` + yes + `]}]}`, nil, false},
		{"include NONE inverts the group", `{"Include":"NONE","Groups":[{"Dimensions":[` + yes + `]}]}`, nil, false},
		{"include NONE, group fails", `{"Include":"NONE","Groups":[{"Dimensions":[` + no + `]}]}`, nil, true},
		{"include ANY", `{"Include":"ANY","Groups":[{"Dimensions":[` + yes + `]}]}`, nil, true},
		{"include ALL", `{"Include":"ALL","Groups":[{"Dimensions":[` + no + `]}]}`, nil, false},
		{"empty group", `{"Groups":[{}]}`, nil, true},
		{"no groups", `{"Groups":[]}`, nil, true},
		{"empty dimensions in ANY", `{"Groups":[{"Type":"ANY","Dimensions":[{}]}]}`, nil, true},
		{"seed: AFTER bare date, SourceType ALL without sources", `{"Groups":[{"Dimensions":[{"UserAttributes":{"CreatedDate":{"AttributeType":"AFTER","Values":["2026-02-05"]}}}],"SourceType":"ALL"}],"Include":"ALL"}`, nil, true},
		// sources (pro is at version 2, which does not match; version 1 does)
		{"source latest version", `{"Groups":[{"SourceSegments":[{"Id":"pro"}]}]}`, nil, false},
		{"source pinned version", `{"Groups":[{"SourceSegments":[{"Id":"pro","Version":1}]}]}`, nil, true},
		{"source ALL, all hold", `{"Groups":[{"SourceType":"ALL","SourceSegments":[{"Id":"pro","Version":1},{"Id":"ios"}]}]}`, nil, true},
		{"source ALL, one fails", `{"Groups":[{"SourceType":"ALL","SourceSegments":[{"Id":"ios"},{"Id":"us"}]}]}`, nil, false},
		{"source ANY, one holds", `{"Groups":[{"SourceType":"ANY","SourceSegments":[{"Id":"us"},{"Id":"ios"}]}]}`, nil, true},
		{"source defaults to ANY", `{"Groups":[{"SourceSegments":[{"Id":"us"},{"Id":"ios"}]}]}`, nil, true},
		{"source ANY, none holds", `{"Groups":[{"SourceType":"ANY","SourceSegments":[{"Id":"us"},{"Id":"pro"}]}]}`, nil, false},
		{"source NONE, none holds", `{"Groups":[{"SourceType":"NONE","SourceSegments":[{"Id":"us"}]}]}`, nil, true},
		{"source NONE, one holds", `{"Groups":[{"SourceType":"NONE","SourceSegments":[{"Id":"us"},{"Id":"ios"}]}]}`, nil, false},
		{"sources and dimensions both hold", `{"Groups":[{"SourceSegments":[{"Id":"ios"}],"Dimensions":[` + yes + `]}]}`, nil, true},
		{"sources hold, dimensions fail", `{"Groups":[{"SourceSegments":[{"Id":"ios"}],"Dimensions":[` + no + `]}]}`, nil, false},
		{"dimensions hold, sources fail", `{"Groups":[{"SourceSegments":[{"Id":"us"}],"Dimensions":[` + yes + `]}]}`, nil, false},
		{"nested sources", `{"Groups":[{"SourceSegments":[{"Id":"nested"}]}]}`, nil, true},
		{"imported source, no membership", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`, nil, false},
		{"imported source, member", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`, func(s, e string) bool { return s == "imported" && e == "ep-tokyo" }, true},
		{"imported source, not a member", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`, func(s, e string) bool { return false }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := CompileSegment(groupsSeg(t, "top", tt.groups), st.lookup)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Match(&Subject{Endpoint: tokyo(), Now: now, Member: tt.member}); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestImportSegment(t *testing.T) {
	members := map[string]bool{"imp/ep-tokyo": true}
	member := func(seg, ep string) bool { return members[seg+"/"+ep] }
	imp, err := CompileSegment(&inapp.Segment{ID: "imp", Version: 1, SegmentType: "IMPORT"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Match(&Subject{Endpoint: tokyo(), Now: now}) {
		t.Error("an IMPORT segment without membership information matches nothing")
	}
	if !imp.Match(&Subject{Endpoint: tokyo(), Now: now, Member: member}) {
		t.Error("member should match")
	}
	if imp.Match(&Subject{Endpoint: &inapp.Endpoint{ID: "other"}, Now: now, Member: member}) {
		t.Error("non-member should not match")
	}
	withDims, err := CompileSegment(&inapp.Segment{ID: "imp", Version: 2, SegmentType: "IMPORT",
		Dimensions: dims(t, `{"Demographic":{"Platform":{"Values":["android"]}}}`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if withDims.Match(&Subject{Endpoint: tokyo(), Now: now, Member: member}) {
		t.Error("an IMPORT segment's dimensions restrict its members")
	}
}

func TestSourceErrors(t *testing.T) {
	st := &store{}
	st.add(groupsSeg(t, "a", `{"Groups":[{"SourceSegments":[{"Id":"b"}]}]}`))
	st.add(groupsSeg(t, "b", `{"Groups":[{"SourceSegments":[{"Id":"a"}]}]}`))
	st.add(groupsSeg(t, "self", `{"Groups":[{"SourceSegments":[{"Id":"self"}]}]}`))
	st.add(&inapp.Segment{ID: "bad", Dimensions: &inapp.SegmentDimensions{Attributes: map[string]*inapp.AttributeDimension{"x": {AttributeType: "NOPE", Values: []string{"1"}}}}})
	st.add(&inapp.Segment{ID: "imp", SegmentType: "IMPORT"})
	st.add(&inapp.Segment{ID: "dim"})
	st.add(&inapp.Segment{ID: "old"})
	st.add(groupsSeg(t, "old", `{"Groups":[{"SourceSegments":[{"Id":"old","Version":1}]}]}`)) // v2 builds on v1: fine

	tests := []struct {
		name, groups, want string
		lookup             Lookup
	}{
		{"cycle", `{"Groups":[{"SourceSegments":[{"Id":"a"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[0]: segment "a" version 1: SegmentGroups.Groups[0].SourceSegments[0]: segment "b" version 1: SegmentGroups.Groups[0].SourceSegments[0]: source segments form a cycle: "a" → "b" → "a"`, st.lookup},
		{"self", `{"Groups":[{"SourceSegments":[{"Id":"self"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[0]: segment "self" version 1: SegmentGroups.Groups[0].SourceSegments[0]: source segments form a cycle: "self" → "self"`, st.lookup},
		{"missing", `{"Groups":[{"SourceSegments":[{"Id":"dim"},{"Id":"zz"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[1].Id: segment "zz" does not exist`, st.lookup},
		{"missing version", `{"Groups":[{"SourceSegments":[{"Id":"dim","Version":9}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[0].Version: segment "dim" has no version 9`, st.lookup},
		{"invalid source", `{"Groups":[{"SourceSegments":[{"Id":"bad"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[0]: segment "bad" version 1: Dimensions.Attributes.x.AttributeType: "NOPE" is not one of INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN`, st.lookup},
		{"import not alone", `{"Groups":[{"SourceSegments":[{"Id":"dim"},{"Id":"imp"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments: imported segment "imp" must be the only source segment; 2 given (a group takes several dimensional segments or one imported segment)`, st.lookup},
		{"no lookup", `{"Groups":[{"SourceSegments":[{"Id":"dim"}]}]}`,
			`SegmentGroups.Groups[0].SourceSegments[0]: segment "dim" cannot be resolved (no segment lookup)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileSegment(groupsSeg(t, "top", tt.groups), tt.lookup)
			checkErr(t, err, tt.want)
		})
	}

	if _, err := CompileSegment(st.segs["old"][1], st.lookup); err != nil {
		t.Errorf("a version built on an earlier version of itself is not a cycle: %v", err)
	}
	if _, err := CompileSegment(st.segs["imp"][0], st.lookup); err != nil {
		t.Errorf("plain import segment: %v", err)
	}
	boom := func(string, int) (*inapp.Segment, error) { return nil, fmt.Errorf("disk on fire") }
	_, err := CompileSegment(groupsSeg(t, "top", `{"Groups":[{"SourceSegments":[{"Id":"x"}]}]}`), boom)
	if err == nil || err.Error() != "disk on fire" || inapp.ErrorCode(err) != inapp.EINTERNAL {
		t.Errorf("lookup failures pass through: %v", err)
	}
}

func TestCompilerCache(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "base", Dimensions: dims(t, `{"Demographic":{"Platform":{"Values":["iOS"]}}}`)})
	st.add(groupsSeg(t, "x", `{"Groups":[{"SourceSegments":[{"Id":"base"}]}]}`))
	st.add(groupsSeg(t, "y", `{"Groups":[{"SourceSegments":[{"Id":"base"},{"Id":"x"}]}]}`))
	c := NewCompiler(st.lookup)
	y1, err := c.CompileRef("y", 0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.CompileRef("x", 1)
	if err != nil {
		t.Fatal(err)
	}
	y2, err := c.CompileRef("y", 0)
	if err != nil {
		t.Fatal(err)
	}
	if y1 != y2 {
		t.Error("CompileRef should reuse compiled segments")
	}
	if st.lookups != 3 { // y@0, base@0, x@0 (x@1 is x@0, already compiled)
		t.Errorf("lookups = %d, want 3", st.lookups)
	}
	if x.ID() != "x" || x.Version() != 1 || !x.Match(&Subject{Endpoint: tokyo()}) {
		t.Error("x")
	}
	if _, err := c.CompileRef("nope", 0); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		t.Errorf("CompileRef of a missing segment: %v", err)
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Errorf("no error, want %q", want)
		return
	}
	if code := inapp.ErrorCode(err); code != inapp.EINVALID {
		t.Errorf("code %q, want %q (%v)", code, inapp.EINVALID, err)
	}
	if got := inapp.ErrorMessage(err); got != want {
		t.Errorf("message\n got: %s\nwant: %s", got, want)
	}
}

// Every dimension kind, and every member order, is deterministic: compile
// the same definition twice and evaluate the same.
func TestDeterministicOrder(t *testing.T) {
	js := `{"Attributes":{"b":{"Values":["x"]},"a":{"AttributeType":"AFTER","Values":["2020-01-01"]}},"Metrics":{"m":{"ComparisonOperator":"EQUAL","Value":1}},"Location":{"GPSPoint":{"Coordinates":{"Latitude":0,"Longitude":0}}},"Demographic":{"Make":{"Values":["a"]}}}`
	s := compileDims(t, js)
	var kinds []string
	for _, c := range s.dims {
		kinds = append(kinds, fmt.Sprint(c.kind, ":", c.name))
	}
	got := strings.Join(kinds, " ")
	want := fmt.Sprintf("%d: %d:m %d:b %d:a %d:", condDemo, condMetric, condAttr, condAttr, condGPS)
	if got != want {
		t.Errorf("evaluation order %q, want %q", got, want)
	}
}

func TestUsesActivity(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "recent", Dimensions: dims(t, `{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"ACTIVE"}}}`)})
	st.add(&inapp.Segment{ID: "plain", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`)})
	for _, tt := range []struct {
		name string
		seg  *inapp.Segment
		want bool
	}{
		{"no recency", &inapp.Segment{ID: "a", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`)}, false},
		{"recency", &inapp.Segment{ID: "b", Dimensions: dims(t, `{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"INACTIVE"}}}`)}, true},
		{"recency in a group", groupsSeg(t, "c", `{"Groups":[{"Dimensions":[{},{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"ACTIVE"}}}]}]}`), true},
		{"recency in a source", groupsSeg(t, "d", `{"Groups":[{"SourceSegments":[{"Id":"plain"},{"Id":"recent"}]}]}`), true},
		{"sources without recency", groupsSeg(t, "e", `{"Groups":[{"SourceSegments":[{"Id":"plain"}]}]}`), false},
	} {
		s, err := CompileSegment(tt.seg, st.lookup)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.UsesActivity(); got != tt.want {
			t.Errorf("%s: UsesActivity = %v, want %v", tt.name, got, tt.want)
		}
	}
}
