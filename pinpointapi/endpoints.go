package pinpointapi

import (
	"context"
	"fmt"
	"net/http"

	inapp "github.com/inappd/inappd"
)

// maxBatchEndpoints is Pinpoint's limit of items per UpdateEndpointsBatch
// (the limit of endpoints per user is the root package's,
// inapp.UserEndpointLimit, shared with import jobs).
const maxBatchEndpoints = 100

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

// upsertEndpoints applies the requests in one transaction, after applying
// Pinpoint's limit of endpoints per user and its rule that an endpoint
// whose Address another takes becomes INACTIVE (the rules are the root
// package's: import jobs apply them too). (Two concurrent requests adding
// the 15th and 16th endpoint of one user can both pass the check; the
// limit exists to stop runaway clients, not to be exact.)
func (s *Server) upsertEndpoints(ctx context.Context, appID string, updates map[string]*inapp.EndpointRequest) error {
	ids := make([]string, 0, len(updates))
	adding := map[string]map[string]string{} // user ID -> endpoint IDs named for it -> their ChannelType
	for id, req := range updates {
		ids = append(ids, id)
		if req.User != nil && req.User.UserID != "" {
			if adding[req.User.UserID] == nil {
				adding[req.User.UserID] = map[string]string{}
			}
			adding[req.User.UserID][id] = req.ChannelType
		}
	}
	deactivate := map[string]bool{} // endpoints retired by the rules
	for userID, named := range adding {
		eps, err := s.Store.UserEndpoints(ctx, appID, userID)
		if err != nil {
			return err
		}
		retire, err := inapp.UserEndpointLimit(userID, eps, named)
		if err != nil {
			return err
		}
		if retire != nil {
			deactivate[retire.ID] = true
			ids = append(ids, retire.ID)
		}
	}
	updated := func(id string) bool { _, ok := updates[id]; return ok }
	for id, req := range updates {
		if req.Address == "" {
			continue
		}
		same, err := s.Store.EndpointsByAddress(ctx, appID, req.Address)
		if err != nil {
			return err
		}
		for _, e := range inapp.AddressTaken(id, same, updated) {
			if !deactivate[e.ID] {
				deactivate[e.ID] = true
				ids = append(ids, e.ID)
			}
		}
	}
	now := s.now()
	return s.Store.UpdateEndpoints(ctx, appID, ids, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		if deactivate[id] {
			if cur == nil {
				return nil, nil
			}
			next := *cur
			next.EndpointStatus = "INACTIVE"
			return &next, nil
		}
		next := inapp.ApplyEndpointRequest(cur, updates[id], appID, id, now)
		if err := next.CheckAttributeCount(); err != nil {
			return nil, err
		}
		if err := next.CheckSize(); err != nil {
			return nil, err
		}
		return next, nil
	})
}

// validateEndpointID and validateEndpointRequest are the root package's
// rules, which import jobs apply too.
func validateEndpointID(id string) error { return inapp.ValidateEndpointID(id) }

func validateEndpointRequest(r *inapp.EndpointRequest, path string) error { return r.Validate(path) }

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
