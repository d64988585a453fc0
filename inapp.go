// Package inapp holds the domain of inappd: the resources of Amazon Pinpoint's
// in-app channel (apps, endpoints, segments, templates, campaigns, events),
// the errors every layer shares, and the interfaces between the parts.
//
// The resource types mirror Pinpoint's service model field for field, JSON
// names included: inappd is wire compatible, so the model *is* the domain.
// The same documents are what the storage backends persist. This package
// knows no HTTP and no SQL.
package inapp

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Version is set at build time (-ldflags "-X github.com/inappd/inappd.Version=…").
var Version = "dev"

// Region and Account make up the ARNs inappd reports. Pinpoint clients only
// pass ARNs back (tags), so any stable value works; these read naturally.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

// Clock is the time source; tests replace it.
type Clock interface{ Now() time.Time }

// SystemClock reads the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

// FixedClock is a settable clock for tests.
type FixedClock struct{ T time.Time }

func (c *FixedClock) Now() time.Time { return c.T }

// TimeFormat is how inappd writes every date on the wire: ISO 8601, UTC, "Z".
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime accepts the ISO 8601 forms clients send: RFC 3339 with 0-9
// fractional digits, the same without a zone (taken as UTC, as boto3's
// datetime.isoformat() produces), and a bare date.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Errorf(EINVALID, "%q is not an ISO 8601 date and time", s)
}

// NewID returns a random 32-hex-character identifier, the form Pinpoint uses
// for application, segment and campaign IDs.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// AppArn and friends build the ARNs of the resources.
func AppArn(appID string) string {
	return "arn:aws:mobiletargeting:" + Region + ":" + Account + ":apps/" + appID
}
func SegmentArn(appID, id string) string  { return AppArn(appID) + "/segments/" + id }
func CampaignArn(appID, id string) string { return AppArn(appID) + "/campaigns/" + id }
func TemplateArn(name string) string {
	return "arn:aws:mobiletargeting:" + Region + ":" + Account + ":templates/" + name + "/INAPP"
}

// Page asks for one page of a listing. Token is the opaque NextToken of the
// previous page ("" for the first).
type Page struct {
	Size  int
	Token string
}
