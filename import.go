package inapp

import "context"

// ImportJob is an import job (ImportJobResponse): endpoint definitions read
// from a CSV or newline-delimited JSON file, registered as endpoints and/or
// gathered into an IMPORT segment. JSON names follow the model exactly.
type ImportJob struct {
	ApplicationID   string             `json:"ApplicationId"`
	CompletedPieces int                `json:"CompletedPieces"`
	CompletionDate  string             `json:"CompletionDate,omitempty"`
	CreationDate    string             `json:"CreationDate"`
	Definition      *ImportJobResource `json:"Definition"`
	FailedPieces    int                `json:"FailedPieces"`
	Failures        []string           `json:"Failures,omitempty"`
	ID              string             `json:"Id"`
	JobStatus       string             `json:"JobStatus"`
	TotalFailures   int                `json:"TotalFailures"`
	TotalPieces     int                `json:"TotalPieces"`
	TotalProcessed  int                `json:"TotalProcessed"`
	Type            string             `json:"Type"`

	// State is the runner's bookkeeping, which no client sees: the store
	// keeps it next to the job and returns it with the job.
	State *ImportState `json:"-"`
}

// ImportJobResource is the job's definition (ImportJobRequest as given, with
// SegmentId set to the segment the job fills).
type ImportJobResource struct {
	DefineSegment     bool   `json:"DefineSegment"`
	ExternalID        string `json:"ExternalId,omitempty"`
	Format            string `json:"Format"`
	RegisterEndpoints bool   `json:"RegisterEndpoints"`
	RoleArn           string `json:"RoleArn"`
	S3Url             string `json:"S3Url"`
	SegmentID         string `json:"SegmentId,omitempty"`
	SegmentName       string `json:"SegmentName,omitempty"`
}

// ImportState is what a runner needs to carry a job on after a restart.
type ImportState struct {
	// Source is the local file the job reads ("" until the source URL has
	// been resolved or downloaded).
	Source string `json:"Source,omitempty"`
	// Owned is set when Source is inappd's own copy (a download or an
	// upload), deleted once the job ends.
	Owned bool `json:"Owned,omitempty"`
	// SourceSize and SourceModTime (Unix nanoseconds) identify the file the
	// pieces were counted in: a file that changed cannot be resumed.
	SourceSize    int64 `json:"SourceSize,omitempty"`
	SourceModTime int64 `json:"SourceModTime,omitempty"`
	// SourceSHA256 is the hex SHA-256 of a downloaded source: another node
	// that takes the job over downloads it again and resumes only if it
	// is the same file.
	SourceSHA256 string `json:"SourceSHA256,omitempty"`
	// Rows is the number of rows (endpoint definitions) in the file and
	// PieceSize the rows per piece.
	Rows      int `json:"Rows,omitempty"`
	PieceSize int `json:"PieceSize,omitempty"`
	// SortWindow is how many rows are sorted by endpoint ID at a time
	// before they are cut into pieces (0: file order).
	SortWindow int `json:"SortWindow,omitempty"`
	// NewSegment is set when the job creates its segment (DefineSegment
	// without an existing SegmentId).
	NewSegment bool `json:"NewSegment,omitempty"`
	// ChannelCounts counts the imported endpoint definitions by ChannelType.
	ChannelCounts map[string]int `json:"ChannelCounts,omitempty"`
	// FailureAt is where in the source each entry of Failures is (file
	// index << 32 | line): rows are applied in sorted windows, and
	// Failures keeps the first ones in file order.
	FailureAt []int64 `json:"FailureAt,omitempty"`
}

// Import job statuses (the model's JobStatus values inappd goes through).
const (
	JobCreated      = "CREATED"
	JobInitializing = "INITIALIZING"
	JobProcessing   = "PROCESSING"
	JobCompleting   = "COMPLETING"
	JobCompleted    = "COMPLETED"
	JobFailed       = "FAILED"
)

// Finished reports whether the job reached COMPLETED or FAILED.
func (j *ImportJob) Finished() bool {
	return j.JobStatus == JobCompleted || j.JobStatus == JobFailed
}

// MaxImportFailures is how many Failures entries a job reports (the model:
// "the first 100 entries").
const MaxImportFailures = 100

// AddFailure records one failure message, keeping the first
// MaxImportFailures.
func (j *ImportJob) AddFailure(msg string) {
	if len(j.Failures) < MaxImportFailures {
		j.Failures = append(j.Failures, msg)
	}
}

// ImportStore keeps import jobs and the members of IMPORT segments.
type ImportStore interface {
	// CreateImportJob stores a new job (ENOTFOUND when the app is missing,
	// ECONFLICT when the ID is taken).
	CreateImportJob(ctx context.Context, job *ImportJob) error
	GetImportJob(ctx context.Context, appID, id string) (*ImportJob, error)
	// ListImportJobs lists the app's jobs, newest first; with segmentID, only
	// those whose Definition.SegmentId is segmentID.
	ListImportJobs(ctx context.Context, appID, segmentID string, page Page) ([]*ImportJob, string, error)
	// UpdateImportJob replaces a stored job, State included (ENOTFOUND when
	// it is gone, e.g. its app was deleted).
	UpdateImportJob(ctx context.Context, job *ImportJob) error
	// UnfinishedImportJobs returns every job of every app that is neither
	// COMPLETED nor FAILED, oldest first: what to resume at start.
	UnfinishedImportJobs(ctx context.Context) ([]*ImportJob, error)

	// AddSegmentMembers makes the endpoint IDs members of an IMPORT segment.
	// Adding a member twice is harmless. ENOTFOUND when the app is missing.
	AddSegmentMembers(ctx context.Context, appID, segmentID string, endpointIDs []string) error
	// SegmentMemberships returns the IDs of the segments the endpoint is a
	// member of (empty when none). It runs per GetInAppMessages request when
	// a campaign targets an IMPORT segment: one indexed read.
	SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error)
	// CountSegmentMembers returns how many endpoints are members of the
	// segment.
	CountSegmentMembers(ctx context.Context, appID, segmentID string) (int, error)
	// ListSegmentMembers hands the segment's member endpoint IDs to fn, a
	// batch at a time, in no set order; it stops at fn's first error. A
	// segment size estimate reads an imported segment's members once this
	// way instead of asking SegmentMemberships for every endpoint.
	ListSegmentMembers(ctx context.Context, appID, segmentID string, fn func(endpointIDs []string) error) error
}

// AddressHolderLister is optional for an ImportStore: an import whose rows
// carry addresses looks up who holds each one (that endpoint becomes
// INACTIVE), and one query per piece is much faster than
// EndpointsByAddress for each row.
type AddressHolderLister interface {
	// EndpointsByAddresses returns, for each of the addresses that some
	// endpoints of the app have, those endpoints in creation order.
	EndpointsByAddresses(ctx context.Context, appID string, addresses []string) (map[string][]*Endpoint, error)
}

// UserEndpointIDLister is optional for an ImportStore: an import checks
// the limit of endpoints per user for thousands of users per piece, and
// one query for them all is much faster than UserEndpoints for each.
type UserEndpointIDLister interface {
	// UserEndpointIDs returns, for each of the users that has endpoints
	// that are not INACTIVE (those count toward the limit), their IDs, in
	// no set order.
	UserEndpointIDs(ctx context.Context, appID string, userIDs []string) (map[string][]string, error)
}
