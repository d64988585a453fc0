package targeting

import (
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

func TestExplainSegmentDimensions(t *testing.T) {
	noUser := tokyo()
	noUser.User = nil
	tests := []struct {
		name string
		dims string
		e    *inapp.Endpoint
		last time.Time
		want string
	}{
		{"attribute fails", `{"Attributes":{"plan":{"Values":["enterprise"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute plan is [pro], rule wants [enterprise] → not a member."},
		{"attribute holds", `{"Attributes":{"plan":{"Values":["team","pro"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute plan is [pro], rule wants [team, pro] → member."},
		{"missing attribute", `{"Attributes":{"nope":{"Values":["x"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute nope is not set, rule wants [x] → not a member."},
		{"exclusive", `{"Attributes":{"interests":{"AttributeType":"EXCLUSIVE","Values":["golf"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute interests is [golf, tennis], rule wants none of [golf] → not a member."},
		{"contains", `{"Attributes":{"interests":{"AttributeType":"CONTAINS","Values":["xyz"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute interests is [golf, tennis], rule wants a value containing one of [xyz] → not a member."},
		{"after", `{"Attributes":{"signup":{"AttributeType":"AFTER","Values":["2026-02-11"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute signup is [2026-02-10T08:00:00Z], rule wants a date after 2026-02-11 → not a member."},
		{"between", `{"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-01","2026-02-10"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute signup is [2026-02-10T08:00:00Z], rule wants a date between 2026-02-01 and 2026-02-10 → member."},
		{"user attribute, no user", `{"UserAttributes":{"tier":{"Values":["gold"]}}}`, noUser, time.Time{},
			"Segment 'VIP buyers' v3: user attribute tier is not set, rule wants [gold] → not a member."},
		{"metric", `{"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN","Value":5}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: metric purchases is 3, rule wants > 5 → not a member."},
		{"recency, never", `{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"ACTIVE"}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: never active, rule wants active in the last 7 days → not a member."},
		{"recency, inactive", `{"Behavior":{"Recency":{"Duration":"HR_24","RecencyType":"INACTIVE"}}}`, nil, now.Add(-time.Hour),
			"Segment 'VIP buyers' v3: last active 2026-02-11 23:00 UTC, rule wants inactive for the last 24 hours → not a member."},
		{"platform", `{"Demographic":{"Platform":{"Values":["android"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: platform is iOS, rule wants [android] → not a member."},
		{"country exclusive", `{"Location":{"Country":{"DimensionType":"EXCLUSIVE","Values":["JP"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: country is JP, rule wants none of [JP] → not a member."},
		{"gps", `{"Location":{"GPSPoint":{"Coordinates":{"Latitude":34.6937,"Longitude":135.5023}}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: location is 35.6762, 139.6503, rule wants within 100 km of 34.6937, 135.5023 → not a member."},
		// An AND names the criterion that fails, whichever comes first.
		{"and, one fails", `{"Attributes":{"plan":{"Values":["pro"]},"interests":{"Values":["chess"]}},"Demographic":{"Platform":{"Values":["iOS"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: attribute interests is [golf, tennis], rule wants [chess] → not a member."},
		{"and, all hold", `{"Attributes":{"plan":{"Values":["pro"]}},"Demographic":{"Platform":{"Values":["ios"]}}}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: platform is iOS, rule wants [ios]; attribute plan is [pro], rule wants [pro] → member."},
		{"no criteria", `{}`, nil, time.Time{},
			"Segment 'VIP buyers' v3: no criteria, so every endpoint is a member → member."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			if e == nil {
				e = tokyo()
			}
			s, err := CompileSegment(&inapp.Segment{ID: "s", Name: "VIP buyers", Version: 3, Dimensions: dims(t, tt.dims)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			sub := &Subject{Endpoint: e, LastActive: tt.last, Now: now}
			member, why := s.Explain(sub)
			if member != s.Match(sub) {
				t.Errorf("Explain says member=%v, Match says %v", member, !member)
			}
			if why != tt.want {
				t.Errorf("Explain =\n  %s\nwant\n  %s", why, tt.want)
			}
		})
	}
}

func TestExplainSegmentGroups(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "us", Name: "Americans", Dimensions: dims(t, `{"Location":{"Country":{"Values":["US"]}}}`)})
	st.add(&inapp.Segment{ID: "ios", Name: "iPhones", Dimensions: dims(t, `{"Demographic":{"Platform":{"Values":["iOS"]}}}`)})
	st.add(&inapp.Segment{ID: "imported", Name: "VIP list", SegmentType: "IMPORT"})
	const (
		yes = `{"Attributes":{"plan":{"Values":["pro"]}}}`
		no  = `{"Demographic":{"Platform":{"Values":["android"]}}}`
	)
	tests := []struct {
		name, groups string
		member       func(string, string) bool
		want         string // a part of the explanation
	}{
		{"ALL, second set fails", `{"Groups":[{"Type":"ALL","Dimensions":[` + yes + `,` + no + `]}]}`, nil,
			"criteria set 2 of 2: platform is iOS, rule wants [android] (every set must hold) → not a member."},
		{"ANY, none holds", `{"Groups":[{"Type":"ANY","Dimensions":[` + no + `,` + no + `]}]}`, nil,
			"no criteria set holds: criteria set 1 of 2: platform is iOS, rule wants [android]; criteria set 2 of 2"},
		{"NONE, one holds", `{"Groups":[{"Type":"NONE","Dimensions":[` + no + `,` + yes + `]}]}`, nil,
			"criteria set 2 of 2: attribute plan is [pro], rule wants [pro], and the group wants none to hold (Type NONE) → not a member."},
		{"Include NONE", `{"Include":"NONE","Groups":[{"Dimensions":[` + yes + `]}]}`, nil,
			"group matches, and the segment excludes its endpoints (Include NONE): attribute plan is [pro], rule wants [pro] → not a member."},
		{"sources ANY, none", `{"Groups":[{"SourceSegments":[{"Id":"us"}]}]}`, nil,
			"in none of the source segments: source segment 'Americans' v1: country is JP, rule wants [US] → not a member."},
		{"sources ALL, one fails", `{"Groups":[{"SourceType":"ALL","SourceSegments":[{"Id":"ios"},{"Id":"us"}]}]}`, nil,
			"source segment 'Americans' v1: country is JP, rule wants [US] (every source segment must hold) → not a member."},
		{"imported, not a member", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`, nil,
			"source segment 'VIP list' v1: not in its imported list → not a member."},
		{"imported, member", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`, func(s, e string) bool { return s == "imported" },
			"source segment 'VIP list' v1: in its imported list → member."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seg := groupsSeg(t, "top", tt.groups)
			seg.Name, seg.Version = "Top", 1
			s, err := CompileSegment(seg, st.lookup)
			if err != nil {
				t.Fatal(err)
			}
			sub := &Subject{Endpoint: tokyo(), Now: now, Member: tt.member}
			member, why := s.Explain(sub)
			if member != s.Match(sub) {
				t.Errorf("Explain says member=%v, Match says %v", member, !member)
			}
			if !strings.HasPrefix(why, "Segment 'Top' v1: ") || !strings.Contains(why, tt.want) {
				t.Errorf("Explain =\n  %s\nwant it to contain\n  %s", why, tt.want)
			}
		})
	}
}

func TestExplainSchedule(t *testing.T) {
	created := ts("2026-11-01T00:00:00Z")
	tests := []struct {
		name, sched, at, tz string
		live                bool
		want                string
	}{
		{"not started, local time", `{"StartTime":"2026-12-01T09:00:00","IsLocalTime":true}`, "2026-11-21T12:00:00Z", "Europe/Paris", false,
			"Schedule: starts 2026-12-01 09:00 in Europe/Paris (endpoint's local time); not live yet."},
		{"live, immediate, no end", `{"StartTime":"IMMEDIATE"}`, "2026-11-21T12:00:00Z", "Europe/Paris", true,
			"Schedule: live since its creation, 2026-11-01 00:00 UTC, no end date."},
		{"live until", `{"StartTime":"2026-11-02T00:00:00Z","EndTime":"2026-12-31T00:00:00Z"}`, "2026-11-21T12:00:00Z", "", true,
			"Schedule: live since 2026-11-02 00:00 UTC, until 2026-12-31 00:00 UTC."},
		{"ended", `{"StartTime":"IMMEDIATE","EndTime":"2026-11-20T00:00:00Z"}`, "2026-11-21T12:00:00Z", "", false,
			"Schedule: ended 2026-11-20 00:00 UTC; no longer live."},
		{"local time, campaign's zone", `{"StartTime":"2026-12-01T09:00:00","IsLocalTime":true,"Timezone":"UTC+05:30"}`, "2026-11-21T12:00:00Z", "", false,
			"Schedule: starts 2026-12-01 09:00 in UTC+05:30 (the campaign's time zone; the endpoint reports none); not live yet."},
		{"local time, UTC", `{"StartTime":"2026-11-21T09:00:00","IsLocalTime":true}`, "2026-11-21T12:00:00Z", "Mars/Base", true,
			"Schedule: live since 2026-11-21 09:00 UTC (the endpoint reports no time zone), no end date."},
		{"quiet time on", `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"22:00","End":"07:00"}}`, "2026-11-21T22:30:00Z", "Europe/Paris", true,
			"Schedule: live since its creation, 2026-11-01 00:00 UTC, no end date. Quiet time 22:00–07:00 is on now in the endpoint's time zone: devices that honour it hold the message back."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := CompileSchedule(sched(t, tt.sched), created)
			if err != nil {
				t.Fatal(err)
			}
			live, why := s.Explain(ts(tt.at), tt.tz)
			if live != s.Live(ts(tt.at), tt.tz) || live != tt.live {
				t.Errorf("Explain live = %v, Live = %v, want %v", live, s.Live(ts(tt.at), tt.tz), tt.live)
			}
			if why != tt.want {
				t.Errorf("Explain =\n  %s\nwant\n  %s", why, tt.want)
			}
		})
	}
}

// Explain never disagrees with Live, on both sides of every boundary.
func TestExplainScheduleAgreesWithLive(t *testing.T) {
	s, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true,"Timezone":"UTC+05:30"}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for at := ts("2026-02-28T00:00:00Z"); at.Before(ts("2026-03-03T00:00:00Z")); at = at.Add(29 * time.Minute) {
		for _, tz := range []string{"Asia/Tokyo", "America/Los_Angeles", "", "Nowhere/Else"} {
			live, why := s.Explain(at, tz)
			if live != s.Live(at, tz) {
				t.Fatalf("at %s in %q: Explain live=%v, Live=%v", at, tz, live, !live)
			}
			if live != strings.Contains(why, "live since") {
				t.Fatalf("at %s in %q: live=%v but %q", at, tz, live, why)
			}
		}
	}
}
