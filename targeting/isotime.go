package targeting

import "time"

// civil is a date and wall-clock time as written, before any offset applies.
type civil struct {
	year                      int
	month                     time.Month
	day, hour, min, sec, nsec int
}

// in places the wall clock c in loc.
func (c civil) in(loc *time.Location) time.Time {
	return time.Date(c.year, c.month, c.day, c.hour, c.min, c.sec, c.nsec, loc)
}

// isoTime is a parsed ISO 8601 value: its wall clock as written, the UTC
// offset it carried (0 when it had none) and the instant that makes.
type isoTime struct {
	wall     civil
	instant  time.Time // UTC
	dateOnly bool      // "2026-02-05"
}

// parseISO accepts exactly the forms inapp.ParseTime accepts (the tests hold
// the two together) without allocating, because endpoint attribute values
// are parsed on every evaluation of a date dimension:
//
//	2026-02-05
//	2026-02-05T10:04                 (UTC)
//	2026-02-05T10:04Z | ±hh:mm
//	2026-02-05T10:04:05[.fff…]       (UTC; '.' or ',' and any number of digits, 9 kept)
//	2026-02-05T10:04:05[.fff…]Z | ±hh:mm | ±hhmm
func parseISO(s string) (t isoTime, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return t, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) {
		return t, false
	}
	c := civil{year: y, month: time.Month(mo), day: d}
	offset := 0
	if len(s) == 10 {
		t.dateOnly = true
	} else {
		// time.Parse reads the hour ("15") as one or two digits, minutes
		// and seconds as exactly two.
		if s[10] != 'T' {
			return t, false
		}
		r := s[11:]
		hl := 0
		for hl < len(r) && hl < 2 && isDigit(r[hl]) {
			hl++
		}
		if hl == 0 || len(r) < hl+3 || r[hl] != ':' {
			return t, false
		}
		h, _ := digits(r[:hl])
		mi, ok := digits(r[hl+1 : hl+3])
		if !ok || h > 23 || mi > 59 {
			return t, false
		}
		c.hour, c.min = h, mi
		r = r[hl+3:]
		seconds := false
		if len(r) > 0 && r[0] == ':' {
			if len(r) < 3 {
				return t, false
			}
			sec, ok := digits(r[1:3])
			if !ok || sec > 59 {
				return t, false
			}
			c.sec = sec
			r = r[3:]
			seconds = true
			if len(r) >= 2 && (r[0] == '.' || r[0] == ',') && isDigit(r[1]) {
				i, ns, scale := 1, 0, 100000000
				for ; i < len(r) && isDigit(r[i]); i++ {
					ns += int(r[i]-'0') * scale
					scale /= 10
				}
				c.nsec = ns
				r = r[i:]
			}
		}
		switch {
		case r == "":
		case r == "Z":
		case len(r) == 6 && (r[0] == '+' || r[0] == '-') && r[3] == ':':
			oh, ok1 := digits(r[1:3])
			om, ok2 := digits(r[4:6])
			if !ok1 || !ok2 || oh > 24 || om > 60 { // as lenient as time.Parse
				return t, false
			}
			offset = oh*3600 + om*60
			if r[0] == '-' {
				offset = -offset
			}
		case seconds && len(r) == 5 && (r[0] == '+' || r[0] == '-'):
			oh, ok1 := digits(r[1:3])
			om, ok2 := digits(r[3:5])
			if !ok1 || !ok2 || oh > 24 || om > 60 { // as lenient as time.Parse
				return t, false
			}
			offset = oh*3600 + om*60
			if r[0] == '-' {
				offset = -offset
			}
		default:
			return t, false
		}
	}
	t.wall = c
	t.instant = c.in(time.UTC).Add(-time.Duration(offset) * time.Second)
	return t, true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// dayNumber is the number of whole UTC days between the Unix epoch and t.
func dayNumber(t time.Time) int64 {
	u := t.Unix()
	d := u / 86400
	if u%86400 < 0 {
		d--
	}
	return d
}
