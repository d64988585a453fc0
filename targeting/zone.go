package targeting

import (
	"sync"
	"sync/atomic"
	"time"

	// The tz database is compiled in, so that time zone decisions are the
	// same on every machine, scratch containers included. It is only read
	// when the system has no zoneinfo of its own.
	_ "time/tzdata"
)

// Zone resolves a time zone name as endpoints report it in
// Demographic.Timezone: an IANA name ("Asia/Tokyo", "UTC") or, as a
// convenience, one of Pinpoint's schedule offsets ("UTC+05:30", "UTC-08").
// It returns nil for an empty, unknown or malformed name; "Local" is
// unknown (the server's own zone means nothing to an endpoint).
//
// Loading a location reads the tz database, which is slow: results,
// failures included, are cached for the life of the process. Endpoints
// supply these names, so the cache stops growing at a few thousand names;
// past that, unknown names are resolved (and rejected) on every call.
func Zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location)
	}
	loc := loadZone(name)
	if zoneCount.Load() < maxZones {
		if _, loaded := zones.LoadOrStore(name, loc); !loaded {
			zoneCount.Add(1)
		}
	}
	return loc
}

const maxZones = 4096

var (
	zones     sync.Map // name → *time.Location (nil: unknown)
	zoneCount atomic.Int64
)

func loadZone(name string) *time.Location {
	if loc, ok := offsetZone(name); ok {
		return loc
	}
	if name == "Local" || len(name) > 64 {
		return nil
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '_' || c == '-' || c == '+') {
			return nil
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// offsetZone parses "UTC", "UTC±hh" and "UTC±hh:mm" into a fixed zone
// named as given.
func offsetZone(name string) (*time.Location, bool) {
	off, ok := parseOffset(name)
	if !ok {
		return nil, false
	}
	if off == 0 {
		return time.UTC, true
	}
	return time.FixedZone(name, off), true
}

func parseOffset(name string) (int, bool) {
	if len(name) < 3 || name[:3] != "UTC" {
		return 0, false
	}
	r := name[3:]
	if r == "" {
		return 0, true
	}
	if len(r) != 3 && len(r) != 6 || r[0] != '+' && r[0] != '-' {
		return 0, false
	}
	h, ok := digits(r[1:3])
	if !ok || h > 14 {
		return 0, false
	}
	m := 0
	if len(r) == 6 {
		if r[3] != ':' {
			return 0, false
		}
		if m, ok = digits(r[4:6]); !ok || m > 59 {
			return 0, false
		}
	}
	off := h*3600 + m*60
	if r[0] == '-' {
		off = -off
	}
	return off, true
}

// LocalDay is the calendar day ("2006-01-02") of t in the endpoint's time
// zone (Demographic.Timezone, see Zone), or in UTC when the zone is unknown:
// the bucket daily caps count in.
func LocalDay(t time.Time, endpointTZ string) string {
	loc := Zone(endpointTZ)
	if loc == nil {
		loc = time.UTC
	}
	var buf [16]byte
	return string(t.In(loc).AppendFormat(buf[:0], "2006-01-02"))
}
