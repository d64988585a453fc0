package pinpointapi

import (
	"net/http"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

func (s *Server) createApp(c *call) error {
	var req struct {
		Name *string           `json:"Name"`
		Tags map[string]string `json:"tags"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Name == nil {
		return missing("Name")
	}
	if strings.TrimSpace(*req.Name) == "" {
		return inapp.Errorf(inapp.EINVALID, "Name must not be empty.")
	}
	if err := validateTags(req.Tags); err != nil {
		return err
	}
	id := inapp.NewID()
	app := &inapp.App{ID: id, Arn: inapp.AppArn(id), Name: *req.Name, CreationDate: s.now()}
	if err := s.Store.CreateApp(c.r.Context(), app); err != nil {
		return err
	}
	if len(req.Tags) > 0 {
		if err := s.Store.AddTags(c.r.Context(), app.Arn, req.Tags); err != nil {
			return err
		}
		app.Tags = req.Tags
	}
	return c.json(http.StatusCreated, app)
}

func (s *Server) getApps(c *call) error {
	page, err := c.page("token")
	if err != nil {
		return err
	}
	apps, next, err := s.Store.ListApps(c.r.Context(), page)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if err := s.withTags(c, a.Arn, &a.Tags); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, listBody{"Item": nonNil(apps), "NextToken": next})
}

func (s *Server) getApp(c *call) error {
	app, err := s.app(c)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, app)
}

func (s *Server) deleteApp(c *call) error {
	app, err := s.app(c)
	if err != nil {
		return err
	}
	if _, err := s.Store.DeleteApp(c.r.Context(), app.ID); err != nil {
		return err
	}
	s.knownApps.Delete(app.ID)
	if err := s.Store.DeleteTags(c.r.Context(), app.Arn); err != nil {
		return err
	}
	s.Delivery.Invalidate(app.ID)
	return c.json(http.StatusOK, app)
}

// app loads the application named in the path, tags included.
func (s *Server) app(c *call) (*inapp.App, error) {
	app, err := s.Store.GetApp(c.r.Context(), c.path("application-id"))
	if err != nil {
		return nil, err
	}
	return app, s.withTags(c, app.Arn, &app.Tags)
}

// requireApp checks that the application in the path exists. The answer
// is remembered for a second, so that the device operations (one request
// per session or per event batch) cost no query for it; DeleteApp on this
// node forgets at once, other nodes within that second.
func (s *Server) requireApp(c *call) (string, error) {
	id := c.path("application-id")
	if until, ok := s.knownApps.Load(id); ok && time.Now().Before(until.(time.Time)) {
		return id, nil
	}
	if _, err := s.Store.GetApp(c.r.Context(), id); err != nil {
		return id, err
	}
	s.knownApps.Store(id, time.Now().Add(knownAppTTL))
	return id, nil
}

const knownAppTTL = time.Second

func (s *Server) getSettings(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	settings, err := s.Store.GetAppSettings(c.r.Context(), appID)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, settings)
}

func (s *Server) updateSettings(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req inapp.AppSettings
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := validateLimits(req.Limits, "Limits"); err != nil {
		return err
	}
	if err := validateQuietTime(req.QuietTime, "QuietTime"); err != nil {
		return err
	}
	if req.CampaignHook != nil && req.CampaignHook.Mode != "" {
		if err := oneOf("CampaignHook.Mode", req.CampaignHook.Mode, "DELIVERY", "FILTER"); err != nil {
			return err
		}
	}
	current, err := s.Store.GetAppSettings(c.r.Context(), appID)
	if err != nil {
		return err
	}
	// Members left out keep their value, as in Pinpoint.
	if req.Limits != nil {
		current.Limits = req.Limits
	}
	if req.QuietTime != nil {
		current.QuietTime = req.QuietTime
	}
	if req.CampaignHook != nil {
		current.CampaignHook = req.CampaignHook
	}
	if req.JourneyLimits != nil {
		current.JourneyLimits = req.JourneyLimits
	}
	if req.CloudWatchMetricsEnabled != nil {
		current.CloudWatchMetricsEnabled = req.CloudWatchMetricsEnabled
	}
	if req.EventTaggingEnabled != nil {
		current.EventTaggingEnabled = req.EventTaggingEnabled
	}
	current.ApplicationID = appID
	current.LastModifiedDate = s.now()
	if err := s.Store.PutAppSettings(c.r.Context(), current); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusOK, current)
}

// listBody is a listing response (Item + NextToken); NextToken is left out
// on the last page.
type listBody map[string]any

func (b listBody) MarshalJSON() ([]byte, error) {
	m := map[string]any(b)
	if next, ok := m["NextToken"].(string); ok && next == "" {
		delete(m, "NextToken")
	}
	return marshalMap(m)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) withTags(c *call, arn string, dst *map[string]string) error {
	tags, err := s.Store.GetTags(c.r.Context(), arn)
	if err != nil {
		return err
	}
	if len(tags) > 0 {
		*dst = tags
	}
	return nil
}
