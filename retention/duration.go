package retention

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// ParseDuration reads a retention as an operator writes it: days ("90d"),
// a Go duration ("2160h", "36h30m"), or "0", which keeps everything
// forever. A retention shorter than a day is refused: analytics are kept
// by the day.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%q: give whole days (90d), a duration (2160h) or 0 to keep everything", s)
		}
		d = time.Duration(days) * day
	} else if s == "0" {
		return 0, nil
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: give whole days (90d), a duration (2160h) or 0 to keep everything", s)
		}
	}
	switch {
	case d == 0:
		return 0, nil
	case d < 0:
		return 0, fmt.Errorf("%q is negative: give 0 to keep everything, or at least 1d", s)
	case d < day:
		return 0, fmt.Errorf("%q is under a day: give 0 to keep everything, or at least 1d", s)
	}
	return d, nil
}

// FormatDuration writes a retention the way ParseDuration reads it: in
// days when it is whole days.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	if d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}

// Flag is a flag.Value holding a retention.
type Flag struct{ D *time.Duration }

func (f Flag) String() string {
	if f.D == nil {
		return ""
	}
	return FormatDuration(*f.D)
}

func (f Flag) Set(s string) error {
	d, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*f.D = d
	return nil
}
