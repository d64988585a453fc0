package inapp

import (
	"context"
	"time"
)

// TestSend makes one campaign show first to one endpoint for a while,
// whatever its segment, schedule, state or caps: a marketer previews the
// campaign on a real device (the console's "test send"). It lives in the
// database so that every node delivers it, and in the delivery snapshots
// so that GetInAppMessages reads nothing more per request.
type TestSend struct {
	ApplicationID string `json:"ApplicationId"`
	CampaignID    string `json:"CampaignId"`
	EndpointID    string `json:"EndpointId"`
	CreationDate  string `json:"CreationDate"`
	// ExpiresAt ends it (ISO 8601); an expired test send is ignored.
	ExpiresAt string `json:"ExpiresAt"`
}

// TestSendDuration is how long a test send lasts.
const TestSendDuration = time.Hour

// TestSendStore keeps test sends. Its writes change what delivery
// snapshots are built from: a backend with a ChangeFeed announces them
// like campaign writes.
type TestSendStore interface {
	// PutTestSend stores ts, replacing the one of the same campaign and
	// endpoint (sending again restarts the hour). The app, the campaign
	// and the endpoint must exist, else ENOTFOUND; the test send goes away
	// with any of them. Test sends of the app that expired by
	// ts.CreationDate may be pruned on the way.
	PutTestSend(ctx context.Context, ts *TestSend) error
	// ListTestSends lists the app's test sends that expire after now, of
	// one campaign ("" for every campaign), oldest first.
	ListTestSends(ctx context.Context, appID, campaignID string, now time.Time) ([]*TestSend, error)
	// DeleteTestSend ends the test send of a campaign to an endpoint;
	// ENOTFOUND when there is none.
	DeleteTestSend(ctx context.Context, appID, campaignID, endpointID string) error
}
