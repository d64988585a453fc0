package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func campaignStatus(c *types.CampaignResponse) types.CampaignStatus {
	if c.State == nil {
		return ""
	}
	return c.State.CampaignStatus
}

func checkCampaign(t *testing.T, what string, cr *types.CampaignResponse, app string, version int32) {
	t.Helper()
	id := str(cr.Id)
	if id == "" {
		t.Fatalf("%s: no Id", what)
	}
	if str(cr.ApplicationId) != app || i32(cr.Version) != version {
		t.Errorf("%s: ApplicationId/Version = %q/%d, want %q/%d", what, str(cr.ApplicationId), i32(cr.Version), app, version)
	}
	if arn := str(cr.Arn); !strings.HasPrefix(arn, "arn:") || !strings.HasSuffix(arn, ":apps/"+app+"/campaigns/"+id) {
		t.Errorf("%s: Arn = %q, want …:apps/%s/campaigns/%s", what, arn, app, id)
	}
	wantISOTime(t, what+" CreationDate", str(cr.CreationDate))
	wantISOTime(t, what+" LastModifiedDate", str(cr.LastModifiedDate))
}

func TestCampaignCreateInline(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "campaigns")
	seg := createSegment(t, c, app, attrSegment("gold", "plan", "gold"))

	end := isoTime(time.Now().Add(48 * time.Hour))
	req := campaignRequest("inline", str(seg.Id), 3)
	req.Description = aws.String("an inline campaign")
	req.SegmentVersion = aws.Int32(1)
	req.Limits = &types.CampaignLimits{Daily: aws.Int32(2), Total: aws.Int32(5), Session: aws.Int32(1)}
	req.Schedule.EndTime = aws.String(end)
	req.Schedule.QuietTime = &types.QuietTime{Start: aws.String("22:00"), End: aws.String("06:00")}
	req.Tags = map[string]string{"k": "v"}

	out, err := c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: req})
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 201)
	cr := out.CampaignResponse
	checkCampaign(t, "CreateCampaign", cr, app, 1)
	if str(cr.Name) != "inline" || str(cr.Description) != "an inline campaign" || i32(cr.Priority) != 3 {
		t.Errorf("Name/Description/Priority = %q/%q/%d", str(cr.Name), str(cr.Description), i32(cr.Priority))
	}
	if str(cr.SegmentId) != str(seg.Id) || i32(cr.SegmentVersion) != 1 {
		t.Errorf("SegmentId/SegmentVersion = %q/%d, want %q/1", str(cr.SegmentId), i32(cr.SegmentVersion), str(seg.Id))
	}
	if campaignStatus(cr) != types.CampaignStatusExecuting {
		t.Errorf("State = %q, want EXECUTING for an IMMEDIATE start", campaignStatus(cr))
	}
	if cr.IsPaused != nil && *cr.IsPaused {
		t.Error("IsPaused = true, want false")
	}
	sameJSON(t, "MessageConfiguration", req.MessageConfiguration, cr.MessageConfiguration)
	sameJSON(t, "Limits", req.Limits, cr.Limits)
	if cr.Schedule == nil || str(cr.Schedule.StartTime) == "" || str(cr.Schedule.EndTime) != end || cr.Schedule.Frequency != types.FrequencyInAppEvent {
		t.Errorf("Schedule = %s", mustJSON(t, cr.Schedule))
	} else {
		sameJSON(t, "Schedule.EventFilter", req.Schedule.EventFilter, cr.Schedule.EventFilter)
		sameJSON(t, "Schedule.QuietTime", req.Schedule.QuietTime, cr.Schedule.QuietTime)
	}
	if cr.Tags["k"] != "v" {
		t.Errorf("tags = %v, want k=v", cr.Tags)
	}

	sameJSON(t, "GetCampaign compared with CreateCampaign", cr, getCampaign(t, c, app, str(cr.Id)))

	// A start in the future: SCHEDULED.
	future := campaignRequest("later", str(seg.Id), 1)
	future.Schedule.StartTime = aws.String(isoTime(time.Now().Add(24 * time.Hour)))
	future.Schedule.EndTime = aws.String(isoTime(time.Now().Add(72 * time.Hour)))
	fc := createCampaign(t, c, app, future)
	if campaignStatus(fc) != types.CampaignStatusScheduled {
		t.Errorf("State = %q, want SCHEDULED for a future start", campaignStatus(fc))
	}
	if str(fc.Schedule.StartTime) != str(future.Schedule.StartTime) {
		t.Errorf("StartTime = %q, want %q", str(fc.Schedule.StartTime), str(future.Schedule.StartTime))
	}

	// Without SegmentId the campaign targets every endpoint; it is valid.
	all := createCampaign(t, c, app, campaignRequest("everyone", "", 0))
	checkCampaign(t, "campaign without segment", all, app, 1)
}

func TestCampaignCreateFromTemplate(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "templated")
	createTemplate(t, c, "promo", templateRequest("from template"))

	for _, version := range []string{"", "1"} {
		req := campaignRequest("templated-"+version, "", 1)
		req.MessageConfiguration = nil
		req.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("promo")}}
		if version != "" {
			req.TemplateConfiguration.InAppTemplate.Version = aws.String(version)
		}
		out, err := c.CreateCampaign(t.Context(), &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: req})
		if err != nil {
			t.Fatalf("CreateCampaign with template version %q: %v", version, err)
		}
		wantStatus(t, out.ResultMetadata, 201)
		checkCampaign(t, "template campaign", out.CampaignResponse, app, 1)
		sameJSON(t, "TemplateConfiguration", req.TemplateConfiguration, out.CampaignResponse.TemplateConfiguration)
		if campaignStatus(out.CampaignResponse) != types.CampaignStatusExecuting {
			t.Errorf("State = %q, want EXECUTING", campaignStatus(out.CampaignResponse))
		}
	}
}

func TestCampaignUpdateVersionsDelete(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "lifecycle")
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))

	req := campaignRequest("first", str(seg.Id), 5)
	v1 := createCampaign(t, c, app, req)
	id := str(v1.Id)

	update := func(req *types.WriteCampaignRequest) (*types.CampaignResponse, error) {
		out, err := c.UpdateCampaign(ctx, &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id), WriteCampaignRequest: req})
		if err != nil {
			return nil, err
		}
		wantStatus(t, out.ResultMetadata, 200)
		return out.CampaignResponse, nil
	}

	req.Name = aws.String("second")
	req.Priority = aws.Int32(2)
	v2, err := update(req)
	if err != nil {
		t.Fatalf("UpdateCampaign: %v", err)
	}
	checkCampaign(t, "UpdateCampaign", v2, app, 2)
	if str(v2.Id) != id || str(v2.Name) != "second" || i32(v2.Priority) != 2 || str(v2.CreationDate) != str(v1.CreationDate) {
		t.Errorf("UpdateCampaign answered %s", mustJSON(t, v2))
	}
	if got := getCampaign(t, c, app, id); i32(got.Version) != 2 || str(got.Name) != "second" {
		t.Errorf("GetCampaign after update: Version %d Name %q", i32(got.Version), str(got.Name))
	}

	// Pause and resume.
	req.IsPaused = aws.Bool(true)
	v3, err := update(req)
	if err != nil {
		t.Fatalf("UpdateCampaign IsPaused: %v", err)
	}
	if campaignStatus(v3) != types.CampaignStatusPaused || v3.IsPaused == nil || !*v3.IsPaused || i32(v3.Version) != 3 {
		t.Errorf("paused campaign: State %q IsPaused %v Version %d", campaignStatus(v3), v3.IsPaused, i32(v3.Version))
	}
	if got := getCampaign(t, c, app, id); campaignStatus(got) != types.CampaignStatusPaused {
		t.Errorf("GetCampaign State = %q, want PAUSED", campaignStatus(got))
	}
	req.IsPaused = aws.Bool(false)
	v4, err := update(req)
	if err != nil {
		t.Fatalf("UpdateCampaign resume: %v", err)
	}
	if campaignStatus(v4) != types.CampaignStatusExecuting {
		t.Errorf("resumed campaign State = %q, want EXECUTING", campaignStatus(v4))
	}

	// A partial update (the usual way to pause) keeps everything else.
	v5, err := update(&types.WriteCampaignRequest{IsPaused: aws.Bool(true)})
	if err != nil {
		t.Fatalf("UpdateCampaign with only IsPaused: %v", err)
	}
	if campaignStatus(v5) != types.CampaignStatusPaused || str(v5.Name) != "second" || i32(v5.Priority) != 2 || str(v5.SegmentId) != str(seg.Id) {
		t.Errorf("after pausing with a partial update: State %q Name %q Priority %d SegmentId %q", campaignStatus(v5), str(v5.Name), i32(v5.Priority), str(v5.SegmentId))
	}
	sameJSON(t, "MessageConfiguration after a partial update", v4.MessageConfiguration, v5.MessageConfiguration)
	sameJSON(t, "Schedule after a partial update", v4.Schedule, v5.Schedule)
	if _, err := update(req); err != nil { // back to running, version 6
		t.Fatalf("UpdateCampaign: %v", err)
	}

	// Versions.
	vs, err := c.GetCampaignVersions(ctx, &pinpoint.GetCampaignVersionsInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetCampaignVersions: %v", err)
	}
	seen := map[int32]string{}
	for _, v := range vs.CampaignsResponse.Item {
		seen[i32(v.Version)] = str(v.Name)
		if str(v.Id) != id {
			t.Errorf("GetCampaignVersions item Id = %q", str(v.Id))
		}
	}
	if len(seen) != 6 || seen[1] != "first" || seen[2] != "second" || seen[6] != "second" {
		t.Errorf("GetCampaignVersions = %v, want versions 1..6 (1 first, 2 second)", seen)
	}
	pv, err := c.GetCampaignVersions(ctx, &pinpoint.GetCampaignVersionsInput{ApplicationId: aws.String(app), CampaignId: aws.String(id), PageSize: aws.String("3")})
	if err != nil {
		t.Fatalf("GetCampaignVersions page-size 3: %v", err)
	}
	if len(pv.CampaignsResponse.Item) != 3 || str(pv.CampaignsResponse.NextToken) == "" {
		t.Errorf("GetCampaignVersions page-size 3: %d items, NextToken %q", len(pv.CampaignsResponse.Item), str(pv.CampaignsResponse.NextToken))
	}
	g1, err := c.GetCampaignVersion(ctx, &pinpoint.GetCampaignVersionInput{ApplicationId: aws.String(app), CampaignId: aws.String(id), Version: aws.String("1")})
	if err != nil {
		t.Fatalf("GetCampaignVersion 1: %v", err)
	}
	if str(g1.CampaignResponse.Name) != "first" || i32(g1.CampaignResponse.Version) != 1 || i32(g1.CampaignResponse.Priority) != 5 {
		t.Errorf("GetCampaignVersion 1 = %s", mustJSON(t, g1.CampaignResponse))
	}
	_, err = c.GetCampaignVersion(ctx, &pinpoint.GetCampaignVersionInput{ApplicationId: aws.String(app), CampaignId: aws.String(id), Version: aws.String("9")})
	wantNotFound(t, err)

	// List.
	other := createCampaign(t, c, app, campaignRequest("other", "", 1))
	third := createCampaign(t, c, app, campaignRequest("third", "", 1))
	list := func(pageSize string) []string {
		t.Helper()
		var got []string
		var token *string
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatalf("GetCampaigns pagination does not end")
			}
			in := &pinpoint.GetCampaignsInput{ApplicationId: aws.String(app), Token: token}
			if pageSize != "" {
				in.PageSize = aws.String(pageSize)
			}
			out, err := c.GetCampaigns(ctx, in)
			if err != nil {
				t.Fatalf("GetCampaigns: %v", err)
			}
			for _, it := range out.CampaignsResponse.Item {
				got = append(got, str(it.Id))
			}
			token = out.CampaignsResponse.NextToken
			if token == nil || *token == "" {
				return got
			}
		}
	}
	wantSameSet(t, "GetCampaigns", list(""), []string{id, str(other.Id), str(third.Id)})
	wantSameSet(t, "GetCampaigns in pages of 2", list("2"), []string{id, str(other.Id), str(third.Id)})

	// Delete.
	del, err := c.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	if err != nil {
		t.Fatalf("DeleteCampaign: %v", err)
	}
	wantStatus(t, del.ResultMetadata, 200)
	if str(del.CampaignResponse.Id) != id || str(del.CampaignResponse.Name) != "second" {
		t.Errorf("DeleteCampaign answered %s", mustJSON(t, del.CampaignResponse))
	}
	_, err = c.GetCampaign(ctx, &pinpoint.GetCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	wantNotFound(t, err)
	_, err = c.GetCampaignVersions(ctx, &pinpoint.GetCampaignVersionsInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	wantNotFound(t, err)
	_, err = c.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	wantNotFound(t, err)
	_, err = update(req)
	wantNotFound(t, err)
	wantSameSet(t, "GetCampaigns after delete", list(""), []string{str(other.Id), str(third.Id)})
}

func TestCampaignTreatments(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "ab")

	req := campaignRequest("ab", "", 1)
	req.TreatmentName = aws.String("control")
	req.AdditionalTreatments = []types.WriteTreatmentResource{
		{SizePercent: aws.Int32(30), TreatmentName: aws.String("B"), MessageConfiguration: inAppMessageConfig("B")},
		{SizePercent: aws.Int32(20), TreatmentName: aws.String("C"), MessageConfiguration: inAppMessageConfig("C")},
	}
	cr := createCampaign(t, c, app, req)
	if len(cr.AdditionalTreatments) != 2 {
		t.Fatalf("AdditionalTreatments = %s, want 2", mustJSON(t, cr.AdditionalTreatments))
	}
	for i, want := range []struct {
		id, name string
		size     int32
	}{{"1", "B", 30}, {"2", "C", 20}} {
		tr := cr.AdditionalTreatments[i]
		if str(tr.Id) != want.id || str(tr.TreatmentName) != want.name || i32(tr.SizePercent) != want.size {
			t.Errorf("treatment %d = Id %q Name %q SizePercent %d, want %s %s %d", i, str(tr.Id), str(tr.TreatmentName), i32(tr.SizePercent), want.id, want.name, want.size)
		}
		sameJSON(t, "treatment MessageConfiguration", req.AdditionalTreatments[i].MessageConfiguration, tr.MessageConfiguration)
	}
	if str(cr.TreatmentName) != "control" {
		t.Errorf("TreatmentName = %q, want control", str(cr.TreatmentName))
	}

	campaigns := func() int {
		out, err := c.GetCampaigns(ctx, &pinpoint.GetCampaignsInput{ApplicationId: aws.String(app)})
		if err != nil {
			t.Fatalf("GetCampaigns: %v", err)
		}
		return len(out.CampaignsResponse.Item)
	}

	// SizePercent over 100 in total.
	over := campaignRequest("over", "", 1)
	over.AdditionalTreatments = []types.WriteTreatmentResource{
		{SizePercent: aws.Int32(60), MessageConfiguration: inAppMessageConfig("B")},
		{SizePercent: aws.Int32(50), MessageConfiguration: inAppMessageConfig("C")},
	}
	_, err := c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: over})
	wantBadRequest(t, err)
	neg := campaignRequest("negative", "", 1)
	neg.AdditionalTreatments = []types.WriteTreatmentResource{{SizePercent: aws.Int32(-5), MessageConfiguration: inAppMessageConfig("B")}}
	_, err = c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: neg})
	wantBadRequest(t, err)
	hold := campaignRequest("holdout", "", 1)
	hold.HoldoutPercent = aws.Int32(101)
	_, err = c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: hold})
	wantBadRequest(t, err)

	// SizePercent is required (the SDK would refuse to send this).
	body := `{"Name":"nosize","MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER","Content":[{"BackgroundColor":"#fff"}]}},` +
		`"Schedule":{"StartTime":"IMMEDIATE"},"AdditionalTreatments":[{"TreatmentName":"B"}]}`
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/campaigns", []byte(body)), "BadRequestException")
	if n := campaigns(); n != 1 {
		t.Errorf("%d campaigns after rejected creates, want 1", n)
	}

	// A rejected update keeps the treatments.
	before := getCampaign(t, c, app, str(cr.Id))
	_, err = c.UpdateCampaign(ctx, &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: cr.Id, WriteCampaignRequest: over})
	wantBadRequest(t, err)
	sameJSON(t, "campaign after a rejected treatment update", before, getCampaign(t, c, app, str(cr.Id)))
}

func TestCampaignRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "rejects")
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))
	createTemplate(t, c, "exists", templateRequest("x"))
	keep := createCampaign(t, c, app, campaignRequest("keep", str(seg.Id), 1))
	before := getCampaign(t, c, app, str(keep.Id))

	mod := func(f func(r *types.WriteCampaignRequest)) *types.WriteCampaignRequest {
		r := campaignRequest("bad", str(seg.Id), 1)
		f(r)
		return r
	}
	// createOnly marks what only a create must refuse: UpdateCampaign
	// merges into the stored campaign, so what it leaves out stays.
	const createOnly = "createOnly"
	cases := []struct {
		name   string
		req    *types.WriteCampaignRequest
		shapes []string
	}{
		{"unknown segment", mod(func(r *types.WriteCampaignRequest) { r.SegmentId = aws.String("no-such-segment") }), []string{"BadRequestException", "NotFoundException"}},
		{"unknown segment version", mod(func(r *types.WriteCampaignRequest) { r.SegmentVersion = aws.Int32(7) }), []string{"BadRequestException", "NotFoundException"}},
		{"unknown template", mod(func(r *types.WriteCampaignRequest) {
			r.MessageConfiguration = nil
			r.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("no-such-template")}}
		}), []string{"BadRequestException", "NotFoundException"}},
		{"unknown template version", mod(func(r *types.WriteCampaignRequest) {
			r.MessageConfiguration = nil
			r.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("exists"), Version: aws.String("4")}}
		}), []string{"BadRequestException", "NotFoundException"}},
		{"missing Schedule", mod(func(r *types.WriteCampaignRequest) { r.Schedule = nil }), []string{"BadRequestException", createOnly}},
		{"bad StartTime", mod(func(r *types.WriteCampaignRequest) { r.Schedule.StartTime = aws.String("tomorrow morning") }), []string{"BadRequestException"}},
		{"bad EndTime", mod(func(r *types.WriteCampaignRequest) { r.Schedule.EndTime = aws.String("2026-13-45T99:00:00Z") }), []string{"BadRequestException"}},
		{"EndTime before StartTime", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.StartTime = aws.String(isoTime(time.Now().Add(48 * time.Hour)))
			r.Schedule.EndTime = aws.String(isoTime(time.Now().Add(24 * time.Hour)))
		}), []string{"BadRequestException"}},
		{"unknown Frequency", mod(func(r *types.WriteCampaignRequest) { r.Schedule.Frequency = "FORTNIGHTLY" }), []string{"BadRequestException"}},
		{"unknown Timezone", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.IsLocalTime = aws.Bool(true)
			r.Schedule.Timezone = aws.String("UTC+99")
		}), []string{"BadRequestException"}},
		{"bad QuietTime", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.QuietTime = &types.QuietTime{Start: aws.String("25:00"), End: aws.String("06:00")}
		}), []string{"BadRequestException"}},
		{"unknown FilterType", mod(func(r *types.WriteCampaignRequest) { r.Schedule.EventFilter.FilterType = "SOMETIMES" }), []string{"BadRequestException"}},
		{"unknown event DimensionType", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.EventFilter.Dimensions.EventType.DimensionType = "MAYBE"
		}), []string{"BadRequestException"}},
		{"unknown event AttributeType", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.EventFilter.Dimensions.Attributes = map[string]types.AttributeDimension{"k": {AttributeType: "WHATEVER", Values: []string{"v"}}}
		}), []string{"BadRequestException"}},
		{"unknown event metric operator", mod(func(r *types.WriteCampaignRequest) {
			r.Schedule.EventFilter.Dimensions.Metrics = map[string]types.MetricDimension{"m": {ComparisonOperator: aws.String("ROUGHLY"), Value: aws.Float64(1)}}
		}), []string{"BadRequestException"}},
		{"unknown Layout", mod(func(r *types.WriteCampaignRequest) { r.MessageConfiguration.InAppMessage.Layout = "SIDEWAYS" }), []string{"BadRequestException"}},
		{"6 content cards", mod(func(r *types.WriteCampaignRequest) {
			r.MessageConfiguration.InAppMessage.Content = []types.InAppMessageContent{card("1"), card("2"), card("3"), card("4"), card("5"), card("6")}
		}), []string{"BadRequestException"}},
		{"no message and no template", mod(func(r *types.WriteCampaignRequest) { r.MessageConfiguration = nil }), []string{"BadRequestException", createOnly}},
		{"negative Daily limit", mod(func(r *types.WriteCampaignRequest) { r.Limits = &types.CampaignLimits{Daily: aws.Int32(-2)} }), []string{"BadRequestException"}},
	}
	for _, tc := range cases {
		_, err := c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: tc.req})
		if err == nil {
			t.Errorf("CreateCampaign with %s: accepted", tc.name)
		} else {
			wantRejected(t, err, tc.shapes...)
		}
		if slices.Contains(tc.shapes, createOnly) {
			continue
		}
		_, err = c.UpdateCampaign(ctx, &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: keep.Id, WriteCampaignRequest: tc.req})
		if err == nil {
			t.Errorf("UpdateCampaign with %s: accepted", tc.name)
		} else {
			wantRejected(t, err, tc.shapes...)
		}
	}

	for name, body := range map[string]string{
		"Priority as a string":       `{"Name":"x","Priority":"high","Schedule":{"StartTime":"IMMEDIATE"},"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`,
		"IsPaused as a string":       `{"Name":"x","IsPaused":"yes","Schedule":{"StartTime":"IMMEDIATE"},"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`,
		"Schedule without StartTime": `{"Name":"x","Schedule":{"Frequency":"IN_APP_EVENT"},"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`,
		"EventFilter without Dimensions": `{"Name":"x","Schedule":{"StartTime":"IMMEDIATE","Frequency":"IN_APP_EVENT","EventFilter":{"FilterType":"SYSTEM"}},` +
			`"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`,
		"EventType without Values": `{"Name":"x","Schedule":{"StartTime":"IMMEDIATE","Frequency":"IN_APP_EVENT","EventFilter":{"FilterType":"SYSTEM","Dimensions":{"EventType":{"DimensionType":"INCLUSIVE"}}}},` +
			`"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`,
		"malformed JSON": `{"Name":"x","Schedule":`,
		"JSON list body": `[]`,
	} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/campaigns", []byte(body))
		if r.Status != 400 {
			t.Errorf("CreateCampaign with %s: status %d, want 400; body %s", name, r.Status, r.Body)
		} else {
			wantRawError(t, r, "BadRequestException")
		}
		r = rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/campaigns/"+str(keep.Id), []byte(body))
		if r.Status != 400 {
			t.Errorf("UpdateCampaign with %s: status %d, want 400; body %s", name, r.Status, r.Body)
		} else {
			wantRawError(t, r, "BadRequestException")
		}
	}

	out, err := c.GetCampaigns(ctx, &pinpoint.GetCampaignsInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("GetCampaigns: %v", err)
	}
	if n := len(out.CampaignsResponse.Item); n != 1 {
		t.Errorf("%d campaigns after rejected creates, want 1", n)
	}
	sameJSON(t, "campaign after rejected updates", before, getCampaign(t, c, app, str(keep.Id)))

	_, err = c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String("no-such-app"), WriteCampaignRequest: campaignRequest("x", "", 1)})
	wantNotFound(t, err)
	_, err = c.GetCampaign(ctx, &pinpoint.GetCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String("no-such-campaign")})
	wantNotFound(t, err)
}

func TestCampaignSegmentDeleted(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "orphans")
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))
	putEndpoint(t, c, app, "d1", inAppEndpoint("", map[string][]string{"k": {"v"}}))
	cr := createCampaign(t, c, app, campaignRequest("orphan", str(seg.Id), 1))
	wantIDs(t, "delivered before the segment is deleted", deliveredIDs(t, c, app, "d1"), []string{str(cr.Id)})

	if _, err := c.DeleteSegment(ctx, &pinpoint.DeleteSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id}); err != nil {
		t.Fatalf("DeleteSegment: %v", err)
	}
	// README: a campaign whose segment was deleted stops delivering and
	// reports DELETED (the model: it "fails and has a status of DELETED").
	if got := getCampaign(t, c, app, str(cr.Id)); campaignStatus(got) != types.CampaignStatusDeleted {
		t.Errorf("State = %q after its segment was deleted, want DELETED", campaignStatus(got))
	}
	wantIDs(t, "delivered after the segment is deleted", deliveredIDs(t, c, app, "d1"), []string{})
}
