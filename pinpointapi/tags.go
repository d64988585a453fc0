package pinpointapi

import (
	"net/http"
	"strings"

	inapp "github.com/inappd/inappd"
)

func (s *Server) tagResource(c *call) error {
	arn, err := s.resourceArn(c)
	if err != nil {
		return err
	}
	var req struct {
		Tags map[string]string `json:"tags"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Tags == nil {
		return missing("tags")
	}
	current, err := s.Store.GetTags(c.r.Context(), arn)
	if err != nil {
		return err
	}
	merged := map[string]string{}
	for k, v := range current {
		merged[k] = v
	}
	for k, v := range req.Tags {
		merged[k] = v
	}
	if err := validateTags(merged); err != nil {
		return err
	}
	if err := s.Store.AddTags(c.r.Context(), arn, req.Tags); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) untagResource(c *call) error {
	arn, err := s.resourceArn(c)
	if err != nil {
		return err
	}
	keys := c.r.URL.Query()["tagKeys"]
	if len(keys) == 0 {
		return missing("tagKeys")
	}
	if err := s.Store.RemoveTags(c.r.Context(), arn, keys); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTags(c *call) error {
	arn, err := s.resourceArn(c)
	if err != nil {
		return err
	}
	tags, err := s.Store.GetTags(c.r.Context(), arn)
	if err != nil {
		return err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return c.json(http.StatusOK, map[string]any{"tags": tags})
}

// resourceArn parses the {resource-arn} label, checks that the resource
// exists, and returns its ARN in inappd's canonical form (any partition,
// region or account a client put in the ARN names the same resource).
func (s *Server) resourceArn(c *call) (string, error) {
	raw := c.path("resource-arn")
	parts := strings.SplitN(raw, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "mobiletargeting" {
		return "", inapp.Errorf(inapp.EINVALID, "%q is not an Amazon Pinpoint resource ARN (arn:aws:mobiletargeting:REGION:ACCOUNT:apps/APP-ID[/campaigns/ID|/segments/ID] or …:templates/NAME/INAPP).", raw)
	}
	res := strings.Split(parts[5], "/")
	ctx := c.r.Context()
	switch {
	case len(res) == 2 && res[0] == "apps":
		_, err := s.Store.GetApp(ctx, res[1])
		return inapp.AppArn(res[1]), err
	case len(res) == 4 && res[0] == "apps" && res[2] == "campaigns":
		_, err := s.Store.GetCampaign(ctx, res[1], res[3], 0)
		return inapp.CampaignArn(res[1], res[3]), err
	case len(res) == 4 && res[0] == "apps" && res[2] == "segments":
		_, err := s.Store.GetSegment(ctx, res[1], res[3], 0)
		return inapp.SegmentArn(res[1], res[3]), err
	case len(res) == 3 && res[0] == "templates" && strings.EqualFold(res[2], "INAPP"):
		_, err := s.Store.GetTemplate(ctx, res[1], "")
		return inapp.TemplateArn(res[1]), err
	}
	return "", inapp.Errorf(inapp.ENOTFOUND, "Resource %s does not exist.", raw)
}
