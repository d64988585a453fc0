package pinpointapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

func (s *Server) createCampaign(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req inapp.CampaignRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := validateTags(req.Tags); err != nil {
		return err
	}
	id := inapp.NewID()
	now := s.now()
	camp := &inapp.Campaign{ApplicationID: appID, ID: id, Arn: inapp.CampaignArn(appID, id), CreationDate: now}
	if err := s.applyCampaignRequest(c.r.Context(), camp, &req, now); err != nil {
		return err
	}
	camp.Version = 1
	if err := s.Store.PutCampaign(c.r.Context(), camp); err != nil {
		return err
	}
	if len(req.Tags) > 0 {
		if err := s.Store.AddTags(c.r.Context(), camp.Arn, req.Tags); err != nil {
			return err
		}
	}
	s.Delivery.Invalidate(appID)
	return s.writeCampaign(c, http.StatusCreated, camp)
}

func (s *Server) updateCampaign(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	cur, err := s.Store.GetCampaign(c.r.Context(), appID, c.path("campaign-id"), 0)
	if err != nil {
		return err
	}
	var req inapp.CampaignRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	next := *cur
	now := s.now()
	if err := s.applyCampaignRequest(c.r.Context(), &next, &req, now); err != nil {
		return err
	}
	next.Version = cur.Version + 1
	next.Tags = nil // tags in update requests are ignored, as in Pinpoint
	if err := s.Store.PutCampaign(c.r.Context(), &next); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return s.writeCampaign(c, http.StatusOK, &next)
}

// applyCampaignRequest validates req and applies it to camp: members the
// request gives replace the campaign's, members it leaves out stay.
func (s *Server) applyCampaignRequest(ctx context.Context, camp *inapp.Campaign, req *inapp.CampaignRequest, now string) error {
	if req.Name != nil {
		camp.Name = *req.Name
	}
	if req.Description != nil {
		camp.Description = *req.Description
	}
	if req.TreatmentName != nil {
		camp.TreatmentName = *req.TreatmentName
	}
	if req.TreatmentDescription != nil {
		camp.TreatmentDescription = *req.TreatmentDescription
	}
	if req.IsPaused != nil {
		camp.IsPaused = *req.IsPaused
	}
	if req.Priority != nil {
		if *req.Priority < 0 {
			return inapp.Errorf(inapp.EINVALID, "Priority must be 0 or more (lower numbers win), got %d.", *req.Priority)
		}
		camp.Priority = *req.Priority
	}
	if req.HoldoutPercent != nil {
		if *req.HoldoutPercent < 0 || *req.HoldoutPercent > 100 {
			return inapp.Errorf(inapp.EINVALID, "HoldoutPercent must be from 0 to 100, got %d.", *req.HoldoutPercent)
		}
		camp.HoldoutPercent = *req.HoldoutPercent
	}
	if req.Limits != nil {
		if err := validateLimits(req.Limits, "Limits"); err != nil {
			return err
		}
		camp.Limits = req.Limits
	}
	if req.Hook != nil {
		camp.Hook = req.Hook
	}
	if req.CustomDeliveryConfiguration != nil {
		camp.CustomDeliveryConfiguration = req.CustomDeliveryConfiguration
	}
	if req.Schedule != nil {
		camp.Schedule = req.Schedule
	}
	if camp.Schedule == nil {
		return missing("Schedule")
	}
	created, _ := inapp.ParseTime(camp.CreationDate)
	if err := targeting.ValidateSchedule(camp.Schedule, created, "Schedule"); err != nil {
		return err
	}
	if req.MessageConfiguration != nil || req.TemplateConfiguration != nil {
		camp.MessageConfiguration, camp.TemplateConfiguration = req.MessageConfiguration, req.TemplateConfiguration
	}
	if err := s.validateMessage(ctx, camp.MessageConfiguration, camp.TemplateConfiguration, "", true); err != nil {
		return err
	}
	// A SegmentVersion of 0 is stored as "follow the segment's latest
	// version"; a request that names a segment without a version asks for
	// that.
	if req.SegmentID != nil {
		camp.SegmentID = *req.SegmentID
		camp.SegmentVersion = 0
	}
	if req.SegmentVersion != nil {
		camp.SegmentVersion = *req.SegmentVersion
	}
	if camp.SegmentID != "" {
		_, err := s.Store.GetSegment(ctx, camp.ApplicationID, camp.SegmentID, camp.SegmentVersion)
		if inapp.ErrorCode(err) == inapp.ENOTFOUND {
			if camp.SegmentVersion != 0 {
				return inapp.Errorf(inapp.EINVALID, "SegmentVersion: segment %q has no version %d in application %s.", camp.SegmentID, camp.SegmentVersion, camp.ApplicationID)
			}
			return inapp.Errorf(inapp.EINVALID, "SegmentId: segment %q does not exist in application %s.", camp.SegmentID, camp.ApplicationID)
		}
		if err != nil {
			return err
		}
	}
	if req.AdditionalTreatments != nil {
		treatments := make([]*inapp.Treatment, 0, len(req.AdditionalTreatments))
		for i, t := range req.AdditionalTreatments {
			path := fmt.Sprintf("AdditionalTreatments[%d].", i)
			if t == nil || t.SizePercent == nil {
				return missing(path + "SizePercent")
			}
			if *t.SizePercent < 0 || *t.SizePercent > 100 {
				return inapp.Errorf(inapp.EINVALID, "%sSizePercent must be from 0 to 100, got %d.", path, *t.SizePercent)
			}
			if t.Schedule != nil {
				if err := targeting.ValidateSchedule(t.Schedule, created, path+"Schedule"); err != nil {
					return err
				}
			}
			if err := s.validateMessage(ctx, t.MessageConfiguration, t.TemplateConfiguration, path, false); err != nil {
				return err
			}
			treatments = append(treatments, &inapp.Treatment{
				ID: strconv.Itoa(i + 1), SizePercent: *t.SizePercent, Schedule: t.Schedule,
				MessageConfiguration: t.MessageConfiguration, TemplateConfiguration: t.TemplateConfiguration,
				CustomDeliveryConfiguration: t.CustomDeliveryConfiguration,
				TreatmentName:               t.TreatmentName, TreatmentDescription: t.TreatmentDescription,
			})
		}
		camp.AdditionalTreatments = treatments
	}
	total := camp.HoldoutPercent
	for _, t := range camp.AdditionalTreatments {
		total += t.SizePercent
	}
	if total > 100 {
		return inapp.Errorf(inapp.EINVALID, "HoldoutPercent plus the SizePercent of AdditionalTreatments is %d%%; it must be at most 100%% (the rest goes to the main treatment).", total)
	}
	camp.LastModifiedDate = now
	return nil
}

// validateMessage checks that a campaign (required) or treatment (optional:
// it inherits the campaign's) carries an in-app message, inline or from an
// existing template.
func (s *Server) validateMessage(ctx context.Context, mc *inapp.MessageConfiguration, tc *inapp.TemplateConfiguration, path string, required bool) error {
	var inline *inapp.CampaignInAppMessage
	if mc != nil {
		inline = mc.InAppMessage
	}
	var ref *inapp.TemplateRef
	if tc != nil {
		ref = tc.InAppTemplate
	}
	switch {
	case inline != nil && ref != nil:
		return inapp.Errorf(inapp.EINVALID, "%sMessageConfiguration.InAppMessage and %sTemplateConfiguration.InAppTemplate exclude each other: give one.", path, path)
	case inline != nil:
		if len(inline.Content) == 0 {
			return missing(path + "MessageConfiguration.InAppMessage.Content")
		}
		return validateInAppContent(inline.Layout, inline.Content, path+"MessageConfiguration.InAppMessage.")
	case ref != nil:
		if ref.Name == "" {
			return missing(path + "TemplateConfiguration.InAppTemplate.Name")
		}
		if _, err := s.Store.GetTemplate(ctx, ref.Name, ref.Version); err != nil {
			if inapp.ErrorCode(err) == inapp.ENOTFOUND {
				v := ref.Version
				if v == "" {
					v = "active"
				}
				return inapp.Errorf(inapp.EINVALID, "%sTemplateConfiguration.InAppTemplate: in-app template %q (version %s) does not exist.", path, ref.Name, v)
			}
			return err
		}
		return nil
	case required:
		return inapp.Errorf(inapp.EINVALID, "An in-app campaign needs a message: give MessageConfiguration.InAppMessage or TemplateConfiguration.InAppTemplate.")
	}
	return nil
}

func (s *Server) getCampaign(c *call) error {
	return s.campaignVersion(c, 0)
}

func (s *Server) getCampaignVersion(c *call) error {
	v, err := pathVersion(c)
	if err != nil {
		return err
	}
	return s.campaignVersion(c, v)
}

func (s *Server) campaignVersion(c *call, version int) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	camp, err := s.Store.GetCampaign(c.r.Context(), appID, c.path("campaign-id"), version)
	if err != nil {
		return err
	}
	return s.writeCampaign(c, http.StatusOK, camp)
}

func (s *Server) getCampaigns(c *call) error {
	return s.listCampaigns(c, false)
}

func (s *Server) getCampaignVersions(c *call) error {
	return s.listCampaigns(c, true)
}

func (s *Server) listCampaigns(c *call, versions bool) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	page, err := c.page("token")
	if err != nil {
		return err
	}
	var camps []*inapp.Campaign
	var next string
	if versions {
		camps, next, err = s.Store.ListCampaignVersions(c.r.Context(), appID, c.path("campaign-id"), page)
	} else {
		camps, next, err = s.Store.ListCampaigns(c.r.Context(), appID, page)
	}
	if err != nil {
		return err
	}
	for _, camp := range camps {
		if err := s.decorateCampaign(c, camp); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, listBody{"Item": nonNil(camps), "NextToken": next})
}

func (s *Server) deleteCampaign(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	camp, err := s.Store.DeleteCampaign(c.r.Context(), appID, c.path("campaign-id"))
	if err != nil {
		return err
	}
	if err := s.decorateCampaign(c, camp); err != nil {
		return err
	}
	camp.State = &inapp.CampaignState{CampaignStatus: inapp.StatusDeleted}
	if err := s.Store.DeleteTags(c.r.Context(), camp.Arn); err != nil {
		return err
	}
	s.Delivery.Invalidate(appID)
	return c.json(http.StatusOK, camp)
}

func (s *Server) writeCampaign(c *call, status int, camp *inapp.Campaign) error {
	if err := s.decorateCampaign(c, camp); err != nil {
		return err
	}
	return c.json(status, camp)
}

// decorateCampaign adds what is derived at read time: tags and the states.
func (s *Server) decorateCampaign(c *call, camp *inapp.Campaign) error {
	if err := s.withTags(c, camp.Arn, &camp.Tags); err != nil {
		return err
	}
	// A campaign stored without a SegmentVersion follows its segment's
	// latest version, and reports that version.
	segmentGone := false
	if camp.SegmentID != "" && camp.SegmentVersion == 0 {
		seg, err := s.Store.GetSegment(c.r.Context(), camp.ApplicationID, camp.SegmentID, 0)
		switch {
		case err == nil:
			camp.SegmentVersion = seg.Version
		case inapp.ErrorCode(err) == inapp.ENOTFOUND:
			segmentGone = true
		default:
			return err
		}
	}
	status, err := s.campaignStatus(c.r.Context(), camp, segmentGone)
	if err != nil {
		return err
	}
	camp.State = &inapp.CampaignState{CampaignStatus: status}
	if len(camp.AdditionalTreatments) > 0 {
		camp.DefaultState = &inapp.CampaignState{CampaignStatus: status}
		for _, t := range camp.AdditionalTreatments {
			t.State = &inapp.CampaignState{CampaignStatus: status}
		}
	}
	return nil
}

// campaignStatus reports the state as Pinpoint does for an in-app
// campaign: PAUSED, DELETED when its segment is gone, SCHEDULED before the
// start, COMPLETED after the end, EXECUTING while live.
func (s *Server) campaignStatus(ctx context.Context, camp *inapp.Campaign, segmentGone bool) (string, error) {
	if camp.IsPaused {
		return inapp.StatusPaused, nil
	}
	if segmentGone {
		return inapp.StatusDeleted, nil
	}
	if camp.SegmentID != "" && camp.SegmentVersion != 0 {
		_, err := s.Store.GetSegment(ctx, camp.ApplicationID, camp.SegmentID, 0)
		switch {
		case inapp.ErrorCode(err) == inapp.ENOTFOUND:
			return inapp.StatusDeleted, nil
		case err != nil:
			return "", err // the database is away: no guessed state
		}
	}
	created, _ := inapp.ParseTime(camp.CreationDate)
	sch, err := targeting.CompileSchedule(camp.Schedule, created)
	if err != nil {
		return "INVALID", nil
	}
	return sch.Status(s.Clock.Now()), nil
}
