package targeting

import (
	"time"

	inapp "github.com/inappd/inappd"
)

// Schedule is a compiled campaign schedule.
//
// A campaign is live from its start (inclusive) to its end (exclusive). With
// IsLocalTime false, StartTime and EndTime are instants. With IsLocalTime
// true they are wall-clock times, read as written (any offset in the string
// is ignored: "2026-03-01T09:00:00Z" means 09:00 wherever the endpoint is),
// placed in the endpoint's Demographic.Timezone, else in the campaign's
// Timezone offset, else in UTC. StartTime "IMMEDIATE" is the campaign's
// creation time, an instant, local time or not.
type Schedule struct {
	immediate bool
	local     bool
	start     time.Time // instant: !local or immediate
	startWall civil
	hasEnd    bool
	end       time.Time // instant: !local
	endWall   civil
	fallback  *time.Location
	quiet     bool
	quietFrom int // minutes after midnight
	quietTo   int
	frequency string
}

// Extremes of civil time zones, for the campaign-wide state of a local-time
// schedule: its first endpoints start at UTC+14, its last end at UTC-12.
const (
	earliestZone = 14 * time.Hour
	latestZone   = 12 * time.Hour
)

// CompileSchedule validates and compiles a campaign's Schedule. created is
// the campaign's creation time, the start of an "IMMEDIATE" schedule.
func CompileSchedule(s *inapp.Schedule, created time.Time) (*Schedule, error) {
	return compileSchedule(s, created, "Schedule")
}

// ValidateSchedule checks a Schedule found at path (e.g.
// "AdditionalTreatments[0].Schedule"), as CompileSchedule does:
//   - StartTime is required: "IMMEDIATE" or ISO 8601;
//   - EndTime, if any, is ISO 8601 and after StartTime (after created for
//     "IMMEDIATE", unless created is zero);
//   - Frequency is one of ONCE, HOURLY, DAILY, WEEKLY, MONTHLY, EVENT,
//     IN_APP_EVENT; EVENT and IN_APP_EVENT need an EventFilter;
//   - Timezone is one of Pinpoint's offsets (UTC, UTC+01, …, UTC-11);
//   - QuietTime Start and End come together, as "HH:MM";
//   - EventFilter passes ValidateEventFilter.
func ValidateSchedule(s *inapp.Schedule, created time.Time, path string) error {
	_, err := compileSchedule(s, created, path)
	return err
}

func compileSchedule(s *inapp.Schedule, created time.Time, path string) (*Schedule, error) {
	if s == nil {
		return nil, invalid(path, "required; give at least StartTime")
	}
	c := &Schedule{fallback: time.UTC, frequency: s.Frequency}
	c.local = s.IsLocalTime != nil && *s.IsLocalTime
	switch s.StartTime {
	case "":
		return nil, invalid(path+".StartTime", "required; give \"IMMEDIATE\" or an ISO 8601 date and time")
	case "IMMEDIATE":
		c.immediate, c.start = true, created.UTC()
	default:
		p, ok := parseISO(s.StartTime)
		if !ok {
			return nil, invalid(path+".StartTime", "%q is not \"IMMEDIATE\" or an ISO 8601 date and time (e.g. \"2026-02-12T00:00:00Z\")", s.StartTime)
		}
		c.start, c.startWall = p.instant, p.wall
	}
	if s.EndTime != "" {
		p, ok := parseISO(s.EndTime)
		if !ok {
			return nil, invalid(path+".EndTime", "%q is not an ISO 8601 date and time (e.g. \"2026-03-12T00:00:00Z\")", s.EndTime)
		}
		c.hasEnd, c.end, c.endWall = true, p.instant, p.wall
		switch {
		case c.immediate:
			end := c.end
			if c.local {
				end = c.endWall.in(time.UTC).Add(latestZone)
			}
			if !created.IsZero() && !end.After(c.start) {
				return nil, invalid(path+".EndTime", "%s is not after the campaign's start (StartTime IMMEDIATE: %s)", s.EndTime, inapp.FormatTime(c.start))
			}
		case c.local && !c.endWall.in(time.UTC).After(c.startWall.in(time.UTC)),
			!c.local && !c.end.After(c.start):
			return nil, invalid(path+".EndTime", "%s is not after StartTime %s", s.EndTime, s.StartTime)
		}
	}
	if s.Frequency != "" && !oneOf(s.Frequency, frequencies) {
		return nil, notOneOf(path+".Frequency", s.Frequency, frequencies)
	}
	if s.Timezone != "" {
		if !oneOf(s.Timezone, scheduleOffsets) {
			return nil, notOneOf(path+".Timezone", s.Timezone, scheduleOffsets)
		}
		c.fallback, _ = offsetZone(s.Timezone)
	}
	if q := s.QuietTime; q != nil && (q.Start != "" || q.End != "") {
		var ok bool
		if q.Start == "" {
			return nil, invalid(path+".QuietTime.Start", "required with End; give a time of day as HH:MM")
		}
		if q.End == "" {
			return nil, invalid(path+".QuietTime.End", "required with Start; give a time of day as HH:MM")
		}
		if c.quietFrom, ok = parseHHMM(q.Start); !ok {
			return nil, invalid(path+".QuietTime.Start", "%q is not a time of day as HH:MM (24-hour, e.g. \"22:00\")", q.Start)
		}
		if c.quietTo, ok = parseHHMM(q.End); !ok {
			return nil, invalid(path+".QuietTime.End", "%q is not a time of day as HH:MM (24-hour, e.g. \"07:30\")", q.End)
		}
		c.quiet = true
	}
	if err := ValidateEventFilter(s.EventFilter, path+".EventFilter"); err != nil {
		return nil, err
	}
	if s.EventFilter == nil && (s.Frequency == "EVENT" || s.Frequency == "IN_APP_EVENT") {
		return nil, invalid(path+".EventFilter", "required when Frequency is %s", s.Frequency)
	}
	return c, nil
}

func parseHHMM(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// Frequency is the schedule's Frequency as given.
func (s *Schedule) Frequency() string { return s.frequency }

// IsLocalTime reports whether start and end are endpoint wall-clock times.
func (s *Schedule) IsLocalTime() bool { return s.local }

// Window returns the start and end instants of the schedule for an endpoint
// whose time zone is loc (see Zone; nil when unknown). end is the zero time
// when the schedule has no EndTime. Only local-time schedules depend on loc.
func (s *Schedule) Window(loc *time.Location) (start, end time.Time) {
	if !s.local {
		if s.hasEnd {
			end = s.end
		}
		return s.start, end
	}
	if loc == nil {
		loc = s.fallback
	}
	start = s.start
	if !s.immediate {
		start = s.startWall.in(loc)
	}
	if s.hasEnd {
		end = s.endWall.in(loc)
	}
	return start, end
}

// Live reports whether the campaign runs at now for an endpoint whose
// Demographic.Timezone is endpointTZ: start <= now < end.
func (s *Schedule) Live(now time.Time, endpointTZ string) bool {
	if !s.local {
		return s.LiveIn(now, nil)
	}
	return s.LiveIn(now, Zone(endpointTZ))
}

// LiveIn is Live with the endpoint's zone already resolved (nil: unknown).
func (s *Schedule) LiveIn(now time.Time, loc *time.Location) bool {
	start, end := s.Window(loc)
	return !now.Before(start) && (!s.hasEnd || now.Before(end))
}

// Started reports whether the campaign has started for at least one
// endpoint (a local-time schedule starts first at UTC+14).
func (s *Schedule) Started(now time.Time) bool {
	start := s.start
	if s.local && !s.immediate {
		start = s.startWall.in(time.UTC).Add(-earliestZone)
	}
	return !now.Before(start)
}

// Ended reports whether the campaign has ended for every endpoint (a
// local-time schedule ends last at UTC-12). A schedule without EndTime
// never ends.
func (s *Schedule) Ended(now time.Time) bool {
	if !s.hasEnd {
		return false
	}
	end := s.end
	if s.local {
		end = s.endWall.in(time.UTC).Add(latestZone)
	}
	return !now.Before(end)
}

// Status is the campaign state the schedule implies at now: SCHEDULED
// before it starts anywhere, COMPLETED once it has ended everywhere,
// EXECUTING in between. Paused and deleted are the caller's business.
func (s *Schedule) Status(now time.Time) string {
	switch {
	case s.Ended(now):
		return inapp.StatusCompleted
	case !s.Started(now):
		return inapp.StatusScheduled
	}
	return inapp.StatusExecuting
}

// Quiet reports whether now falls in the schedule's QuietTime for an
// endpoint: as Pinpoint documents, only when the endpoint's
// Demographic.Timezone is valid, and when its local time of day is at or
// after Start and at or before End (minutes; a Start after End spans
// midnight).
func (s *Schedule) Quiet(now time.Time, endpointTZ string) bool {
	if !s.quiet {
		return false
	}
	loc := Zone(endpointTZ)
	if loc == nil {
		return false
	}
	t := now.In(loc)
	m := t.Hour()*60 + t.Minute()
	if s.quietFrom <= s.quietTo {
		return m >= s.quietFrom && m <= s.quietTo
	}
	return m >= s.quietFrom || m <= s.quietTo
}
