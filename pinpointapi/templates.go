package pinpointapi

import (
	"net/http"
	"strconv"
	"strings"

	inapp "github.com/inappd/inappd"
)

// allApps asks the deliverer to refresh every app: templates belong to the
// account, and any app's campaign may use one.
const allApps = ""

func (s *Server) createTemplate(c *call) error {
	name := c.path("template-name")
	if err := validateTemplateName(name); err != nil {
		return err
	}
	var req inapp.TemplateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := validateTemplateRequest(&req); err != nil {
		return err
	}
	if err := validateTags(req.Tags); err != nil {
		return err
	}
	if _, err := s.Store.GetTemplate(c.r.Context(), name, ""); err == nil {
		return inapp.Errorf(inapp.EINVALID, "Template %s of type INAPP already exists; update it with UpdateInAppTemplate.", name)
	} else if inapp.ErrorCode(err) != inapp.ENOTFOUND {
		return err
	}
	now := s.now()
	t := templateFrom(&req, name, now, now)
	if err := s.Store.PutTemplate(c.r.Context(), t, true); err != nil {
		return err
	}
	if len(req.Tags) > 0 {
		if err := s.Store.AddTags(c.r.Context(), t.Arn, req.Tags); err != nil {
			return err
		}
	}
	return c.json(http.StatusCreated, map[string]string{"Arn": t.Arn, "Message": "Created", "RequestID": c.requestID})
}

func validateTemplateRequest(req *inapp.TemplateRequest) error {
	return validateInAppContent(req.Layout, req.Content, "")
}

func templateFrom(req *inapp.TemplateRequest, name, created, modified string) *inapp.Template {
	return &inapp.Template{
		Arn: inapp.TemplateArn(name), TemplateName: name, TemplateType: "INAPP",
		Content: req.Content, CustomConfig: req.CustomConfig, Layout: req.Layout,
		TemplateDescription: req.TemplateDescription,
		CreationDate:        created, LastModifiedDate: modified,
	}
}

func (s *Server) getTemplate(c *call) error {
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	t, err := s.Store.GetTemplate(c.r.Context(), c.path("template-name"), version)
	if err != nil {
		return err
	}
	if err := s.withTags(c, t.Arn, &t.Tags); err != nil {
		return err
	}
	return c.json(http.StatusOK, t)
}

func (s *Server) updateTemplate(c *call) error {
	name := c.path("template-name")
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	newVersion := false
	if v := c.r.URL.Query().Get("create-new-version"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return inapp.Errorf(inapp.EINVALID, "create-new-version must be true or false, got %q.", v)
		}
		newVersion = b
	}
	var req inapp.TemplateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := validateTemplateRequest(&req); err != nil {
		return err
	}
	ctx := c.r.Context()
	if newVersion && version != "" {
		return inapp.Errorf(inapp.EINVALID, "Give either create-new-version=true or version, not both.")
	}
	latest, err := s.Store.LatestTemplateVersion(ctx, name)
	if err != nil {
		return err
	}
	// The model: a version given to an update must be the latest one (it
	// guards against two editors racing); without one, an update overwrites
	// the latest version.
	if version != "" && version != latest {
		if _, err := s.Store.GetTemplate(ctx, name, version); err != nil {
			return err
		}
		return inapp.Errorf(inapp.EINVALID, "Version %s of template %s is not its latest version (%s): updates may only overwrite the latest version, or create a new one.", version, name, latest)
	}
	version = latest
	cur, err := s.Store.GetTemplate(ctx, name, version)
	if err != nil {
		return err
	}
	now := s.now()
	created := cur.CreationDate
	if newVersion {
		created = now
	}
	t := templateFrom(&req, name, created, now)
	t.Version = version
	if err := s.Store.PutTemplate(ctx, t, newVersion); err != nil {
		return err
	}
	s.Delivery.Invalidate(allApps)
	return c.message(http.StatusAccepted, "Accepted")
}

func (s *Server) deleteTemplate(c *call) error {
	name := c.path("template-name")
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTemplate(c.r.Context(), name, version); err != nil {
		return err
	}
	// Tags go with the template's last version.
	if _, err := s.Store.LatestTemplateVersion(c.r.Context(), name); inapp.ErrorCode(err) == inapp.ENOTFOUND {
		if err := s.Store.DeleteTags(c.r.Context(), inapp.TemplateArn(name)); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	s.Delivery.Invalidate(allApps)
	return c.message(http.StatusAccepted, "Accepted")
}

// templateSummary is TemplateResponse (ListTemplates): no content.
type templateSummary struct {
	Arn                 string            `json:"Arn,omitempty"`
	CreationDate        string            `json:"CreationDate"`
	LastModifiedDate    string            `json:"LastModifiedDate"`
	Tags                map[string]string `json:"tags,omitempty"`
	TemplateDescription string            `json:"TemplateDescription,omitempty"`
	TemplateName        string            `json:"TemplateName"`
	TemplateType        string            `json:"TemplateType"`
	Version             string            `json:"Version,omitempty"`
}

func (s *Server) listTemplates(c *call) error {
	page, err := c.page("next-token")
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	items := []templateSummary{}
	next := ""
	if typ := q.Get("template-type"); typ != "" {
		if err := oneOf("template-type", typ, "EMAIL", "SMS", "VOICE", "PUSH", "INAPP"); err != nil {
			return err
		}
		if typ != "INAPP" {
			// inappd keeps only in-app templates.
			return c.json(http.StatusOK, listBody{"Item": items})
		}
	}
	ts, next, err := s.Store.ListTemplates(c.r.Context(), q.Get("prefix"), page)
	if err != nil {
		return err
	}
	for _, t := range ts {
		sum := templateSummary{Arn: t.Arn, CreationDate: t.CreationDate, LastModifiedDate: t.LastModifiedDate,
			TemplateDescription: t.TemplateDescription, TemplateName: t.TemplateName, TemplateType: t.TemplateType, Version: t.Version}
		if err := s.withTags(c, t.Arn, &sum.Tags); err != nil {
			return err
		}
		items = append(items, sum)
	}
	return c.json(http.StatusOK, listBody{"Item": items, "NextToken": next})
}

func (s *Server) listTemplateVersions(c *call) error {
	if err := requireInAppType(c); err != nil {
		return err
	}
	page, err := c.page("next-token")
	if err != nil {
		return err
	}
	ts, next, err := s.Store.ListTemplateVersions(c.r.Context(), c.path("template-name"), page)
	if err != nil {
		return err
	}
	items := make([]templateSummary, 0, len(ts))
	for _, t := range ts {
		items = append(items, templateSummary{CreationDate: t.CreationDate, LastModifiedDate: t.LastModifiedDate,
			TemplateDescription: t.TemplateDescription, TemplateName: t.TemplateName, TemplateType: t.TemplateType, Version: t.Version})
	}
	return c.json(http.StatusOK, listBody{"Item": items, "NextToken": next, "Message": "Success", "RequestID": c.requestID})
}

func (s *Server) updateTemplateActiveVersion(c *call) error {
	if err := requireInAppType(c); err != nil {
		return err
	}
	var req struct {
		Version *string `json:"Version"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.Version == nil || *req.Version == "" {
		return missing("Version")
	}
	name, version := c.path("template-name"), *req.Version
	if version == "latest" { // the model's word for the most recent version
		v, err := s.Store.LatestTemplateVersion(c.r.Context(), name)
		if err != nil {
			return err
		}
		version = v
	}
	if err := s.Store.SetActiveTemplateVersion(c.r.Context(), name, version); err != nil {
		return err
	}
	s.Delivery.Invalidate(allApps)
	return c.message(http.StatusOK, "Success")
}

// requireInAppType accepts the {template-type} label for in-app templates:
// the model's enum value INAPP, and the lowercase path literal "inapp".
func requireInAppType(c *call) error {
	typ := c.path("template-type")
	if strings.EqualFold(typ, "INAPP") {
		return nil
	}
	if err := oneOf("template-type", strings.ToUpper(typ), "EMAIL", "SMS", "VOICE", "PUSH", "INAPP"); err != nil {
		return err
	}
	return inapp.Errorf(inapp.ENOTFOUND, "Template %s of type %s does not exist: inappd keeps in-app templates only.", c.path("template-name"), typ)
}

func queryVersion(c *call) (string, error) {
	v := c.r.URL.Query().Get("version")
	if v == "" {
		return "", nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return "", inapp.Errorf(inapp.EINVALID, "version %q is not valid: it must be a whole number from 1.", v)
	}
	return v, nil
}
