package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func TestTags(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()

	appOut, err := c.CreateApp(ctx, &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String("tagged"), Tags: map[string]string{"created": "yes"}}})
	if err != nil {
		t.Fatalf("CreateApp: %v", err)
	}
	app := str(appOut.ApplicationResponse.Id)
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))
	camp := createCampaign(t, c, app, campaignRequest("c", "", 1))
	tplOut, err := c.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String("tagged-tpl"), InAppTemplateRequest: templateRequest("x")})
	if err != nil {
		t.Fatalf("CreateInAppTemplate: %v", err)
	}

	resources := []struct {
		kind, arn string
		initial   map[string]string
	}{
		{"app", str(appOut.ApplicationResponse.Arn), map[string]string{"created": "yes"}},
		{"segment", str(seg.Arn), map[string]string{}},
		{"campaign", str(camp.Arn), map[string]string{}},
		{"template", str(tplOut.TemplateCreateMessageBody.Arn), map[string]string{}},
	}
	for _, res := range resources {
		t.Run(res.kind, func(t *testing.T) {
			if !strings.HasPrefix(res.arn, "arn:") {
				t.Fatalf("%s Arn = %q", res.kind, res.arn)
			}
			list := func() map[string]string {
				t.Helper()
				out, err := c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String(res.arn)})
				if err != nil {
					t.Fatalf("ListTagsForResource %s: %v", res.arn, err)
				}
				wantStatus(t, out.ResultMetadata, 200)
				if out.TagsModel.Tags == nil {
					return map[string]string{}
				}
				return out.TagsModel.Tags
			}
			sameJSON(t, "tags at creation", res.initial, list())

			tag, err := c.TagResource(ctx, &pinpoint.TagResourceInput{ResourceArn: aws.String(res.arn), TagsModel: &types.TagsModel{Tags: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}}})
			if err != nil {
				t.Fatalf("TagResource: %v", err)
			}
			wantStatus(t, tag.ResultMetadata, 204)
			want := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}
			for k, v := range res.initial {
				want[k] = v
			}
			sameJSON(t, "tags after TagResource", want, list())

			// Tagging again overwrites values and adds keys.
			if _, err := c.TagResource(ctx, &pinpoint.TagResourceInput{ResourceArn: aws.String(res.arn), TagsModel: &types.TagsModel{Tags: map[string]string{"a": "one", "e": "5"}}}); err != nil {
				t.Fatalf("TagResource again: %v", err)
			}
			want["a"], want["e"] = "one", "5"
			sameJSON(t, "tags after a second TagResource", want, list())

			untag, err := c.UntagResource(ctx, &pinpoint.UntagResourceInput{ResourceArn: aws.String(res.arn), TagKeys: []string{"b", "c", "not-there"}})
			if err != nil {
				t.Fatalf("UntagResource: %v", err)
			}
			wantStatus(t, untag.ResultMetadata, 204)
			delete(want, "b")
			delete(want, "c")
			sameJSON(t, "tags after UntagResource b c", want, list())

			// Raw: the ARN travels percent-encoded in one path segment;
			// 204 has no body.
			path := "/v1/tags/" + escapeLabel(res.arn)
			r := rawCall(t, m, nil, "POST", path, []byte(`{"tags":{"raw":"yes"}}`))
			wantRawStatus(t, r, 204)
			if len(r.Body) != 0 {
				t.Errorf("TagResource 204 with a body: %q", r.Body)
			}
			r = rawCall(t, m, nil, "GET", path, nil)
			wantRawStatus(t, r, 200)
			tags, _ := r.object(t)["tags"].(map[string]any)
			if tags["raw"] != "yes" {
				t.Errorf("raw ListTagsForResource = %s, want tags.raw", r.Body)
			}
			r = rawCall(t, m, nil, "DELETE", path+"?tagKeys=raw&tagKeys=a", nil)
			wantRawStatus(t, r, 204)
			delete(want, "a")
			sameJSON(t, "tags after raw UntagResource raw a", want, list())

			// Rejected tag writes change nothing.
			wantRawError(t, rawCall(t, m, nil, "POST", path, []byte(`{}`)), "BadRequestException")
			wantRawError(t, rawCall(t, m, nil, "POST", path, []byte(`{"tags":{"k":5}}`)), "BadRequestException")
			wantRawError(t, rawCall(t, m, nil, "POST", path, []byte(`{"tags":`)), "BadRequestException")
			sameJSON(t, "tags after rejected TagResource", want, list())
		})
	}

	// Tags show up in the resources themselves.
	got, err := c.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("GetApp: %v", err)
	}
	sameJSON(t, "GetApp tags", map[string]string{"created": "yes", "d": "4", "e": "5"}, got.ApplicationResponse.Tags)
	if cr := getCampaign(t, c, app, str(camp.Id)); cr.Tags["d"] != "4" || cr.Tags["e"] != "5" {
		t.Errorf("GetCampaign tags = %v", cr.Tags)
	}
	if tpl := mustGetTemplate(t, c, "tagged-tpl", ""); tpl.Tags["d"] != "4" {
		t.Errorf("GetInAppTemplate tags = %v", tpl.Tags)
	}

	// Unknown resources: NotFound (the tag operations model no errors, so
	// the SDK hands back a generic API error with the code).
	base := strings.TrimSuffix(str(appOut.ApplicationResponse.Arn), app)
	for _, arn := range []string{
		base + "no-such-app",
		base + app + "/campaigns/no-such-campaign",
		base + app + "/segments/no-such-segment",
		strings.TrimSuffix(str(tplOut.TemplateCreateMessageBody.Arn), "tagged-tpl/INAPP") + "no-such-template/INAPP",
	} {
		_, err := c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		wantErrCode(t, err, "NotFoundException")
		_, err = c.TagResource(ctx, &pinpoint.TagResourceInput{ResourceArn: aws.String(arn), TagsModel: &types.TagsModel{Tags: map[string]string{"a": "b"}}})
		wantErrCode(t, err, "NotFoundException")
		_, err = c.UntagResource(ctx, &pinpoint.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a"}})
		wantErrCode(t, err, "NotFoundException")
	}
	_, err = c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String("not-an-arn")})
	if err == nil {
		t.Errorf("ListTagsForResource of %q: accepted", "not-an-arn")
	}

	// A deleted app's tags are gone with it.
	if _, err := c.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(app)}); err != nil {
		t.Fatalf("DeleteApp: %v", err)
	}
	_, err = c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: appOut.ApplicationResponse.Arn})
	wantErrCode(t, err, "NotFoundException")
}

// TestTagsDoNotOutliveResources: a template deleted (whole, or version by
// version) and created again under the same name starts without the old
// tags, and a deleted segment has none left.
func TestTagsDoNotOutliveResources(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()

	tags := func(arn string) map[string]string {
		t.Helper()
		out, err := c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("ListTagsForResource %s: %v", arn, err)
		}
		if out.TagsModel.Tags == nil {
			return map[string]string{}
		}
		return out.TagsModel.Tags
	}
	for _, byVersion := range []bool{false, true} {
		name := "whole"
		if byVersion {
			name = "by-version"
		}
		req := templateRequest("x")
		req.Tags = map[string]string{"old": "tag"}
		out, err := c.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String(name), InAppTemplateRequest: req})
		if err != nil {
			t.Fatalf("CreateInAppTemplate: %v", err)
		}
		arn := str(out.TemplateCreateMessageBody.Arn)
		sameJSON(t, name+" tags", map[string]string{"old": "tag"}, tags(arn))

		in := &pinpoint.DeleteInAppTemplateInput{TemplateName: aws.String(name)}
		if byVersion {
			in.Version = aws.String("1") // its only version
		}
		if _, err := c.DeleteInAppTemplate(ctx, in); err != nil {
			t.Fatalf("DeleteInAppTemplate %s: %v", name, err)
		}
		_, err = getTemplate(t, c, name, "")
		wantNotFound(t, err)
		_, err = c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		wantErrCode(t, err, "NotFoundException")

		createTemplate(t, c, name, templateRequest("y"))
		sameJSON(t, name+" tags after re-creation", map[string]string{}, tags(arn))
		if got := mustGetTemplate(t, c, name, ""); len(got.Tags) != 0 || str(got.Version) != "1" {
			t.Errorf("re-created %s: Version %q tags %v, want version 1 and no tags", name, str(got.Version), got.Tags)
		}
	}

	app := createApp(t, c, "segments")
	seg := createSegment(t, c, app, &types.WriteSegmentRequest{Name: aws.String("s"), Dimensions: attrSegment("s", "k", "v").Dimensions, Tags: map[string]string{"a": "b"}})
	sameJSON(t, "segment tags", map[string]string{"a": "b"}, tags(str(seg.Arn)))
	del, err := c.DeleteSegment(ctx, &pinpoint.DeleteSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id})
	if err != nil {
		t.Fatalf("DeleteSegment: %v", err)
	}
	if del.SegmentResponse.Tags["a"] != "b" {
		t.Errorf("DeleteSegment answer tags = %v, want a=b", del.SegmentResponse.Tags)
	}
	_, err = c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: seg.Arn})
	wantErrCode(t, err, "NotFoundException")
}
