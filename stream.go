package inapp

import (
	"context"
	"time"
)

// EventStream is where an app's events are delivered (PutEventStream's
// EventStream). JSON names follow the model exactly.
//
// DestinationStreamArn names one of inappd's destination kinds rather than
// a Kinesis stream (package streams): an http(s):// webhook, a
// nats://host:port/subject JetStream subject, or a file:///path.jsonl file
// under the operator's stream directory. RoleArn is required by the model,
// kept and returned, and unused: inappd assumes no IAM role.
type EventStream struct {
	ApplicationID        string `json:"ApplicationId"`
	DestinationStreamArn string `json:"DestinationStreamArn"`
	// ExternalID is deprecated in the model; inappd never sets it.
	ExternalID       string `json:"ExternalId,omitempty"`
	LastModifiedDate string `json:"LastModifiedDate,omitempty"`
	// LastUpdatedBy is the access key ID that last put the stream.
	LastUpdatedBy string `json:"LastUpdatedBy,omitempty"`
	RoleArn       string `json:"RoleArn"`
}

// OutboxItem is one accepted event waiting to be delivered to its app's
// event stream: a row of the stream outbox, which the database itself
// fills as events are stored (only for apps that have a stream, and only
// for events stored for the first time: a retried event is not queued
// again), with the documents a stream record is built from.
type OutboxItem struct {
	// Seq orders the items of an app (the order events were stored in)
	// and names the item when it is acknowledged.
	Seq        int64
	EndpointID string
	EventID    string
	// Arrival is when the event was stored.
	Arrival time.Time
	// Event is the stored event document (inapp.Event as JSON); nil when
	// the event is gone.
	Event []byte
	// Endpoint is the endpoint's document as stored now (inapp.Endpoint as
	// JSON); nil when the endpoint does not exist (PutEvents does not
	// require one).
	Endpoint []byte
}

// EventStreamStore keeps each app's event stream (at most one per app, as
// in Pinpoint) and the outbox of events waiting to be delivered to it.
//
// The outbox is filled by the store, in the transaction that stores the
// events (a trigger on PostgreSQL; RecordEvents itself on SQLite, where a
// trigger cost the event writer more), so that an event is queued if and
// only if it was stored.
// Items stay until acknowledged: delivery is at least once, across
// restarts and outages of the destination.
type EventStreamStore interface {
	// PutEventStream creates or replaces the app's stream (ENOTFOUND when
	// the app is missing). Events stored from then on are queued; items
	// already queued stay queued, for the new destination.
	PutEventStream(ctx context.Context, s *EventStream) error
	// GetEventStream returns the app's stream (ENOTFOUND when the app has
	// none, or is missing).
	GetEventStream(ctx context.Context, appID string) (*EventStream, error)
	// DeleteEventStream removes the app's stream and every item queued for
	// it, and returns the stream as it was (ENOTFOUND when there is none).
	// DeleteApp removes both too.
	DeleteEventStream(ctx context.Context, appID string) (*EventStream, error)
	// ListEventStreams returns every app's stream: what to deliver.
	ListEventStreams(ctx context.Context) ([]*EventStream, error)
	// ReadOutbox returns up to limit of the app's queued items, lowest Seq
	// first. Reading does not remove them.
	ReadOutbox(ctx context.Context, appID string, limit int) ([]*OutboxItem, error)
	// AckOutbox removes the app's items with the given Seqs (delivered).
	// Seqs no longer queued are ignored.
	AckOutbox(ctx context.Context, appID string, seqs []int64) error
}
