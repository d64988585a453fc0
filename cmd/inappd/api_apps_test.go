package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func TestAppCreateGetDelete(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()

	out, err := c.CreateApp(ctx, &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{
		Name: aws.String("shop"), Tags: map[string]string{"env": "test", "team": "growth"},
	}})
	if err != nil {
		t.Fatalf("CreateApp: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 201)
	app := out.ApplicationResponse
	id := str(app.Id)
	if id == "" {
		t.Fatal("CreateApp answered no Id")
	}
	if str(app.Name) != "shop" {
		t.Errorf("Name = %q, want shop", str(app.Name))
	}
	arn := str(app.Arn)
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":mobiletargeting:") || !strings.HasSuffix(arn, ":apps/"+id) {
		t.Errorf("Arn = %q, want arn:<partition>:mobiletargeting:<region>:<account>:apps/%s", arn, id)
	}
	wantISOTime(t, "CreationDate", str(app.CreationDate))
	if app.Tags["env"] != "test" || app.Tags["team"] != "growth" || len(app.Tags) != 2 {
		t.Errorf("tags = %v, want env=test team=growth", app.Tags)
	}

	got, err := c.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetApp: %v", err)
	}
	wantStatus(t, got.ResultMetadata, 200)
	sameJSON(t, "GetApp compared with CreateApp", app, got.ApplicationResponse)

	// A second app does not disturb the first.
	other := createApp(t, c, "other")
	if other == id {
		t.Fatal("two apps got the same Id")
	}

	del, err := c.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(id)})
	if err != nil {
		t.Fatalf("DeleteApp: %v", err)
	}
	wantStatus(t, del.ResultMetadata, 200)
	if str(del.ApplicationResponse.Id) != id || str(del.ApplicationResponse.Name) != "shop" || str(del.ApplicationResponse.Arn) != arn {
		t.Errorf("DeleteApp answered %s, want the deleted app", mustJSON(t, del.ApplicationResponse))
	}

	_, err = c.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(id)})
	wantNotFound(t, err)
	_, err = c.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(id)})
	wantNotFound(t, err)
	_, err = c.GetApplicationSettings(ctx, &pinpoint.GetApplicationSettingsInput{ApplicationId: aws.String(id)})
	wantNotFound(t, err)

	list, err := c.GetApps(ctx, &pinpoint.GetAppsInput{})
	if err != nil {
		t.Fatalf("GetApps: %v", err)
	}
	var listed []string
	for _, a := range list.ApplicationsResponse.Item {
		listed = append(listed, str(a.Id))
	}
	wantIDs(t, "GetApps after DeleteApp", listed, []string{other})

	if _, err := c.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(other)}); err != nil {
		t.Errorf("GetApp of the other app after DeleteApp: %v", err)
	}
}

func TestAppCreateRaw(t *testing.T) {
	t.Parallel()
	m := startServer(t)

	r := rawCall(t, m, nil, "POST", "/v1/apps", []byte(`{"Name":"raw","tags":{"a":"b"}}`))
	wantRawStatus(t, r, 201)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if r.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId header on a success")
	}
	body := r.object(t)
	// The body is the bare ApplicationResponse (payload binding), never
	// wrapped in {"ApplicationResponse": …}.
	for _, k := range []string{"Id", "Arn", "Name", "CreationDate", "tags"} {
		if _, ok := body[k]; !ok {
			t.Errorf("CreateApp body lacks %q: %s", k, r.Body)
		}
	}
	if _, ok := body["ApplicationResponse"]; ok {
		t.Errorf("CreateApp body is wrapped: %s", r.Body)
	}
	if tags, _ := body["tags"].(map[string]any); tags["a"] != "b" {
		t.Errorf("tags = %v, want a=b", body["tags"])
	}
}

func TestAppCreateRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	existing := createApp(t, c, "keep")

	// Name is required: {} is what an SDK sends without a payload.
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps", []byte(`{}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps", []byte(`{"Name":""}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps", []byte(`{"Name":42}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "POST", "/v1/apps", []byte(`{"Name":"x"`)), "BadRequestException")
	_, err := c.CreateApp(t.Context(), &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String("")}})
	wantBadRequest(t, err)

	list, err := c.GetApps(t.Context(), &pinpoint.GetAppsInput{})
	if err != nil {
		t.Fatalf("GetApps: %v", err)
	}
	var listed []string
	for _, a := range list.ApplicationsResponse.Item {
		listed = append(listed, str(a.Id))
	}
	wantIDs(t, "apps after rejected creates", listed, []string{existing})
}

func TestAppList(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()

	var want []string
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		want = append(want, createApp(t, c, name))
	}

	all, err := c.GetApps(ctx, &pinpoint.GetAppsInput{})
	if err != nil {
		t.Fatalf("GetApps: %v", err)
	}
	if all.ApplicationsResponse.NextToken != nil && *all.ApplicationsResponse.NextToken != "" {
		t.Errorf("GetApps without page-size answered NextToken %q with only 5 apps", *all.ApplicationsResponse.NextToken)
	}
	var got []string
	for _, a := range all.ApplicationsResponse.Item {
		got = append(got, str(a.Id))
		if str(a.Arn) == "" || str(a.Name) == "" {
			t.Errorf("GetApps item lacks Arn or Name: %s", mustJSON(t, a))
		}
	}
	wantSameSet(t, "GetApps", got, want)

	// Pages of 2: 2, 2, 1, each id once, NextToken only while more remain.
	var paged []string
	var sizes []int
	token := (*string)(nil)
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatalf("GetApps pagination does not end: %v", paged)
		}
		out, err := c.GetApps(ctx, &pinpoint.GetAppsInput{PageSize: aws.String("2"), Token: token})
		if err != nil {
			t.Fatalf("GetApps page %d: %v", page, err)
		}
		sizes = append(sizes, len(out.ApplicationsResponse.Item))
		for _, a := range out.ApplicationsResponse.Item {
			paged = append(paged, str(a.Id))
		}
		token = out.ApplicationsResponse.NextToken
		if token == nil || *token == "" {
			break
		}
	}
	if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 1 {
		t.Errorf("page sizes = %v, want [2 2 1]", sizes)
	}
	wantSameSet(t, "GetApps over pages", paged, want)

	_, err = c.GetApps(ctx, &pinpoint.GetAppsInput{PageSize: aws.String("lots")})
	wantBadRequest(t, err)
}

func TestAppSettings(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "settings")

	get := func() *types.ApplicationSettingsResource {
		t.Helper()
		out, err := c.GetApplicationSettings(ctx, &pinpoint.GetApplicationSettingsInput{ApplicationId: aws.String(app)})
		if err != nil {
			t.Fatalf("GetApplicationSettings: %v", err)
		}
		wantStatus(t, out.ResultMetadata, 200)
		return out.ApplicationSettingsResource
	}
	update := func(req *types.WriteApplicationSettingsRequest) (*types.ApplicationSettingsResource, error) {
		out, err := c.UpdateApplicationSettings(ctx, &pinpoint.UpdateApplicationSettingsInput{ApplicationId: aws.String(app), WriteApplicationSettingsRequest: req})
		if err != nil {
			return nil, err
		}
		wantStatus(t, out.ResultMetadata, 200)
		return out.ApplicationSettingsResource, nil
	}

	fresh := get()
	if str(fresh.ApplicationId) != app {
		t.Errorf("ApplicationId = %q, want %q", str(fresh.ApplicationId), app)
	}

	limits := &types.CampaignLimits{Daily: aws.Int32(5), Total: aws.Int32(10), Session: aws.Int32(2)}
	quiet := &types.QuietTime{Start: aws.String("22:00"), End: aws.String("07:00")}
	res, err := update(&types.WriteApplicationSettingsRequest{Limits: limits, QuietTime: quiet})
	if err != nil {
		t.Fatalf("UpdateApplicationSettings: %v", err)
	}
	check := func(what string, s *types.ApplicationSettingsResource, l *types.CampaignLimits, q *types.QuietTime) {
		t.Helper()
		if str(s.ApplicationId) != app {
			t.Errorf("%s: ApplicationId = %q", what, str(s.ApplicationId))
		}
		if s.Limits == nil || i32(s.Limits.Daily) != i32(l.Daily) || i32(s.Limits.Total) != i32(l.Total) || i32(s.Limits.Session) != i32(l.Session) {
			t.Errorf("%s: Limits = %s, want %s", what, mustJSON(t, s.Limits), mustJSON(t, l))
		}
		if s.QuietTime == nil || str(s.QuietTime.Start) != str(q.Start) || str(s.QuietTime.End) != str(q.End) {
			t.Errorf("%s: QuietTime = %s, want %s", what, mustJSON(t, s.QuietTime), mustJSON(t, q))
		}
	}
	check("UpdateApplicationSettings answer", res, limits, quiet)
	stored := get()
	check("GetApplicationSettings", stored, limits, quiet)
	wantISOTime(t, "LastModifiedDate", str(stored.LastModifiedDate))

	// A partial update keeps what it does not name.
	quiet2 := &types.QuietTime{Start: aws.String("23:30"), End: aws.String("06:15")}
	if _, err := update(&types.WriteApplicationSettingsRequest{QuietTime: quiet2}); err != nil {
		t.Fatalf("UpdateApplicationSettings QuietTime only: %v", err)
	}
	check("after a QuietTime-only update", get(), limits, quiet2)
	limits2 := &types.CampaignLimits{Daily: aws.Int32(3), Total: aws.Int32(4), Session: aws.Int32(1)}
	if _, err := update(&types.WriteApplicationSettingsRequest{Limits: limits2}); err != nil {
		t.Fatalf("UpdateApplicationSettings Limits only: %v", err)
	}
	check("after a Limits-only update", get(), limits2, quiet2)
	if _, err := update(&types.WriteApplicationSettingsRequest{}); err != nil {
		t.Fatalf("UpdateApplicationSettings {}: %v", err)
	}
	check("after an empty update", get(), limits2, quiet2)

	// Rejected updates change nothing.
	before := get()
	for name, req := range map[string]*types.WriteApplicationSettingsRequest{
		"QuietTime 25:00":  {QuietTime: &types.QuietTime{Start: aws.String("25:00"), End: aws.String("07:00")}},
		"QuietTime 7am":    {QuietTime: &types.QuietTime{Start: aws.String("22:00"), End: aws.String("7am")}},
		"QuietTime 12:60":  {Limits: &types.CampaignLimits{Daily: aws.Int32(9)}, QuietTime: &types.QuietTime{Start: aws.String("12:60"), End: aws.String("13:00")}},
		"negative Daily":   {Limits: &types.CampaignLimits{Daily: aws.Int32(-1)}},
		"Daily above 100":  {Limits: &types.CampaignLimits{Daily: aws.Int32(101)}},
		"negative Session": {Limits: &types.CampaignLimits{Session: aws.Int32(-3)}, QuietTime: quiet},
	} {
		_, err := update(req)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		wantBadRequest(t, err)
		sameJSON(t, "settings after rejected "+name, before, get())
	}
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/settings", []byte(`{"Limits":{"Daily":"five"}}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/settings", []byte(`{"Limits":`)), "BadRequestException")
	sameJSON(t, "settings after rejected raw updates", before, get())

	_, err = c.UpdateApplicationSettings(ctx, &pinpoint.UpdateApplicationSettingsInput{ApplicationId: aws.String("no-such-app"), WriteApplicationSettingsRequest: &types.WriteApplicationSettingsRequest{QuietTime: quiet}})
	wantNotFound(t, err)
}

// TestAppIsolation: resources belong to one app; another app's IDs are
// unknown there, and deleting an app deletes what it holds.
func TestAppIsolation(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	a, b := createApp(t, c, "a"), createApp(t, c, "b")

	segB := createSegment(t, c, b, attrSegment("b-seg", "k", "v"))
	campB := createCampaign(t, c, b, campaignRequest("b-camp", "", 1))
	putEndpoint(t, c, b, "shared-id", inAppEndpoint("u", map[string][]string{"app": {"b"}}))
	putEndpoint(t, c, a, "shared-id", inAppEndpoint("u", map[string][]string{"app": {"a"}}))

	if got := getEndpoint(t, c, a, "shared-id").Attributes["app"]; len(got) != 1 || got[0] != "a" {
		t.Errorf("app a's endpoint = %v, want its own", got)
	}
	_, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(a), SegmentId: segB.Id})
	wantNotFound(t, err)
	_, err = c.GetCampaign(ctx, &pinpoint.GetCampaignInput{ApplicationId: aws.String(a), CampaignId: campB.Id})
	wantNotFound(t, err)
	_, err = c.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(a), CampaignId: campB.Id})
	wantNotFound(t, err)
	_, err = c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(a), WriteCampaignRequest: campaignRequest("uses-b", str(segB.Id), 1)})
	wantRejected(t, err, "BadRequestException", "NotFoundException")
	wantIDs(t, "campaigns for app a's endpoint", deliveredIDs(t, c, a, "shared-id"), []string{})
	wantIDs(t, "campaigns for app b's endpoint", deliveredIDs(t, c, b, "shared-id"), []string{str(campB.Id)})

	// Deleting app b deletes its segments, campaigns and endpoints.
	if _, err := c.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(b)}); err != nil {
		t.Fatalf("DeleteApp: %v", err)
	}
	_, err = c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(b), SegmentId: segB.Id})
	wantNotFound(t, err)
	_, err = c.GetCampaign(ctx, &pinpoint.GetCampaignInput{ApplicationId: aws.String(b), CampaignId: campB.Id})
	wantNotFound(t, err)
	_, err = c.GetEndpoint(ctx, &pinpoint.GetEndpointInput{ApplicationId: aws.String(b), EndpointId: aws.String("shared-id")})
	wantNotFound(t, err)
	_, err = c.GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(b), EndpointId: aws.String("shared-id")})
	wantNotFound(t, err)
	_, err = c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: campB.Arn})
	wantErrCode(t, err, "NotFoundException")
	getEndpoint(t, c, a, "shared-id")
}
