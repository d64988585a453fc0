package targeting

import (
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var isoInputs = []string{
	"2026-02-05",
	"2024-02-29", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
	"2026-02-05T10:04", "2026-02-05T10:04Z", "2026-02-05T10:04+09:00", "2026-02-05T10:04-0800",
	"2026-02-05T10:04:05", "2026-02-05T10:04:05Z", "2026-02-05T10:04:05.1Z", "2026-02-05T10:04:05.123Z",
	"2026-02-05T10:04:05.123456789Z", "2026-02-05T10:04:05.1234567891234Z", "2026-02-05T10:04:05,5Z",
	"2026-02-05T10:04:05.123", "2026-02-05T10:04:05+05:30", "2026-02-05T10:04:05-08:00",
	"2026-02-05T10:04:05+0530", "2026-02-05T10:04:05.250-0800", "2026-02-05T10:04:05+05",
	"2026-02-05T24:00:00Z", "2026-02-05T23:60:00Z", "2026-02-05T23:59:60Z", "2026-02-05T23:59:59+24:00",
	"2026-02-05T23:59:59+23:59", "2026-02-05T23:59:59+12:60",
	"2026-02-05 10:04:05Z", "2026-02-05t10:04:05z", "2026-02-05T10:04:05.Z", "2026-02-05T10:04:5Z",
	"2026-2-5", "26-02-05", "20260205", "2026-02-05T", "2026-02-05T10", "2026-02-05T10:0",
	"", "IMMEDIATE", "not a date", "1770249600000", "+2026-02-05", "2026-02-05Z",
	"0000-01-01", "9999-12-31T23:59:59.999999999Z", "2026-02-05T10:04:05Z ", " 2026-02-05",
	"2026-02-05T10:04:05.123+05:30x", "2026-02-05T10:04Z07:00",
	"0000-01-01T0:00", "2026-02-05T7:04:05Z", "2026-02-05T:04", "2026-02-05T123:04",
}

// parseISO (allocation-free, used on the hot path) must read exactly what
// inapp.ParseTime reads, as the same instant.
func TestParseISOAgreesWithParseTime(t *testing.T) {
	for _, s := range isoInputs {
		checkParseAgreement(t, s)
	}
}

func checkParseAgreement(t *testing.T, s string) {
	t.Helper()
	want, err := inapp.ParseTime(s)
	got, ok := parseISO(s)
	if ok != (err == nil) {
		t.Errorf("%q: parseISO ok=%v, inapp.ParseTime err=%v", s, ok, err)
		return
	}
	if ok && !got.instant.Equal(want) {
		t.Errorf("%q: parseISO %v, inapp.ParseTime %v", s, got.instant, want)
	}
	if ok && got.dateOnly != (len(s) == 10) {
		t.Errorf("%q: dateOnly %v", s, got.dateOnly)
	}
}

func FuzzParseISO(f *testing.F) {
	for _, s := range isoInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkParseAgreement(t, s) })
}

func TestParseISOWallClock(t *testing.T) {
	p, ok := parseISO("2026-03-01T09:30:15.5+09:00")
	if !ok {
		t.Fatal("no parse")
	}
	if w := p.wall.in(time.UTC); !w.Equal(time.Date(2026, 3, 1, 9, 30, 15, 500000000, time.UTC)) {
		t.Errorf("wall clock %v", w)
	}
	if !p.instant.Equal(time.Date(2026, 3, 1, 0, 30, 15, 500000000, time.UTC)) {
		t.Errorf("instant %v", p.instant)
	}
}

func TestDayNumber(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want int64
	}{
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(1970, 1, 1, 23, 59, 59, 0, time.UTC), 0},
		{time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), -1},
		{time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), -1},
		{time.Date(1969, 12, 30, 23, 0, 0, 0, time.UTC), -2},
		{time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC), 20489},
	} {
		if got := dayNumber(tt.t); got != tt.want {
			t.Errorf("dayNumber(%v) = %d, want %d", tt.t, got, tt.want)
		}
	}
}
