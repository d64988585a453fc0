package pinpointapi

import (
	"context"
	"net/http"
	"strconv"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/delivery"
)

// The console's Endpoints page (inappd extensions, root key only): why a
// campaign shows or not for an endpoint, the endpoint's recent events, and
// test sends that put a campaign on a real device for an hour.

// Explainer explains GetInAppMessages' decisions (package delivery's
// Engine, which also answers GetInAppMessages, so the two agree).
type Explainer interface {
	Explain(ctx context.Context, appID, endpointID, campaignID string) (*delivery.Explanation, error)
}

// explainEndpoint answers GET …/endpoints/{endpoint-id}/explain[?campaign-id=].
func (s *Server) explainEndpoint(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ex, ok := s.Delivery.(Explainer)
	if !ok {
		return inapp.Errorf(inapp.EINTERNAL, "this server's delivery engine cannot explain its decisions")
	}
	x, err := ex.Explain(c.r.Context(), appID, c.path("endpoint-id"), c.r.URL.Query().Get("campaign-id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, x)
}

// Event listings: 50 by default, at most 500.
const (
	defaultEventLimit = 50
	maxEventLimit     = 500
)

// consoleEvent is one stored event as the console lists it.
type consoleEvent struct {
	EventID          string             `json:"EventId"`
	EventType        string             `json:"EventType"`
	Timestamp        string             `json:"Timestamp"`
	Attributes       map[string]string  `json:"Attributes"`
	Metrics          map[string]float64 `json:"Metrics"`
	Session          *inapp.Session     `json:"Session,omitempty"`
	AppPackageName   string             `json:"AppPackageName,omitempty"`
	AppTitle         string             `json:"AppTitle,omitempty"`
	AppVersionCode   string             `json:"AppVersionCode,omitempty"`
	ClientSdkVersion string             `json:"ClientSdkVersion,omitempty"`
	SdkName          string             `json:"SdkName,omitempty"`
}

// listEndpointEvents answers GET …/endpoints/{endpoint-id}/events[?limit=]:
// the endpoint's stored events, newest first. Events are kept by endpoint
// ID whether or not the endpoint exists (PutEvents does not require it),
// so an ID without events answers an empty list.
func (s *Server) listEndpointEvents(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	limit := defaultEventLimit
	if v, ok := c.r.URL.Query()["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxEventLimit {
			return inapp.Errorf(inapp.EINVALID, "limit must be a whole number from 1 to %d, got %q.", maxEventLimit, v[0])
		}
		limit = n
	}
	records, err := s.Store.ListEvents(c.r.Context(), appID, c.path("endpoint-id"), limit)
	if err != nil {
		return err
	}
	events := make([]consoleEvent, 0, len(records))
	for _, r := range records {
		ev := r.Event
		if ev == nil {
			ev = &inapp.Event{}
		}
		out := consoleEvent{
			EventID: r.EventID, EventType: ev.EventType, Timestamp: ev.Timestamp,
			Attributes: ev.Attributes, Metrics: ev.Metrics, Session: ev.Session,
			AppPackageName: ev.AppPackageName, AppTitle: ev.AppTitle, AppVersionCode: ev.AppVersionCode,
			ClientSdkVersion: ev.ClientSdkVersion, SdkName: ev.SdkName,
		}
		if out.Attributes == nil {
			out.Attributes = map[string]string{}
		}
		if out.Metrics == nil {
			out.Metrics = map[string]float64{}
		}
		events = append(events, out)
	}
	return c.json(http.StatusOK, map[string]any{"Events": events})
}

// testSendBody is a test send as the API answers it.
type testSendBody struct {
	ApplicationID string `json:"ApplicationId"`
	CampaignID    string `json:"CampaignId"`
	EndpointID    string `json:"EndpointId"`
	CreationDate  string `json:"CreationDate"`
	ExpiresAt     string `json:"ExpiresAt"`
}

func testSendWire(ts *inapp.TestSend) testSendBody {
	return testSendBody{ApplicationID: ts.ApplicationID, CampaignID: ts.CampaignID, EndpointID: ts.EndpointID, CreationDate: ts.CreationDate, ExpiresAt: ts.ExpiresAt}
}

// createTestSend answers POST …/campaigns/{campaign-id}/test-sends with
// {"EndpointId"}: for the next hour GetInAppMessages gives that endpoint
// this campaign first, whatever its segment, schedule, state or caps.
// Sending again restarts the hour.
func (s *Server) createTestSend(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req struct {
		EndpointID *string `json:"EndpointId"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.EndpointID == nil || *req.EndpointID == "" {
		return missing("EndpointId")
	}
	ctx := c.r.Context()
	camp, err := s.Store.GetCampaign(ctx, appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	ep, err := s.Store.GetEndpoint(ctx, appID, *req.EndpointID)
	if err != nil {
		return err
	}
	if !ep.ReceivesInApp() {
		// It would be stored, and never shown: say so now.
		return inapp.Errorf(inapp.EINVALID, "Endpoint %s cannot receive in-app messages (ChannelType %q, OptOut %q, EndpointStatus %q); a test send needs an IN_APP endpoint that is not opted out or INACTIVE.",
			ep.ID, ep.ChannelType, ep.OptOut, ep.EndpointStatus)
	}
	now := s.Clock.Now()
	ts := &inapp.TestSend{
		ApplicationID: appID, CampaignID: camp.ID, EndpointID: ep.ID,
		CreationDate: inapp.FormatTime(now), ExpiresAt: inapp.FormatTime(now.Add(inapp.TestSendDuration)),
	}
	if err := s.Store.PutTestSend(ctx, ts); err != nil {
		return err
	}
	// An admin write: the snapshot holds test sends (other nodes learn of
	// it through the store's change feed).
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusCreated, testSendWire(ts))
}

// listTestSends answers GET …/campaigns/{campaign-id}/test-sends: the
// campaign's live test sends, oldest first.
func (s *Server) listTestSends(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	camp, err := s.Store.GetCampaign(ctx, appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	sends, err := s.Store.ListTestSends(ctx, appID, camp.ID, s.Clock.Now())
	if err != nil {
		return err
	}
	items := make([]testSendBody, 0, len(sends))
	for _, ts := range sends {
		items = append(items, testSendWire(ts))
	}
	return c.json(http.StatusOK, map[string]any{"Item": items})
}

// deleteTestSend answers DELETE …/campaigns/{campaign-id}/test-sends/{endpoint-id}
// with 204: the campaign goes back to its usual checks for that endpoint.
func (s *Server) deleteTestSend(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	camp, err := s.Store.GetCampaign(ctx, appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTestSend(ctx, appID, camp.ID, c.path("endpoint-id")); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
