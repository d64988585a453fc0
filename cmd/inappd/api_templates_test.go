package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func getTemplate(t *testing.T, c *pinpoint.Client, name, version string) (*types.InAppTemplateResponse, error) {
	t.Helper()
	in := &pinpoint.GetInAppTemplateInput{TemplateName: aws.String(name)}
	if version != "" {
		in.Version = aws.String(version)
	}
	out, err := c.GetInAppTemplate(t.Context(), in)
	if err != nil {
		return nil, err
	}
	return out.InAppTemplateResponse, nil
}

func mustGetTemplate(t *testing.T, c *pinpoint.Client, name, version string) *types.InAppTemplateResponse {
	t.Helper()
	tpl, err := getTemplate(t, c, name, version)
	if err != nil {
		t.Fatalf("GetInAppTemplate %s version %q: %v", name, version, err)
	}
	return tpl
}

func templateHeaders(tpl *types.InAppTemplateResponse) []string {
	var hs []string
	for _, c := range tpl.Content {
		if c.HeaderConfig != nil {
			hs = append(hs, str(c.HeaderConfig.Header))
		}
	}
	return hs
}

func TestTemplateCreateGet(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()

	req := templateRequest("one", "two")
	req.Tags = map[string]string{"team": "growth"}
	out, err := c.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String("welcome_1"), InAppTemplateRequest: req})
	if err != nil {
		t.Fatalf("CreateInAppTemplate: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 201)
	arn := str(out.TemplateCreateMessageBody.Arn)
	if !strings.HasPrefix(arn, "arn:") || !strings.HasSuffix(arn, ":templates/welcome_1/INAPP") {
		t.Errorf("Arn = %q, want …:templates/welcome_1/INAPP", arn)
	}

	tpl := mustGetTemplate(t, c, "welcome_1", "")
	if str(tpl.TemplateName) != "welcome_1" || tpl.TemplateType != types.TemplateTypeInapp || str(tpl.Version) != "1" || str(tpl.Arn) != arn {
		t.Errorf("GetInAppTemplate Name/Type/Version/Arn = %q/%q/%q/%q, want welcome_1/INAPP/1/%s", str(tpl.TemplateName), tpl.TemplateType, str(tpl.Version), str(tpl.Arn), arn)
	}
	sameJSON(t, "Content", req.Content, tpl.Content)
	sameJSON(t, "CustomConfig", req.CustomConfig, tpl.CustomConfig)
	if tpl.Layout != req.Layout || str(tpl.TemplateDescription) != str(req.TemplateDescription) {
		t.Errorf("Layout/Description = %q/%q", tpl.Layout, str(tpl.TemplateDescription))
	}
	if tpl.Tags["team"] != "growth" {
		t.Errorf("tags = %v, want team=growth", tpl.Tags)
	}
	wantISOTime(t, "CreationDate", str(tpl.CreationDate))
	wantISOTime(t, "LastModifiedDate", str(tpl.LastModifiedDate))
	sameJSON(t, "GetInAppTemplate version 1", tpl, mustGetTemplate(t, c, "welcome_1", "1"))

	// Raw: 201 with {"Arn","Message","RequestID"}.
	r := rawJSON(t, m, nil, "POST", "/v1/templates/raw-1/inapp", templateRequest("raw"))
	wantRawStatus(t, r, 201)
	if body := r.object(t); body["Arn"] == nil || body["RequestID"] == nil {
		t.Errorf("CreateInAppTemplate raw body = %s", r.Body)
	}

	_, err = getTemplate(t, c, "nope", "")
	wantNotFound(t, err)
	_, err = getTemplate(t, c, "welcome_1", "2")
	wantNotFound(t, err)
}

func TestTemplateCreateRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	createTemplate(t, c, "taken", templateRequest("original"))
	before := mustGetTemplate(t, c, "taken", "")

	create := func(name string, req *types.InAppTemplateRequest) error {
		_, err := c.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String(name), InAppTemplateRequest: req})
		return err
	}

	wantBadRequest(t, create("taken", templateRequest("replacement")))
	sameJSON(t, "template after a duplicate create", before, mustGetTemplate(t, c, "taken", ""))

	for _, name := range []string{"-starts-with-dash", "_underscore", "has space", "has.dot", "ünïcode", strings.Repeat("a", 129)} {
		if err := create(name, templateRequest("x")); err == nil {
			t.Errorf("CreateInAppTemplate %q: accepted", name)
		} else {
			wantBadRequest(t, err)
		}
	}
	if err := create(strings.Repeat("a", 128), templateRequest("x")); err != nil {
		t.Errorf("CreateInAppTemplate with a 128-character name: %v", err)
	}

	bad := map[string]*types.InAppTemplateRequest{
		"6 content cards": templateRequest("1", "2", "3", "4", "5", "6"),
		"unknown Layout":  func() *types.InAppTemplateRequest { r := templateRequest("x"); r.Layout = "SIDEBAR"; return r }(),
		"unknown Alignment": func() *types.InAppTemplateRequest {
			r := templateRequest("x")
			r.Content[0].HeaderConfig.Alignment = "JUSTIFY"
			return r
		}(),
		"unknown body Align": func() *types.InAppTemplateRequest {
			r := templateRequest("x")
			r.Content[0].BodyConfig.Alignment = "left"
			return r
		}(),
		"unknown ButtonAction": func() *types.InAppTemplateRequest {
			r := templateRequest("x")
			r.Content[0].PrimaryBtn.DefaultConfig.ButtonAction = "EXPLODE"
			return r
		}(),
		"unknown IOS action": func() *types.InAppTemplateRequest {
			r := templateRequest("x")
			r.Content[0].PrimaryBtn.IOS.ButtonAction = "SHAKE"
			return r
		}(),
	}
	for what, req := range bad {
		if err := create("bad-"+strings.ReplaceAll(what, " ", "-"), req); err == nil {
			t.Errorf("CreateInAppTemplate with %s: accepted", what)
		} else {
			wantBadRequest(t, err)
		}
	}
	if err := create("five-cards", templateRequest("1", "2", "3", "4", "5")); err != nil {
		t.Errorf("CreateInAppTemplate with 5 cards: %v", err)
	}

	// Required members the SDK refuses to send.
	for what, body := range map[string]string{
		"HeaderConfig without Header": `{"Layout":"TOP_BANNER","Content":[{"HeaderConfig":{"Alignment":"LEFT","TextColor":"#000"}}]}`,
		"button without ButtonAction": `{"Layout":"TOP_BANNER","Content":[{"PrimaryBtn":{"DefaultConfig":{"Text":"OK"}}}]}`,
		"button without Text":         `{"Layout":"TOP_BANNER","Content":[{"PrimaryBtn":{"DefaultConfig":{"ButtonAction":"CLOSE"}}}]}`,
		"BorderRadius as a string":    `{"Layout":"TOP_BANNER","Content":[{"PrimaryBtn":{"DefaultConfig":{"ButtonAction":"CLOSE","Text":"OK","BorderRadius":"4px"}}}]}`,
		"Content not a list":          `{"Layout":"TOP_BANNER","Content":{"BackgroundColor":"#fff"}}`,
		"malformed JSON":              `{"Layout":"TOP_BANNER",`,
	} {
		name := "raw-" + strings.ReplaceAll(what, " ", "-")
		wantRawError(t, rawCall(t, m, nil, "POST", "/v1/templates/"+name+"/inapp", []byte(body)), "BadRequestException")
		if _, err := getTemplate(t, c, name, ""); err == nil {
			t.Errorf("template %s exists after a rejected create (%s)", name, what)
		}
	}

	// Nothing but the good ones was stored.
	list, err := c.ListTemplates(ctx, &pinpoint.ListTemplatesInput{})
	if err != nil {
		t.Fatalf("ListTemplates: %v", err)
	}
	var names []string
	for _, it := range list.TemplatesResponse.Item {
		names = append(names, str(it.TemplateName))
	}
	wantSameSet(t, "templates after rejected creates", names, []string{"taken", strings.Repeat("a", 128), "five-cards"})
}

func TestTemplateVersions(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	createTemplate(t, c, "promo", templateRequest("v1"))

	update := func(req *types.InAppTemplateRequest, createNew bool, version string) error {
		in := &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("promo"), InAppTemplateRequest: req}
		if createNew {
			in.CreateNewVersion = aws.Bool(true)
		}
		if version != "" {
			in.Version = aws.String(version)
		}
		out, err := c.UpdateInAppTemplate(ctx, in)
		if err == nil {
			wantStatus(t, out.ResultMetadata, 202)
			if str(out.MessageBody.Message) == "" || str(out.MessageBody.RequestID) == "" {
				t.Errorf("UpdateInAppTemplate body = %s", mustJSON(t, out.MessageBody))
			}
		}
		return err
	}
	headersOf := func(version string) []string {
		t.Helper()
		return templateHeaders(mustGetTemplate(t, c, "promo", version))
	}

	// Version "1" (the latest) without create-new-version overwrites it.
	if err := update(templateRequest("v1-edited"), false, "1"); err != nil {
		t.Fatalf("UpdateInAppTemplate version 1: %v", err)
	}
	if got := mustGetTemplate(t, c, "promo", ""); str(got.Version) != "1" || !slices.Equal(templateHeaders(got), []string{"v1-edited"}) {
		t.Errorf("template after overwriting version 1 = version %q %v, want 1 [v1-edited]", str(got.Version), templateHeaders(got))
	}
	_, err := getTemplate(t, c, "promo", "2")
	wantNotFound(t, err)

	// create-new-version: version 2, while the active version stays 1.
	if err := update(templateRequest("v2"), true, ""); err != nil {
		t.Fatalf("UpdateInAppTemplate create-new-version: %v", err)
	}
	active := mustGetTemplate(t, c, "promo", "")
	if str(active.Version) != "1" || !slices.Equal(templateHeaders(active), []string{"v1-edited"}) {
		t.Errorf("active template after a new version = version %q %v, want version 1 [v1-edited]", str(active.Version), templateHeaders(active))
	}
	v2 := mustGetTemplate(t, c, "promo", "2")
	if str(v2.Version) != "2" || !slices.Equal(templateHeaders(v2), []string{"v2"}) || v2.TemplateType != types.TemplateTypeInapp {
		t.Errorf("version 2 = %q %q %v, want 2 INAPP [v2]", str(v2.Version), v2.TemplateType, templateHeaders(v2))
	}

	// The model: a Version given to an update must be the latest one, and
	// must not come with create-new-version.
	before1, before2 := mustGetTemplate(t, c, "promo", "1"), mustGetTemplate(t, c, "promo", "2")
	wantBadRequest(t, update(templateRequest("stale"), false, "1"))
	wantBadRequest(t, update(templateRequest("both"), true, "2"))
	wantRejected(t, update(templateRequest("missing"), false, "9"), "BadRequestException", "NotFoundException")
	sameJSON(t, "version 1 after rejected updates", before1, mustGetTemplate(t, c, "promo", "1"))
	sameJSON(t, "version 2 after rejected updates", before2, mustGetTemplate(t, c, "promo", "2"))
	_, err = getTemplate(t, c, "promo", "3")
	wantNotFound(t, err)

	// Version "2" (now the latest) and no version at all both overwrite 2.
	if err := update(templateRequest("v2-edited"), false, "2"); err != nil {
		t.Fatalf("UpdateInAppTemplate version 2: %v", err)
	}
	if got := headersOf("2"); !slices.Equal(got, []string{"v2-edited"}) {
		t.Errorf("version 2 = %v, want [v2-edited]", got)
	}
	if err := update(templateRequest("v2-latest"), false, ""); err != nil {
		t.Fatalf("UpdateInAppTemplate without version: %v", err)
	}
	if got := headersOf("2"); !slices.Equal(got, []string{"v2-latest"}) {
		t.Errorf("version 2 after an update without version = %v, want [v2-latest]", got)
	}
	if got := headersOf("1"); !slices.Equal(got, []string{"v1-edited"}) {
		t.Errorf("version 1 after updates of version 2 = %v, want [v1-edited]", got)
	}
	_, err = getTemplate(t, c, "promo", "3")
	wantNotFound(t, err)

	vs, err := c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("promo"), TemplateType: aws.String("INAPP")})
	if err != nil {
		t.Fatalf("ListTemplateVersions: %v", err)
	}
	wantStatus(t, vs.ResultMetadata, 200)
	var versions []string
	for _, v := range vs.TemplateVersionsResponse.Item {
		versions = append(versions, str(v.Version))
		if str(v.TemplateName) != "promo" || str(v.TemplateType) != "INAPP" {
			t.Errorf("ListTemplateVersions item = %s", mustJSON(t, v))
		}
		wantISOTime(t, "version CreationDate", str(v.CreationDate))
		wantISOTime(t, "version LastModifiedDate", str(v.LastModifiedDate))
	}
	wantSameSet(t, "ListTemplateVersions", versions, []string{"1", "2"})
	paged, err := c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("promo"), TemplateType: aws.String("INAPP"), PageSize: aws.String("1")})
	if err != nil {
		t.Fatalf("ListTemplateVersions page-size 1: %v", err)
	}
	if len(paged.TemplateVersionsResponse.Item) != 1 || str(paged.TemplateVersionsResponse.NextToken) == "" {
		t.Errorf("ListTemplateVersions page-size 1 = %s, want one item and a NextToken", mustJSON(t, paged.TemplateVersionsResponse))
	} else {
		next, err := c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("promo"), TemplateType: aws.String("INAPP"), PageSize: aws.String("1"), NextToken: paged.TemplateVersionsResponse.NextToken})
		if err != nil {
			t.Fatalf("ListTemplateVersions next page: %v", err)
		}
		if len(next.TemplateVersionsResponse.Item) != 1 || str(next.TemplateVersionsResponse.Item[0].Version) == str(paged.TemplateVersionsResponse.Item[0].Version) {
			t.Errorf("ListTemplateVersions second page = %s", mustJSON(t, next.TemplateVersionsResponse))
		}
	}

	activate := func(version, typ string) error {
		out, err := c.UpdateTemplateActiveVersion(ctx, &pinpoint.UpdateTemplateActiveVersionInput{TemplateName: aws.String("promo"), TemplateType: aws.String(typ), TemplateActiveVersionRequest: &types.TemplateActiveVersionRequest{Version: aws.String(version)}})
		if err == nil {
			wantStatus(t, out.ResultMetadata, 200)
			if str(out.MessageBody.Message) == "" {
				t.Errorf("UpdateTemplateActiveVersion body = %s", mustJSON(t, out.MessageBody))
			}
		}
		return err
	}
	if err := activate("2", "INAPP"); err != nil {
		t.Fatalf("UpdateTemplateActiveVersion 2: %v", err)
	}
	if got := mustGetTemplate(t, c, "promo", ""); str(got.Version) != "2" || !slices.Equal(templateHeaders(got), []string{"v2-latest"}) {
		t.Errorf("active template = version %q %v, want 2 [v2-latest]", str(got.Version), templateHeaders(got))
	}
	if err := activate("1", "INAPP"); err != nil {
		t.Fatalf("UpdateTemplateActiveVersion 1: %v", err)
	}
	if got := mustGetTemplate(t, c, "promo", ""); str(got.Version) != "1" {
		t.Errorf("active version = %q, want 1", str(got.Version))
	}
	// "latest" is a valid value (model documentation).
	if err := activate("latest", "INAPP"); err != nil {
		t.Fatalf("UpdateTemplateActiveVersion latest: %v", err)
	}
	if got := mustGetTemplate(t, c, "promo", ""); str(got.Version) != "2" {
		t.Errorf("active version after activating latest = %q, want 2", str(got.Version))
	}

	// Unknown versions and other template types are refused; the active
	// version stays.
	wantRejected(t, activate("7", "INAPP"), "BadRequestException", "NotFoundException")
	wantRejected(t, activate("1", "EMAIL"), "BadRequestException", "NotFoundException")
	if got := mustGetTemplate(t, c, "promo", ""); str(got.Version) != "2" {
		t.Errorf("active version after rejected activations = %q, want 2", str(got.Version))
	}
	_, err = c.UpdateTemplateActiveVersion(ctx, &pinpoint.UpdateTemplateActiveVersionInput{TemplateName: aws.String("nope"), TemplateType: aws.String("INAPP"), TemplateActiveVersionRequest: &types.TemplateActiveVersionRequest{Version: aws.String("1")}})
	wantNotFound(t, err)

	// Rejected content changes no version.
	before1, before2 = mustGetTemplate(t, c, "promo", "1"), mustGetTemplate(t, c, "promo", "2")
	bad := templateRequest("bad")
	bad.Layout = "SIDEWAYS"
	wantBadRequest(t, update(bad, true, ""))
	wantBadRequest(t, update(templateRequest("1", "2", "3", "4", "5", "6"), false, ""))
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/templates/promo/inapp?create-new-version=true", []byte(`{"Layout":5}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/templates/promo/inapp", []byte(`{"Layout":"TOP_BANNER"`)), "BadRequestException")
	sameJSON(t, "version 1 after rejected updates", before1, mustGetTemplate(t, c, "promo", "1"))
	sameJSON(t, "version 2 after rejected updates", before2, mustGetTemplate(t, c, "promo", "2"))
	_, err = getTemplate(t, c, "promo", "3")
	wantNotFound(t, err)

	_, err = c.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("nope"), InAppTemplateRequest: templateRequest("x")})
	wantNotFound(t, err)
	_, err = c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("nope"), TemplateType: aws.String("INAPP")})
	wantNotFound(t, err)
}

func TestTemplateDelete(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	createTemplate(t, c, "gone", templateRequest("v1"))
	if _, err := c.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("gone"), CreateNewVersion: aws.Bool(true), InAppTemplateRequest: templateRequest("v2")}); err != nil {
		t.Fatalf("UpdateInAppTemplate: %v", err)
	}
	if _, err := c.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("gone"), CreateNewVersion: aws.Bool(true), InAppTemplateRequest: templateRequest("v3")}); err != nil {
		t.Fatalf("UpdateInAppTemplate: %v", err)
	}
	createTemplate(t, c, "stays", templateRequest("s"))

	// Delete one (inactive) version.
	out, err := c.DeleteInAppTemplate(ctx, &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String("gone"), Version: aws.String("2")})
	if err != nil {
		t.Fatalf("DeleteInAppTemplate version 2: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 202)
	if str(out.MessageBody.Message) == "" {
		t.Errorf("DeleteInAppTemplate body = %s", mustJSON(t, out.MessageBody))
	}
	_, err = getTemplate(t, c, "gone", "2")
	wantNotFound(t, err)
	mustGetTemplate(t, c, "gone", "1")
	mustGetTemplate(t, c, "gone", "3")
	vs, err := c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("gone"), TemplateType: aws.String("INAPP")})
	if err != nil {
		t.Fatalf("ListTemplateVersions: %v", err)
	}
	var versions []string
	for _, v := range vs.TemplateVersionsResponse.Item {
		versions = append(versions, str(v.Version))
	}
	wantSameSet(t, "versions after deleting version 2", versions, []string{"1", "3"})
	_, err = c.DeleteInAppTemplate(ctx, &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String("gone"), Version: aws.String("2")})
	wantNotFound(t, err)

	// Delete the whole template.
	out, err = c.DeleteInAppTemplate(ctx, &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String("gone")})
	if err != nil {
		t.Fatalf("DeleteInAppTemplate: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 202)
	for _, v := range []string{"", "1", "3"} {
		_, err = getTemplate(t, c, "gone", v)
		wantNotFound(t, err)
	}
	_, err = c.ListTemplateVersions(ctx, &pinpoint.ListTemplateVersionsInput{TemplateName: aws.String("gone"), TemplateType: aws.String("INAPP")})
	wantNotFound(t, err)
	_, err = c.DeleteInAppTemplate(ctx, &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String("gone")})
	wantNotFound(t, err)
	mustGetTemplate(t, c, "stays", "")

	// The name can be used again, starting over at version 1.
	createTemplate(t, c, "gone", templateRequest("again"))
	if got := mustGetTemplate(t, c, "gone", ""); str(got.Version) != "1" || !slices.Equal(templateHeaders(got), []string{"again"}) {
		t.Errorf("recreated template = version %q %v, want 1 [again]", str(got.Version), templateHeaders(got))
	}
}

func TestTemplateList(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	for _, name := range []string{"promo-a", "promo-b", "promo-c", "other"} {
		createTemplate(t, c, name, templateRequest(name))
	}

	list := func(in *pinpoint.ListTemplatesInput) []string {
		t.Helper()
		var names []string
		for page := 0; ; page++ {
			if page > 6 {
				t.Fatalf("ListTemplates pagination does not end: %v", names)
			}
			out, err := c.ListTemplates(ctx, in)
			if err != nil {
				t.Fatalf("ListTemplates: %v", err)
			}
			if in.PageSize != nil && len(out.TemplatesResponse.Item) > 2 {
				t.Errorf("ListTemplates page of %d items with page-size 2", len(out.TemplatesResponse.Item))
			}
			for _, it := range out.TemplatesResponse.Item {
				names = append(names, str(it.TemplateName))
				if it.TemplateType != types.TemplateTypeInapp || !strings.HasSuffix(str(it.Arn), ":templates/"+str(it.TemplateName)+"/INAPP") {
					t.Errorf("ListTemplates item = %s", mustJSON(t, it))
				}
				wantISOTime(t, "CreationDate", str(it.CreationDate))
				wantISOTime(t, "LastModifiedDate", str(it.LastModifiedDate))
			}
			if out.TemplatesResponse.NextToken == nil || *out.TemplatesResponse.NextToken == "" {
				return names
			}
			in.NextToken = out.TemplatesResponse.NextToken
		}
	}
	all := []string{"promo-a", "promo-b", "promo-c", "other"}
	wantSameSet(t, "ListTemplates", list(&pinpoint.ListTemplatesInput{}), all)
	wantSameSet(t, "ListTemplates prefix promo", list(&pinpoint.ListTemplatesInput{Prefix: aws.String("promo")}), []string{"promo-a", "promo-b", "promo-c"})
	wantSameSet(t, "ListTemplates prefix promo-b", list(&pinpoint.ListTemplatesInput{Prefix: aws.String("promo-b")}), []string{"promo-b"})
	wantSameSet(t, "ListTemplates type INAPP", list(&pinpoint.ListTemplatesInput{TemplateType: aws.String("INAPP")}), all)
	wantSameSet(t, "ListTemplates type EMAIL", list(&pinpoint.ListTemplatesInput{TemplateType: aws.String("EMAIL")}), nil)
	wantSameSet(t, "ListTemplates in pages of 2", list(&pinpoint.ListTemplatesInput{PageSize: aws.String("2")}), all)
	wantSameSet(t, "ListTemplates prefix promo in pages of 2", list(&pinpoint.ListTemplatesInput{PageSize: aws.String("2"), Prefix: aws.String("promo")}), []string{"promo-a", "promo-b", "promo-c"})

	_, err := c.ListTemplates(ctx, &pinpoint.ListTemplatesInput{TemplateType: aws.String("CARRIER_PIGEON")})
	wantBadRequest(t, err)
}
