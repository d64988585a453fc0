package pinpointapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

func (s *Server) createSegment(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req inapp.SegmentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := s.validateSegment(c.r.Context(), appID, "", &req); err != nil {
		return err
	}
	if err := validateTags(req.Tags); err != nil {
		return err
	}
	id := inapp.NewID()
	now := s.now()
	seg := &inapp.Segment{
		ApplicationID: appID, Arn: inapp.SegmentArn(appID, id), ID: id,
		CreationDate: now, LastModifiedDate: now, SegmentType: "DIMENSIONAL", Version: 1,
		Dimensions: req.Dimensions, SegmentGroups: req.SegmentGroups,
	}
	if req.Name != nil {
		seg.Name = *req.Name
	}
	if err := s.Store.PutSegment(c.r.Context(), seg); err != nil {
		return err
	}
	if len(req.Tags) > 0 {
		if err := s.Store.AddTags(c.r.Context(), seg.Arn, req.Tags); err != nil {
			return err
		}
		seg.Tags = req.Tags
	}
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusCreated, seg)
}

func (s *Server) updateSegment(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	cur, err := s.Store.GetSegment(c.r.Context(), appID, c.path("segment-id"), 0)
	if err != nil {
		return err
	}
	var req inapp.SegmentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := s.validateSegment(c.r.Context(), appID, cur.ID, &req); err != nil {
		return err
	}
	next := *cur
	next.Version = cur.Version + 1
	next.LastModifiedDate = s.now()
	if req.Name != nil {
		next.Name = *req.Name
	}
	// A request that gives criteria replaces them; Dimensions and
	// SegmentGroups exclude each other.
	if req.Dimensions != nil || req.SegmentGroups != nil {
		next.Dimensions, next.SegmentGroups = req.Dimensions, req.SegmentGroups
	}
	next.Tags = nil // tags in update requests are ignored, as in Pinpoint
	if err := s.Store.PutSegment(c.r.Context(), &next); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return s.writeSegment(c, http.StatusOK, &next)
}

// validateSegment checks the criteria and that every source segment exists
// (and is not the segment itself).
func (s *Server) validateSegment(ctx context.Context, appID, selfID string, req *inapp.SegmentRequest) error {
	if err := targeting.ValidateSegment(req); err != nil {
		return err
	}
	if req.SegmentGroups == nil {
		return nil
	}
	if err := s.checkSourceSegments(ctx, appID, selfID, req); err != nil {
		return err
	}
	// Compile the segment as it would be stored: this rejects cycles
	// through source segments (A built on B built on A) and the rules
	// that span segments (an imported source must stand alone).
	candidate := &inapp.Segment{ApplicationID: appID, ID: selfID, SegmentType: "DIMENSIONAL", Dimensions: req.Dimensions, SegmentGroups: req.SegmentGroups}
	_, err := targeting.CompileSegment(candidate, func(id string, version int) (*inapp.Segment, error) {
		if id == selfID && selfID != "" && version == 0 {
			return candidate, nil
		}
		return s.Store.GetSegment(ctx, appID, id, version)
	})
	return err
}

// checkSourceSegments checks that every source segment exists and is not
// the segment itself.
func (s *Server) checkSourceSegments(ctx context.Context, appID, selfID string, req *inapp.SegmentRequest) error {
	for gi, g := range req.SegmentGroups.Groups {
		for si, ref := range g.SourceSegments {
			path := fmt.Sprintf("SegmentGroups.Groups[%d].SourceSegments[%d]", gi, si)
			if ref.ID == selfID {
				return inapp.Errorf(inapp.EINVALID, "%s: a segment cannot be built on itself.", path)
			}
			version := 0
			if ref.Version != nil {
				version = *ref.Version
			}
			if _, err := s.Store.GetSegment(ctx, appID, ref.ID, version); err != nil {
				if inapp.ErrorCode(err) == inapp.ENOTFOUND {
					return inapp.Errorf(inapp.EINVALID, "%s: segment %q (version %d) does not exist in application %s.", path, ref.ID, version, appID)
				}
				return err
			}
		}
	}
	return nil
}

func (s *Server) getSegment(c *call) error {
	return s.segmentVersion(c, 0)
}

func (s *Server) getSegmentVersion(c *call) error {
	v, err := pathVersion(c)
	if err != nil {
		return err
	}
	return s.segmentVersion(c, v)
}

func (s *Server) segmentVersion(c *call, version int) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	seg, err := s.Store.GetSegment(c.r.Context(), appID, c.path("segment-id"), version)
	if err != nil {
		return err
	}
	return s.writeSegment(c, http.StatusOK, seg)
}

func (s *Server) writeSegment(c *call, status int, seg *inapp.Segment) error {
	if err := s.withTags(c, seg.Arn, &seg.Tags); err != nil {
		return err
	}
	return c.json(status, seg)
}

func (s *Server) getSegments(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	page, err := c.page("token")
	if err != nil {
		return err
	}
	segs, next, err := s.Store.ListSegments(c.r.Context(), appID, page)
	if err != nil {
		return err
	}
	return s.writeSegments(c, segs, next)
}

func (s *Server) getSegmentVersions(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	page, err := c.page("token")
	if err != nil {
		return err
	}
	segs, next, err := s.Store.ListSegmentVersions(c.r.Context(), appID, c.path("segment-id"), page)
	if err != nil {
		return err
	}
	return s.writeSegments(c, segs, next)
}

func (s *Server) writeSegments(c *call, segs []*inapp.Segment, next string) error {
	for _, seg := range segs {
		if err := s.withTags(c, seg.Arn, &seg.Tags); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, listBody{"Item": nonNil(segs), "NextToken": next})
}

func (s *Server) deleteSegment(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	seg, err := s.Store.DeleteSegment(c.r.Context(), appID, c.path("segment-id"))
	if err != nil {
		return err
	}
	if err := s.withTags(c, seg.Arn, &seg.Tags); err != nil {
		return err
	}
	if err := s.Store.DeleteTags(c.r.Context(), seg.Arn); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusOK, seg)
}

// pathVersion reads the {version} path label.
func pathVersion(c *call) (int, error) {
	raw := c.path("version")
	v, err := strconv.Atoi(raw)
	if err != nil || v < 1 {
		return 0, inapp.Errorf(inapp.EINVALID, "Version %q is not valid: it must be a whole number from 1.", raw)
	}
	return v, nil
}
