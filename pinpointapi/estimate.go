package pinpointapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

// estimateSegment (an inappd extension, for the console's rule builder)
// counts the endpoints a segment would hold: a stored segment
// (?segment-id=…[&segment-version=…]) or criteria that are not saved yet
// (a WriteSegmentRequest body). It scans the app's endpoints once.
func (s *Server) estimateSegment(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	lookup := func(id string, version int) (*inapp.Segment, error) {
		return s.Store.GetSegment(ctx, appID, id, version)
	}
	var seg *inapp.Segment
	if id := c.r.URL.Query().Get("segment-id"); id != "" {
		version := 0
		if v := c.r.URL.Query().Get("segment-version"); v != "" {
			if version, err = parsePositiveInt(v); err != nil {
				return inapp.Errorf(inapp.EINVALID, "segment-version must be a whole number from 1, got %q.", v)
			}
		}
		if seg, err = lookup(id, version); err != nil {
			return err
		}
	} else {
		var req inapp.SegmentRequest
		if err := c.decode(&req); err != nil {
			return err
		}
		if err := s.validateSegment(ctx, appID, "", &req); err != nil {
			return err
		}
		seg = &inapp.Segment{ApplicationID: appID, SegmentType: "DIMENSIONAL", Dimensions: req.Dimensions, SegmentGroups: req.SegmentGroups}
	}
	compiled, err := targeting.CompileSegment(seg, lookup)
	if err != nil {
		return err
	}
	start := time.Now()
	result, err := s.countMembers(ctx, appID, compiled)
	if err != nil {
		return err
	}
	result["ApplicationId"] = appID
	result["Milliseconds"] = time.Since(start).Milliseconds()
	return c.json(http.StatusOK, result)
}

// countMembers evaluates the compiled segment on every endpoint of the app.
// Recency uses the endpoints' EffectiveDate (reading every endpoint's last
// event would multiply the cost); imported segments ask the store.
func (s *Server) countMembers(ctx context.Context, appID string, seg *targeting.Segment) (map[string]any, error) {
	members, _ := s.Store.(interface {
		SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error)
	})
	now := s.Clock.Now()
	var scanned, matched, inApp int
	var memberErr error
	sub := &targeting.Subject{Now: now}
	err := s.Store.ScanEndpoints(ctx, appID, func(e *inapp.Endpoint) bool {
		scanned++
		sub.Endpoint = e
		sub.LastActive = targeting.LastActive(e, time.Time{})
		sub.Member = nil
		if members != nil && seg.UsesMembership() {
			ids, err := members.SegmentMemberships(ctx, appID, e.ID)
			if err != nil {
				memberErr = err
				return false
			}
			sub.Member = func(segmentID, _ string) bool { return slices.Contains(ids, segmentID) }
		}
		if seg.Match(sub) {
			matched++
			if e.ReceivesInApp() {
				inApp++
			}
		}
		return true
	})
	if err == nil {
		err = memberErr
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"EndpointsScanned": scanned, "Estimate": matched, "InAppEstimate": inApp}, nil
}
