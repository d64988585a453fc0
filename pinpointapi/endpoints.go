package pinpointapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Endpoint quotas, as Pinpoint enforced them.
const (
	maxEndpointsPerUser   = 15
	maxBatchEndpoints     = 100
	maxAttributeNameLen   = 50
	maxAttributeValueLen  = 100
	maxValuesPerAttribute = 50
	maxAttributesPerApp   = 250
)

func (s *Server) updateEndpoint(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	id := c.path("endpoint-id")
	var req inapp.EndpointRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := validateEndpointID(id); err != nil {
		return err
	}
	if err := validateEndpointRequest(&req, ""); err != nil {
		return err
	}
	if err := s.upsertEndpoints(c.r.Context(), appID, map[string]*inapp.EndpointRequest{id: &req}); err != nil {
		return err
	}
	return c.message(http.StatusAccepted, "Accepted")
}

func (s *Server) updateEndpointsBatch(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req struct {
		Item []*inapp.EndpointRequest `json:"Item"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Item == nil {
		return missing("Item")
	}
	if len(req.Item) > maxBatchEndpoints {
		return inapp.Errorf(inapp.EINVALID, "Item has %d endpoints; a batch can have at most %d.", len(req.Item), maxBatchEndpoints)
	}
	updates := make(map[string]*inapp.EndpointRequest, len(req.Item))
	for i, item := range req.Item {
		path := fmt.Sprintf("Item[%d].", i)
		if item == nil || item.ID == "" {
			return missing(path + "Id")
		}
		if err := validateEndpointID(item.ID); err != nil {
			return err
		}
		if err := validateEndpointRequest(item, path); err != nil {
			return err
		}
		if _, dup := updates[item.ID]; dup {
			return inapp.Errorf(inapp.EINVALID, "%sId: endpoint %q appears more than once in the batch.", path, item.ID)
		}
		updates[item.ID] = item
	}
	if err := s.upsertEndpoints(c.r.Context(), appID, updates); err != nil {
		return err
	}
	return c.message(http.StatusAccepted, "Accepted")
}

// upsertEndpoints applies the requests in one transaction, after checking
// Pinpoint's limit of endpoints per user. (Two concurrent requests adding
// the 15th and 16th endpoint of one user can both pass the check; the
// limit exists to stop runaway clients, not to be exact.)
func (s *Server) upsertEndpoints(ctx context.Context, appID string, updates map[string]*inapp.EndpointRequest) error {
	ids := make([]string, 0, len(updates))
	adding := map[string]map[string]bool{} // user ID -> endpoint IDs named for it
	for id, req := range updates {
		ids = append(ids, id)
		if req.User != nil && req.User.UserID != "" {
			if adding[req.User.UserID] == nil {
				adding[req.User.UserID] = map[string]bool{}
			}
			adding[req.User.UserID][id] = true
		}
	}
	for userID, named := range adding {
		eps, err := s.Store.UserEndpoints(ctx, appID, userID)
		if err != nil {
			return err
		}
		total := len(named)
		for _, e := range eps {
			if !named[e.ID] {
				total++
			}
		}
		if total > maxEndpointsPerUser {
			return inapp.Errorf(inapp.EINVALID, "Exceeded maximum endpoint per user count %d (user %q would have %d).", maxEndpointsPerUser, userID, total)
		}
	}
	now := s.now()
	return s.Store.UpdateEndpoints(ctx, appID, ids, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		next := inapp.ApplyEndpointRequest(cur, updates[id], appID, id, now)
		if n := countAttributes(next); n > maxAttributesPerApp {
			return nil, inapp.Errorf(inapp.EINVALID, "Endpoint %q would have %d attributes and metrics; the limit is %d.", id, n, maxAttributesPerApp)
		}
		return next, nil
	})
}

func countAttributes(e *inapp.Endpoint) int {
	n := len(e.Attributes) + len(e.Metrics)
	if e.User != nil {
		n += len(e.User.UserAttributes)
	}
	return n
}

func validateEndpointID(id string) error {
	if id == "" || strings.ContainsAny(id, "${}") {
		return inapp.Errorf(inapp.EINVALID, "Endpoint ID %q is not valid: it must not be empty or contain $, { or }.", id)
	}
	return nil
}

func validateEndpointRequest(r *inapp.EndpointRequest, path string) error {
	if r.ChannelType != "" {
		if err := oneOf(path+"ChannelType", r.ChannelType, channelTypes...); err != nil {
			return err
		}
	}
	if r.OptOut != "" {
		if err := oneOf(path+"OptOut", r.OptOut, "ALL", "NONE"); err != nil {
			return err
		}
	}
	if r.EndpointStatus != "" {
		if err := oneOf(path+"EndpointStatus", r.EndpointStatus, "ACTIVE", "INACTIVE"); err != nil {
			return err
		}
	}
	if r.EffectiveDate != "" {
		if _, err := inapp.ParseTime(r.EffectiveDate); err != nil {
			return inapp.Errorf(inapp.EINVALID, "%sEffectiveDate: %v", path, err)
		}
	}
	if err := validateAttributeMap(r.Attributes, path+"Attributes"); err != nil {
		return err
	}
	if r.User != nil {
		if err := validateAttributeMap(r.User.UserAttributes, path+"User.UserAttributes"); err != nil {
			return err
		}
	}
	for k := range r.Metrics {
		if err := validateAttributeName(k, path+"Metrics"); err != nil {
			return err
		}
	}
	if l := r.Location; l != nil {
		if l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90) {
			return inapp.Errorf(inapp.EINVALID, "%sLocation.Latitude must be from -90 to 90, got %v.", path, *l.Latitude)
		}
		if l.Longitude != nil && (*l.Longitude < -180 || *l.Longitude > 180) {
			return inapp.Errorf(inapp.EINVALID, "%sLocation.Longitude must be from -180 to 180, got %v.", path, *l.Longitude)
		}
	}
	return nil
}

func validateAttributeMap(m map[string][]string, path string) error {
	for k, values := range m {
		if err := validateAttributeName(k, path); err != nil {
			return err
		}
		if len(values) > maxValuesPerAttribute {
			return inapp.Errorf(inapp.EINVALID, "%s.%s has %d values; the limit is %d.", path, k, len(values), maxValuesPerAttribute)
		}
		for _, v := range values {
			if len(v) > maxAttributeValueLen {
				return inapp.Errorf(inapp.EINVALID, "%s.%s has a value of %d characters; the limit is %d.", path, k, len(v), maxAttributeValueLen)
			}
		}
	}
	return nil
}

func validateAttributeName(k, path string) error {
	if k == "" || len(k) > maxAttributeNameLen {
		return inapp.Errorf(inapp.EINVALID, "%s: attribute name %q must be 1 to %d characters long.", path, k, maxAttributeNameLen)
	}
	return nil
}

func (s *Server) getEndpoint(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	e, err := s.Store.GetEndpoint(c.r.Context(), appID, c.path("endpoint-id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, e)
}

func (s *Server) deleteEndpoint(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	e, err := s.Store.DeleteEndpoint(c.r.Context(), appID, c.path("endpoint-id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusAccepted, e)
}

func (s *Server) getUserEndpoints(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	userID := c.path("user-id")
	eps, err := s.Store.UserEndpoints(c.r.Context(), appID, userID)
	if err != nil {
		return err
	}
	if len(eps) == 0 {
		return inapp.Errorf(inapp.ENOTFOUND, "User %q has no endpoints in application %s.", userID, appID)
	}
	return c.json(http.StatusOK, map[string]any{"Item": eps})
}

func (s *Server) deleteUserEndpoints(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	userID := c.path("user-id")
	eps, err := s.Store.DeleteUserEndpoints(c.r.Context(), appID, userID)
	if err != nil {
		return err
	}
	if len(eps) == 0 {
		return inapp.Errorf(inapp.ENOTFOUND, "User %q has no endpoints in application %s.", userID, appID)
	}
	return c.json(http.StatusAccepted, map[string]any{"Item": eps})
}

func (s *Server) removeAttributes(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	kind := inapp.AttributeKind(c.path("attribute-type"))
	if err := oneOf("attribute-type", string(kind), string(inapp.EndpointCustomAttributes), string(inapp.EndpointMetricAttributes), string(inapp.EndpointUserAttributes)); err != nil {
		return err
	}
	var req struct {
		Blacklist []string `json:"Blacklist"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := s.Store.RemoveEndpointAttributes(c.r.Context(), appID, kind, req.Blacklist); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusOK, map[string]any{"ApplicationId": appID, "AttributeType": string(kind), "Attributes": nonNil(req.Blacklist)})
}
