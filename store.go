package inapp

import (
	"context"
	"time"
)

// Store is everything inappd persists. Every backend (SQLite today,
// PostgreSQL next) implements it and passes the shared suite in storetest.
//
// Conventions for every method:
//   - a missing resource is an *Error with code ENOTFOUND, and so is a
//     missing app for every app-scoped write and listing (the event
//     methods, hot paths, do not check);
//   - listings return at most Page.Size items (100 when Size is 0 or less)
//     plus the token of the next page ("" on the last page), in creation
//     order; a token the backend did not issue is EINVALID;
//   - documents are stored and returned whole: what goes in comes out.
//
// A backend that runs import jobs also implements ImportStore (import.go);
// sqlite does, and storetest runs its cases on every backend that does.
type Store interface {
	AppStore
	EndpointStore
	SegmentStore
	TemplateStore
	CampaignStore
	EventStore
	TagStore
	KeyStore
	AnalyticsStore // rollups for the KPI operations and the console (analytics.go)
	TestSendStore
	EventStreamStore // event streams and their outbox (stream.go)
	Pruner           // retention: deleting old events and rollups (retention.go)
	// Ping reports whether the database answers (healthz, 503 decisions).
	Ping(ctx context.Context) error
	Close() error
}

type AppStore interface {
	CreateApp(ctx context.Context, app *App) error
	GetApp(ctx context.Context, id string) (*App, error)
	ListApps(ctx context.Context, page Page) ([]*App, string, error)
	// DeleteApp removes the app and everything that belongs to it
	// (settings, endpoints, segments, campaigns, events, counters, client
	// keys, the tags of the app and of every resource under it, and for an
	// ImportStore its import jobs and segment members) and returns the app
	// as it was.
	DeleteApp(ctx context.Context, id string) (*App, error)
	// GetAppSettings returns the stored settings, or settings holding only
	// ApplicationId when none were written. ENOTFOUND when the app is missing.
	GetAppSettings(ctx context.Context, appID string) (*AppSettings, error)
	PutAppSettings(ctx context.Context, s *AppSettings) error
}

// EndpointUpdate receives the current endpoint (nil when it does not exist)
// and returns the endpoint to store, or nil to leave it as it is. Returning
// an error aborts the whole UpdateEndpoints call: nothing is written.
type EndpointUpdate func(id string, current *Endpoint) (*Endpoint, error)

type EndpointStore interface {
	GetEndpoint(ctx context.Context, appID, id string) (*Endpoint, error)
	// UpdateEndpoints reads, updates and writes the given endpoints in one
	// transaction, so concurrent updates of one endpoint never lose a field.
	UpdateEndpoints(ctx context.Context, appID string, ids []string, fn EndpointUpdate) error
	DeleteEndpoint(ctx context.Context, appID, id string) (*Endpoint, error)
	// UserEndpoints lists the endpoints whose User.UserId is userID (an
	// empty list for an unknown user).
	UserEndpoints(ctx context.Context, appID, userID string) ([]*Endpoint, error)
	DeleteUserEndpoints(ctx context.Context, appID, userID string) ([]*Endpoint, error)
	// EndpointsByAddress lists the endpoints of the app whose Address is
	// address, in creation order (Pinpoint retires an endpoint whose
	// address another endpoint takes).
	EndpointsByAddress(ctx context.Context, appID, address string) ([]*Endpoint, error)
	// RemoveEndpointAttributes deletes the named keys from the chosen map
	// (AttributeKind) of every endpoint of the app.
	RemoveEndpointAttributes(ctx context.Context, appID string, kind AttributeKind, names []string) error
	// ScanEndpoints calls fn for every endpoint of the app, in no set order,
	// until fn returns false (segment size estimates, exports).
	ScanEndpoints(ctx context.Context, appID string, fn func(*Endpoint) bool) error
}

// AttributeKind names one of an endpoint's attribute maps, as in
// RemoveAttributes' {attribute-type} path label.
type AttributeKind string

const (
	EndpointCustomAttributes AttributeKind = "endpoint-custom-attributes"
	EndpointMetricAttributes AttributeKind = "endpoint-metric-attributes"
	EndpointUserAttributes   AttributeKind = "endpoint-user-attributes"
)

// SegmentStore keeps every version of every segment. The latest version of
// a segment is the segment.
type SegmentStore interface {
	// PutSegment stores seg as a new version; seg.Version must be one more
	// than the latest stored version (1 for a new segment), else ECONFLICT.
	PutSegment(ctx context.Context, seg *Segment) error
	// GetSegment returns the given version, or the latest when version is 0.
	GetSegment(ctx context.Context, appID, id string, version int) (*Segment, error)
	ListSegments(ctx context.Context, appID string, page Page) ([]*Segment, string, error)
	// ListSegmentVersions lists versions newest first.
	ListSegmentVersions(ctx context.Context, appID, id string, page Page) ([]*Segment, string, error)
	// DeleteSegment removes all versions (and, for an ImportStore, the
	// members of an IMPORT segment) and returns the latest.
	DeleteSegment(ctx context.Context, appID, id string) (*Segment, error)
}

// TemplateStore keeps every version of every in-app template. Version
// numbers are strings on the wire ("1", "2", …) and ints here.
type TemplateStore interface {
	// PutTemplate writes t. With newVersion it is stored as version
	// latest+1 (1 when the template is new; the active version is then 1);
	// otherwise it overwrites version t.Version (which must exist).
	// t.Version is set to the version written.
	PutTemplate(ctx context.Context, t *Template, newVersion bool) error
	// GetTemplate returns the given version, or the active one when version
	// is "".
	GetTemplate(ctx context.Context, name, version string) (*Template, error)
	// LatestTemplateVersion returns the newest version number.
	LatestTemplateVersion(ctx context.Context, name string) (string, error)
	// ListTemplates lists templates (their active version) whose name starts
	// with prefix.
	ListTemplates(ctx context.Context, prefix string, page Page) ([]*Template, string, error)
	// ListTemplateVersions lists versions newest first.
	ListTemplateVersions(ctx context.Context, name string, page Page) ([]*Template, string, error)
	SetActiveTemplateVersion(ctx context.Context, name, version string) error
	// DeleteTemplate deletes one version, or every version when version is
	// "". Deleting the active version makes the latest remaining one active.
	DeleteTemplate(ctx context.Context, name, version string) error
}

// CampaignStore keeps every version of every campaign.
type CampaignStore interface {
	// PutCampaign stores c as a new version (c.Version = latest+1, 1 when
	// new), else ECONFLICT.
	PutCampaign(ctx context.Context, c *Campaign) error
	GetCampaign(ctx context.Context, appID, id string, version int) (*Campaign, error)
	ListCampaigns(ctx context.Context, appID string, page Page) ([]*Campaign, string, error)
	ListCampaignVersions(ctx context.Context, appID, id string, page Page) ([]*Campaign, string, error)
	// DeleteCampaign removes all versions and returns the latest.
	DeleteCampaign(ctx context.Context, appID, id string) (*Campaign, error)
	// AllCampaigns returns the latest version of every campaign of the app,
	// for building delivery snapshots.
	AllCampaigns(ctx context.Context, appID string) ([]*Campaign, error)
	// AllSegments returns the latest version of every segment of the app.
	AllSegments(ctx context.Context, appID string) ([]*Segment, error)
}

// EventRecord is one event of a PutEvents batch on its way to storage.
type EventRecord struct {
	AppID      string
	EndpointID string
	EventID    string
	Event      *Event
	Time       time.Time // parsed Event.Timestamp
	// CapDay is the endpoint's local day ("2006-01-02") the event falls on,
	// set for _inapp.message_displayed events that carry a campaign_id.
	CapDay string
	// Doc is Event encoded as JSON, when the caller encoded it already;
	// backends then store it as it is.
	Doc []byte
}

// CapCount is how often one campaign was displayed to one endpoint.
type CapCount struct {
	Total int
	Day   int // on the day asked for
}

// TotalCapDay is the cap counters' day bucket for the all-time total.
const TotalCapDay = "*"

// AddCapCount folds one stored counter row (its day bucket, campaign and
// count) into counts: as the campaign's Total when the bucket is
// TotalCapDay, as its Day when the bucket is day; a row of another day is
// left out.
func AddCapCount(counts map[string]CapCount, bucket, campaign string, n int64, day string) {
	if bucket != TotalCapDay && bucket != day {
		return
	}
	c := counts[campaign]
	if bucket == TotalCapDay {
		c.Total = int(n)
	}
	if bucket == day {
		c.Day = int(n)
	}
	counts[campaign] = c
}

type EventStore interface {
	// RecordEvents stores events in one transaction, or in several where
	// other writes would otherwise wait for the whole batch (SQLite): each
	// commit then holds whole events with their counters and analytics, and
	// an error may come after earlier commits, which a retry counts once.
	// Records must be
	// validated first: a nil Event or empty ID fails the whole call (EINVALID). An event whose
	// (AppID, EndpointID, EventID) is already stored is skipped, so a
	// retried batch counts once. For every newly stored displayed event with
	// a campaign_id attribute, the endpoint's cap counters for that
	// campaign move by one (total, and the CapDay bucket).
	// It reports which records were new.
	RecordEvents(ctx context.Context, events []*EventRecord) (fresh []bool, err error)
	// CapCounts returns the display counts of an endpoint per campaign ID,
	// with Day counting the day given.
	CapCounts(ctx context.Context, appID, endpointID, day string) (map[string]CapCount, error)
	// EndpointActivity returns when the endpoint last sent an event (zero
	// time if never), for Behavior.Recency.
	EndpointActivity(ctx context.Context, appID, endpointID string) (time.Time, error)
	// ListEvents returns an endpoint's stored events, newest first.
	ListEvents(ctx context.Context, appID, endpointID string, limit int) ([]*EventRecord, error)
}

// TagStore keeps tags by resource ARN.
type TagStore interface {
	GetTags(ctx context.Context, arn string) (map[string]string, error)
	// AddTags merges tags into the resource's tags.
	AddTags(ctx context.Context, arn string, tags map[string]string) error
	RemoveTags(ctx context.Context, arn string, keys []string) error
	// DeleteTags forgets every tag of the resource (it was deleted).
	DeleteTags(ctx context.Context, arn string) error
}

// AccessKey is a SigV4 credential. AppID "" is a root key that may do
// everything; otherwise it is a client key for one app's device operations.
type AccessKey struct {
	ID           string `json:"AccessKeyId"`
	Secret       string `json:"SecretAccessKey,omitempty"`
	AppID        string `json:"ApplicationId,omitempty"`
	Description  string `json:"Description,omitempty"`
	CreationDate string `json:"CreationDate"`
}

type KeyStore interface {
	CreateKey(ctx context.Context, k *AccessKey) error
	GetKey(ctx context.Context, id string) (*AccessKey, error)
	// ListKeys lists the keys of one app ("" lists root keys).
	ListKeys(ctx context.Context, appID string) ([]*AccessKey, error)
	DeleteKey(ctx context.Context, id string) error
}
