package targeting

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

func sched(t testing.TB, js string) *inapp.Schedule {
	t.Helper()
	var s inapp.Schedule
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	return &s
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestValidateSchedule(t *testing.T) {
	created := ts("2026-02-01T00:00:00Z")
	tests := []struct{ name, schedule, want string }{
		{"seed", `{"EventFilter":{"Dimensions":{"EventType":{"DimensionType":"INCLUSIVE","Values":["app_launched"]}},"FilterType":"ENDPOINT"},"Frequency":"ONCE","StartTime":"2026-02-12T00:00:00Z"}`, ""},
		{"immediate", `{"StartTime":"IMMEDIATE","EndTime":"2026-03-01T00:00:00Z","Frequency":"IN_APP_EVENT","EventFilter":{"Dimensions":{"EventType":{"Values":["x"]}}}}`, ""},
		{"local time", `{"StartTime":"2026-03-01T09:00:00","EndTime":"2026-03-01T18:00:00.000Z","IsLocalTime":true,"Timezone":"UTC+05:30","QuietTime":{"Start":"22:00","End":"07:30"}}`, ""},
		{"empty quiet time", `{"StartTime":"2026-03-01T09:00:00Z","QuietTime":{}}`, ""},
		{"no StartTime", `{"EndTime":"2026-03-01T00:00:00Z"}`,
			`Schedule.StartTime: required; give "IMMEDIATE" or an ISO 8601 date and time`},
		{"bad StartTime", `{"StartTime":"now"}`,
			`Schedule.StartTime: "now" is not "IMMEDIATE" or an ISO 8601 date and time (e.g. "2026-02-12T00:00:00Z")`},
		{"lowercase immediate", `{"StartTime":"immediate"}`,
			`Schedule.StartTime: "immediate" is not "IMMEDIATE" or an ISO 8601 date and time (e.g. "2026-02-12T00:00:00Z")`},
		{"bad EndTime", `{"StartTime":"2026-03-01T00:00:00Z","EndTime":"2026-03-32T00:00:00Z"}`,
			`Schedule.EndTime: "2026-03-32T00:00:00Z" is not an ISO 8601 date and time (e.g. "2026-03-12T00:00:00Z")`},
		{"EndTime before StartTime", `{"StartTime":"2026-03-01T00:00:00Z","EndTime":"2026-02-01T00:00:00Z"}`,
			`Schedule.EndTime: 2026-02-01T00:00:00Z is not after StartTime 2026-03-01T00:00:00Z`},
		{"EndTime equals StartTime (other offset)", `{"StartTime":"2026-03-01T00:00:00Z","EndTime":"2026-03-01T09:00:00+09:00"}`,
			`Schedule.EndTime: 2026-03-01T09:00:00+09:00 is not after StartTime 2026-03-01T00:00:00Z`},
		{"local EndTime before StartTime (wall clocks)", `{"IsLocalTime":true,"StartTime":"2026-03-01T09:00:00+09:00","EndTime":"2026-03-01T08:00:00Z"}`,
			`Schedule.EndTime: 2026-03-01T08:00:00Z is not after StartTime 2026-03-01T09:00:00+09:00`},
		{"EndTime before IMMEDIATE start", `{"StartTime":"IMMEDIATE","EndTime":"2026-01-01T00:00:00Z"}`,
			`Schedule.EndTime: 2026-01-01T00:00:00Z is not after the campaign's start (StartTime IMMEDIATE: 2026-02-01T00:00:00.000Z)`},
		{"unknown Frequency", `{"StartTime":"IMMEDIATE","Frequency":"YEARLY"}`,
			`Schedule.Frequency: "YEARLY" is not one of ONCE, HOURLY, DAILY, WEEKLY, MONTHLY, EVENT, IN_APP_EVENT`},
		{"IANA Timezone", `{"StartTime":"IMMEDIATE","Timezone":"America/New_York"}`,
			`Schedule.Timezone: "America/New_York" is not one of ` + strings.Join(scheduleOffsets, ", ")},
		{"unpadded Timezone", `{"StartTime":"IMMEDIATE","Timezone":"UTC+5"}`,
			`Schedule.Timezone: "UTC+5" is not one of ` + strings.Join(scheduleOffsets, ", ")},
		{"QuietTime without End", `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"22:00"}}`,
			`Schedule.QuietTime.End: required with Start; give a time of day as HH:MM`},
		{"QuietTime without Start", `{"StartTime":"IMMEDIATE","QuietTime":{"End":"07:00"}}`,
			`Schedule.QuietTime.Start: required with End; give a time of day as HH:MM`},
		{"QuietTime bad Start", `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"24:00","End":"07:00"}}`,
			`Schedule.QuietTime.Start: "24:00" is not a time of day as HH:MM (24-hour, e.g. "22:00")`},
		{"QuietTime bad End", `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"22:00","End":"7:00"}}`,
			`Schedule.QuietTime.End: "7:00" is not a time of day as HH:MM (24-hour, e.g. "07:30")`},
		{"IN_APP_EVENT without EventFilter", `{"StartTime":"IMMEDIATE","Frequency":"IN_APP_EVENT"}`,
			`Schedule.EventFilter: required when Frequency is IN_APP_EVENT`},
		{"bad EventFilter", `{"StartTime":"IMMEDIATE","EventFilter":{"FilterType":"ENDPOINT","Dimensions":{"EventType":{"DimensionType":"ALL","Values":["x"]}}}}`,
			`Schedule.EventFilter.Dimensions.EventType.DimensionType: "ALL" is not one of INCLUSIVE, EXCLUSIVE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileSchedule(sched(t, tt.schedule), created)
			checkErr(t, err, tt.want)
		})
	}
	_, err := CompileSchedule(nil, created)
	checkErr(t, err, `Schedule: required; give at least StartTime`)
	checkErr(t, ValidateSchedule(sched(t, `{"StartTime":"soon"}`), created, "AdditionalTreatments[1].Schedule"),
		`AdditionalTreatments[1].Schedule.StartTime: "soon" is not "IMMEDIATE" or an ISO 8601 date and time (e.g. "2026-02-12T00:00:00Z")`)
	checkErr(t, ValidateSchedule(sched(t, `{"StartTime":"IMMEDIATE","EndTime":"2000-01-01T00:00:00Z"}`), time.Time{}, "Schedule"), "")
}

func TestLiveUTC(t *testing.T) {
	s, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-02T09:00:00+01:00"}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at   string
		tz   string
		want bool
	}{
		{"2026-03-01T08:59:59Z", "", false},
		{"2026-03-01T09:00:00Z", "", true},
		{"2026-03-01T09:00:00Z", "Asia/Tokyo", true}, // not local time: the zone does not matter
		{"2026-03-02T07:59:59Z", "America/Los_Angeles", true},
		{"2026-03-02T08:00:00Z", "", false}, // the end is exclusive
	} {
		if got := s.Live(ts(tt.at), tt.tz); got != tt.want {
			t.Errorf("Live(%s, %q) = %v, want %v", tt.at, tt.tz, got, tt.want)
		}
	}
	if s.Status(ts("2026-03-01T08:00:00Z")) != inapp.StatusScheduled ||
		s.Status(ts("2026-03-01T10:00:00Z")) != inapp.StatusExecuting ||
		s.Status(ts("2026-03-02T08:00:00Z")) != inapp.StatusCompleted {
		t.Error("Status")
	}
	if s.Ended(ts("2026-03-02T07:59:59Z")) || !s.Ended(ts("2026-03-02T08:00:00Z")) {
		t.Error("Ended")
	}
}

func TestLiveImmediate(t *testing.T) {
	created := ts("2026-03-01T12:00:00Z")
	s, err := CompileSchedule(sched(t, `{"StartTime":"IMMEDIATE","IsLocalTime":true,"EndTime":"2026-03-10T00:00:00Z"}`), created)
	if err != nil {
		t.Fatal(err)
	}
	if s.Live(created.Add(-time.Second), "Asia/Tokyo") || !s.Live(created, "Asia/Tokyo") || !s.Live(created, "America/Los_Angeles") {
		t.Error("IMMEDIATE starts at creation, an instant, in every zone")
	}
	// The end is local: midnight in Tokyo comes 17 hours before midnight in Los Angeles.
	if s.Live(ts("2026-03-09T15:00:00Z"), "Asia/Tokyo") || !s.Live(ts("2026-03-09T15:00:00Z"), "America/Los_Angeles") {
		t.Error("local end")
	}
	if !s.Started(created) || s.Started(created.Add(-time.Second)) {
		t.Error("Started")
	}
	open, err := CompileSchedule(sched(t, `{"StartTime":"IMMEDIATE"}`), created)
	if err != nil {
		t.Fatal(err)
	}
	if !open.Live(created.Add(100*365*24*time.Hour), "") || open.Ended(created.Add(100*365*24*time.Hour)) {
		t.Error("a schedule without EndTime never ends")
	}
	if _, end := open.Window(nil); !end.IsZero() {
		t.Error("Window end of an open schedule should be zero")
	}
}

// A local-time campaign from 09:00 to 18:00 on 2026-03-01, evaluated for an
// endpoint in Tokyo (UTC+9) and one in Los Angeles (UTC-8 in March before
// DST), then falling back to the campaign's Timezone and to UTC.
func TestLiveLocalTime(t *testing.T) {
	s, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true,"Timezone":"UTC+05:30"}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at, tz string
		want   bool
	}{
		{"2026-03-01T00:00:00Z", "Asia/Tokyo", true},           // 09:00 in Tokyo
		{"2026-02-28T23:59:59Z", "Asia/Tokyo", false},          // 08:59:59
		{"2026-03-01T08:59:59Z", "Asia/Tokyo", true},           // 17:59:59
		{"2026-03-01T09:00:00Z", "Asia/Tokyo", false},          // 18:00
		{"2026-03-01T00:00:00Z", "America/Los_Angeles", false}, // 16:00 the day before
		{"2026-03-01T17:00:00Z", "America/Los_Angeles", true},  // 09:00
		{"2026-03-02T01:59:59Z", "America/Los_Angeles", true},  // 17:59:59
		{"2026-03-02T02:00:00Z", "America/Los_Angeles", false}, // 18:00
		{"2026-03-01T17:00:00Z", "Asia/Tokyo", false},          // 02:00 the next day
		{"2026-03-01T00:00:00Z", "UTC+09", true},               // an offset works as a zone too
		// unknown endpoint zone: the campaign's UTC+05:30
		{"2026-03-01T03:30:00Z", "", true},
		{"2026-03-01T03:29:59Z", "Mars/Olympus_Mons", false},
		{"2026-03-01T12:29:59Z", "Local", true},
		{"2026-03-01T12:30:00Z", "", false},
	}
	for _, tt := range tests {
		if got := s.Live(ts(tt.at), tt.tz); got != tt.want {
			t.Errorf("Live(%s, %q) = %v, want %v", tt.at, tt.tz, got, tt.want)
		}
	}

	// Campaign-wide: started once UTC+14 reaches 09:00, ended once UTC-12 reaches 18:00.
	for _, tt := range []struct{ at, want string }{
		{"2026-02-28T18:59:59Z", inapp.StatusScheduled},
		{"2026-02-28T19:00:00Z", inapp.StatusExecuting},
		{"2026-03-02T05:59:59Z", inapp.StatusExecuting},
		{"2026-03-02T06:00:00Z", inapp.StatusCompleted},
	} {
		if got := s.Status(ts(tt.at)); got != tt.want {
			t.Errorf("Status(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}

	// No campaign Timezone: UTC.
	u, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if u.Live(ts("2026-03-01T08:59:59Z"), "") || !u.Live(ts("2026-03-01T09:00:00Z"), "nonsense") || !u.LiveIn(ts("2026-03-01T09:00:00Z"), nil) {
		t.Error("UTC fallback")
	}
	if !u.IsLocalTime() || u.Frequency() != "" {
		t.Error("accessors")
	}
}

// Wall clocks follow the endpoint's daylight saving time.
func TestLiveLocalTimeDST(t *testing.T) {
	s, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-07T09:00:00","EndTime":"2026-03-09T09:00:00","IsLocalTime":true}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	start, end := s.Window(Zone("America/Los_Angeles"))
	if !start.Equal(ts("2026-03-07T17:00:00Z")) || !end.Equal(ts("2026-03-09T16:00:00Z")) { // PST, then PDT
		t.Errorf("Window = %v, %v", start, end)
	}
}

func TestQuiet(t *testing.T) {
	s, err := CompileSchedule(sched(t, `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"22:00","End":"07:00"}}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at, tz string
		want   bool
	}{
		{"2026-03-01T13:00:00Z", "Asia/Tokyo", true},           // 22:00
		{"2026-03-01T12:59:00Z", "Asia/Tokyo", false},          // 21:59
		{"2026-03-01T22:00:00Z", "Asia/Tokyo", true},           // 07:00
		{"2026-03-01T22:01:00Z", "Asia/Tokyo", false},          // 07:01
		{"2026-03-01T13:00:00Z", "America/Los_Angeles", true},  // 05:00
		{"2026-03-01T20:00:00Z", "America/Los_Angeles", false}, // 12:00
		{"2026-03-01T13:00:00Z", "", false},                    // no valid zone: never quiet
		{"2026-03-01T23:00:00Z", "Nowhere/Special", false},
	} {
		if got := s.Quiet(ts(tt.at), tt.tz); got != tt.want {
			t.Errorf("Quiet(%s, %q) = %v, want %v", tt.at, tt.tz, got, tt.want)
		}
	}
	day, err := CompileSchedule(sched(t, `{"StartTime":"IMMEDIATE","QuietTime":{"Start":"09:00","End":"17:00"}}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !day.Quiet(ts("2026-03-01T03:00:00Z"), "Asia/Tokyo") || day.Quiet(ts("2026-03-01T09:00:00Z"), "Asia/Tokyo") {
		t.Error("daytime quiet window")
	}
	none, _ := CompileSchedule(sched(t, `{"StartTime":"IMMEDIATE"}`), time.Time{})
	if none.Quiet(ts("2026-03-01T13:00:00Z"), "Asia/Tokyo") {
		t.Error("no QuietTime")
	}
}

func TestLocalDay(t *testing.T) {
	at := ts("2026-03-01T20:00:00Z")
	for _, tt := range []struct{ tz, want string }{
		{"Asia/Tokyo", "2026-03-02"},
		{"America/Los_Angeles", "2026-03-01"},
		{"Pacific/Kiritimati", "2026-03-02"},
		{"UTC+05:30", "2026-03-02"},
		{"", "2026-03-01"},
		{"Local", "2026-03-01"},
		{"No/Such_Zone", "2026-03-01"},
		{"../../etc/passwd", "2026-03-01"},
	} {
		if got := LocalDay(at, tt.tz); got != tt.want {
			t.Errorf("LocalDay(%q) = %s, want %s", tt.tz, got, tt.want)
		}
	}
}

func TestZone(t *testing.T) {
	a, b := Zone("Asia/Tokyo"), Zone("Asia/Tokyo")
	if a == nil || a != b {
		t.Error("Zone should cache locations")
	}
	for _, name := range []string{"", "Local", "Nope/Nope", "/etc/localtime", "Asia/../Asia/Tokyo", "UTC+15", "UTC+5", "UTC+05:60", "GMT+1"} {
		if Zone(name) != nil {
			t.Errorf("Zone(%q) should be nil", name)
		}
	}
	if Zone("UTC") != time.UTC {
		t.Error("UTC")
	}
	if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, Zone("UTC-03:30")).Zone(); off != -(3*3600 + 1800) {
		t.Errorf("UTC-03:30 offset %d", off)
	}
}

// Compiled segments and schedules are shared by every request, and the zone
// cache by everything: use them from many goroutines (go test -race).
func TestConcurrentUse(t *testing.T) {
	segs := benchSegments(t, 200)
	s, err := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	zones := []string{"Asia/Tokyo", "America/Los_Angeles", "Europe/Paris", "UTC+05:30", "Bad/Zone", "", "Australia/Sydney"}
	want := make([]bool, len(segs))
	sub := benchSubject()
	for i, seg := range segs {
		want[i] = seg.Match(sub)
	}
	done := make(chan string)
	for g := 0; g < 8; g++ {
		go func(g int) {
			sub := benchSubject()
			for round := 0; round < 50; round++ {
				for i, seg := range segs {
					if seg.Match(sub) != want[i] {
						done <- "Match differs between goroutines"
						return
					}
				}
				tz := zones[(g+round)%len(zones)]
				s.Live(ts("2026-03-01T03:00:00Z"), tz)
				LocalDay(now, tz)
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 8; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
