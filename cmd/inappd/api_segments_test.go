package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

// allDimensions uses every dimension kind and every AttributeType.
func allDimensions() *types.SegmentDimensions {
	attrs := func(prefix string) map[string]types.AttributeDimension {
		return map[string]types.AttributeDimension{
			prefix + "incl":    {AttributeType: types.AttributeTypeInclusive, Values: []string{"a", "b"}},
			prefix + "excl":    {AttributeType: types.AttributeTypeExclusive, Values: []string{"c"}},
			prefix + "cont":    {AttributeType: types.AttributeTypeContains, Values: []string{"sub"}},
			prefix + "before":  {AttributeType: types.AttributeTypeBefore, Values: []string{"2030-01-01T00:00:00Z"}},
			prefix + "after":   {AttributeType: types.AttributeTypeAfter, Values: []string{"2020-01-01T00:00:00Z"}},
			prefix + "on":      {AttributeType: types.AttributeTypeOn, Values: []string{"2025-06-01T00:00:00Z"}},
			prefix + "between": {AttributeType: types.AttributeTypeBetween, Values: []string{"2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z"}},
		}
	}
	set := func(typ types.DimensionType, values ...string) *types.SetDimension {
		return &types.SetDimension{DimensionType: typ, Values: values}
	}
	return &types.SegmentDimensions{
		Attributes:     attrs("e_"),
		UserAttributes: attrs("u_"),
		Demographic: &types.SegmentDemographics{
			AppVersion: set(types.DimensionTypeInclusive, "1.0", "1.1"),
			Channel:    set(types.DimensionTypeInclusive, "IN_APP"),
			DeviceType: set(types.DimensionTypeExclusive, "TABLET"),
			Make:       set(types.DimensionTypeInclusive, "apple"),
			Model:      set(types.DimensionTypeExclusive, "iPhone5"),
			Platform:   set(types.DimensionTypeInclusive, "ios"),
		},
		Location: &types.SegmentLocation{
			Country:  set(types.DimensionTypeInclusive, "US", "CA"),
			GPSPoint: &types.GPSPointDimension{Coordinates: &types.GPSCoordinates{Latitude: aws.Float64(47.6), Longitude: aws.Float64(-122.3)}, RangeInKilometers: aws.Float64(50)},
		},
		Metrics: map[string]types.MetricDimension{
			"score":  {ComparisonOperator: aws.String("GREATER_THAN"), Value: aws.Float64(10)},
			"visits": {ComparisonOperator: aws.String("LESS_THAN_OR_EQUAL"), Value: aws.Float64(3.5)},
		},
		Behavior: &types.SegmentBehaviors{Recency: &types.RecencyDimension{Duration: types.DurationDay7, RecencyType: types.RecencyTypeActive}},
	}
}

func checkSegment(t *testing.T, what string, s *types.SegmentResponse, app, name string, version int32) {
	t.Helper()
	id := str(s.Id)
	if id == "" {
		t.Fatalf("%s: no Id", what)
	}
	if str(s.ApplicationId) != app || str(s.Name) != name || i32(s.Version) != version || s.SegmentType != types.SegmentTypeDimensional {
		t.Errorf("%s: ApplicationId/Name/Version/SegmentType = %q/%q/%d/%q, want %q/%q/%d/DIMENSIONAL",
			what, str(s.ApplicationId), str(s.Name), i32(s.Version), s.SegmentType, app, name, version)
	}
	if arn := str(s.Arn); !strings.HasPrefix(arn, "arn:") || !strings.HasSuffix(arn, ":apps/"+app+"/segments/"+id) {
		t.Errorf("%s: Arn = %q, want …:apps/%s/segments/%s", what, arn, app, id)
	}
	wantISOTime(t, what+" CreationDate", str(s.CreationDate))
}

func TestSegmentCreateAllDimensions(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "segments")

	dims := allDimensions()
	out, err := c.CreateSegment(ctx, &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: &types.WriteSegmentRequest{
		Name: aws.String("everything"), Dimensions: dims, Tags: map[string]string{"k": "v"},
	}})
	if err != nil {
		t.Fatalf("CreateSegment: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 201)
	seg := out.SegmentResponse
	checkSegment(t, "CreateSegment", seg, app, "everything", 1)
	sameJSON(t, "Dimensions echoed by CreateSegment", dims, seg.Dimensions)
	if seg.Tags["k"] != "v" {
		t.Errorf("tags = %v, want k=v", seg.Tags)
	}

	got, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id})
	if err != nil {
		t.Fatalf("GetSegment: %v", err)
	}
	checkSegment(t, "GetSegment", got.SegmentResponse, app, "everything", 1)
	sameJSON(t, "Dimensions from GetSegment", dims, got.SegmentResponse.Dimensions)

	// Each AttributeType alone, for endpoint and user attributes.
	for _, typ := range types.AttributeTypeInclusive.Values() {
		values := []string{"x"}
		switch typ {
		case types.AttributeTypeBefore, types.AttributeTypeAfter, types.AttributeTypeOn:
			values = []string{"2025-01-01T00:00:00Z"}
		case types.AttributeTypeBetween:
			values = []string{"2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"}
		}
		for _, user := range []bool{false, true} {
			d := &types.SegmentDimensions{}
			dim := map[string]types.AttributeDimension{"k": {AttributeType: typ, Values: values}}
			if user {
				d.UserAttributes = dim
			} else {
				d.Attributes = dim
			}
			s := createSegment(t, c, app, &types.WriteSegmentRequest{Name: aws.String("t-" + string(typ)), Dimensions: d})
			sameJSON(t, "Dimensions with "+string(typ), d, s.Dimensions)
		}
	}
}

func TestSegmentGroups(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "groups")
	base := createSegment(t, c, app, attrSegment("base", "plan", "gold"))
	base2 := createSegment(t, c, app, attrSegment("base2", "plan", "silver"))

	for _, mode := range []string{"ALL", "ANY", "NONE"} {
		groups := &types.SegmentGroupList{
			Include: types.Include(mode),
			Groups: []types.SegmentGroup{{
				Type:           types.Type(mode),
				SourceType:     types.SourceType(mode),
				SourceSegments: []types.SegmentReference{{Id: base.Id, Version: aws.Int32(1)}, {Id: base2.Id, Version: aws.Int32(1)}},
				Dimensions: []types.SegmentDimensions{
					{Demographic: &types.SegmentDemographics{Platform: &types.SetDimension{DimensionType: types.DimensionTypeInclusive, Values: []string{"ios"}}}},
					{Location: &types.SegmentLocation{Country: &types.SetDimension{DimensionType: types.DimensionTypeInclusive, Values: []string{"US"}}}},
				},
			}},
		}
		out, err := c.CreateSegment(t.Context(), &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: &types.WriteSegmentRequest{Name: aws.String("group-" + mode), SegmentGroups: groups}})
		if err != nil {
			t.Fatalf("CreateSegment with SegmentGroups %s: %v", mode, err)
		}
		wantStatus(t, out.ResultMetadata, 201)
		checkSegment(t, "CreateSegment "+mode, out.SegmentResponse, app, "group-"+mode, 1)
		sameJSON(t, "SegmentGroups "+mode, groups, out.SegmentResponse.SegmentGroups)
	}
}

func TestSegmentUpdateAndVersions(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "versions")
	v1 := createSegment(t, c, app, attrSegment("plans", "plan", "gold"))
	id := str(v1.Id)

	upd := attrSegment("plans-renamed", "plan", "gold", "platinum")
	out, err := c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(id), WriteSegmentRequest: upd})
	if err != nil {
		t.Fatalf("UpdateSegment: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 200)
	v2 := out.SegmentResponse
	checkSegment(t, "UpdateSegment", v2, app, "plans-renamed", 2)
	if str(v2.Id) != id || str(v2.CreationDate) != str(v1.CreationDate) || str(v2.Arn) != str(v1.Arn) {
		t.Errorf("UpdateSegment changed Id/CreationDate/Arn: %s", mustJSON(t, v2))
	}
	wantISOTime(t, "LastModifiedDate", str(v2.LastModifiedDate))
	sameJSON(t, "updated Dimensions", upd.Dimensions, v2.Dimensions)

	cur, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetSegment: %v", err)
	}
	if i32(cur.SegmentResponse.Version) != 2 {
		t.Errorf("GetSegment Version = %d, want 2", i32(cur.SegmentResponse.Version))
	}

	vs, err := c.GetSegmentVersions(ctx, &pinpoint.GetSegmentVersionsInput{ApplicationId: aws.String(app), SegmentId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetSegmentVersions: %v", err)
	}
	var versions []int32
	for _, s := range vs.SegmentsResponse.Item {
		versions = append(versions, i32(s.Version))
		if str(s.Id) != id {
			t.Errorf("GetSegmentVersions item Id = %q, want %q", str(s.Id), id)
		}
	}
	if len(versions) != 2 || !(versions[0] == 1 && versions[1] == 2 || versions[0] == 2 && versions[1] == 1) {
		t.Errorf("GetSegmentVersions versions = %v, want 1 and 2", versions)
	}

	g1, err := c.GetSegmentVersion(ctx, &pinpoint.GetSegmentVersionInput{ApplicationId: aws.String(app), SegmentId: aws.String(id), Version: aws.String("1")})
	if err != nil {
		t.Fatalf("GetSegmentVersion 1: %v", err)
	}
	checkSegment(t, "GetSegmentVersion 1", g1.SegmentResponse, app, "plans", 1)
	sameJSON(t, "version 1 Dimensions", v1.Dimensions, g1.SegmentResponse.Dimensions)
	g2, err := c.GetSegmentVersion(ctx, &pinpoint.GetSegmentVersionInput{ApplicationId: aws.String(app), SegmentId: aws.String(id), Version: aws.String("2")})
	if err != nil {
		t.Fatalf("GetSegmentVersion 2: %v", err)
	}
	sameJSON(t, "version 2 Dimensions", upd.Dimensions, g2.SegmentResponse.Dimensions)

	_, err = c.GetSegmentVersion(ctx, &pinpoint.GetSegmentVersionInput{ApplicationId: aws.String(app), SegmentId: aws.String(id), Version: aws.String("3")})
	wantNotFound(t, err)
	_, err = c.GetSegmentVersion(ctx, &pinpoint.GetSegmentVersionInput{ApplicationId: aws.String(app), SegmentId: aws.String(id), Version: aws.String("two")})
	wantRejected(t, err, "BadRequestException", "NotFoundException")
	_, err = c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String("no-such-segment"), WriteSegmentRequest: upd})
	wantNotFound(t, err)
	_, err = c.GetSegmentVersions(ctx, &pinpoint.GetSegmentVersionsInput{ApplicationId: aws.String(app), SegmentId: aws.String("no-such-segment")})
	wantNotFound(t, err)
}

func TestSegmentListAndDelete(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "list")

	var want []string
	for _, name := range ids("seg", 5) {
		want = append(want, str(createSegment(t, c, app, attrSegment(name, "k", name)).Id))
	}
	list := func(pageSize string) []string {
		t.Helper()
		var got []string
		var token *string
		for page := 0; ; page++ {
			if page > 6 {
				t.Fatalf("GetSegments pagination does not end: %v", got)
			}
			in := &pinpoint.GetSegmentsInput{ApplicationId: aws.String(app), Token: token}
			if pageSize != "" {
				in.PageSize = aws.String(pageSize)
			}
			out, err := c.GetSegments(ctx, in)
			if err != nil {
				t.Fatalf("GetSegments: %v", err)
			}
			if pageSize == "2" && len(out.SegmentsResponse.Item) > 2 {
				t.Errorf("page of %d items with page-size 2", len(out.SegmentsResponse.Item))
			}
			for _, s := range out.SegmentsResponse.Item {
				got = append(got, str(s.Id))
			}
			token = out.SegmentsResponse.NextToken
			if token == nil || *token == "" {
				return got
			}
		}
	}
	wantSameSet(t, "GetSegments", list(""), want)
	wantSameSet(t, "GetSegments in pages of 2", list("2"), want)

	del, err := c.DeleteSegment(ctx, &pinpoint.DeleteSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(want[2])})
	if err != nil {
		t.Fatalf("DeleteSegment: %v", err)
	}
	wantStatus(t, del.ResultMetadata, 200)
	checkSegment(t, "DeleteSegment answer", del.SegmentResponse, app, "seg-2", 1)
	_, err = c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(want[2])})
	wantNotFound(t, err)
	_, err = c.DeleteSegment(ctx, &pinpoint.DeleteSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(want[2])})
	wantNotFound(t, err)
	_, err = c.GetSegmentVersion(ctx, &pinpoint.GetSegmentVersionInput{ApplicationId: aws.String(app), SegmentId: aws.String(want[2]), Version: aws.String("1")})
	wantNotFound(t, err)
	wantSameSet(t, "GetSegments after DeleteSegment", list(""), []string{want[0], want[1], want[3], want[4]})

	_, err = c.GetSegments(ctx, &pinpoint.GetSegmentsInput{ApplicationId: aws.String("no-such-app")})
	wantNotFound(t, err)
}

func TestSegmentRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "rejects")
	keep := createSegment(t, c, app, attrSegment("keep", "plan", "gold"))

	segments := func() []string {
		t.Helper()
		out, err := c.GetSegments(ctx, &pinpoint.GetSegmentsInput{ApplicationId: aws.String(app)})
		if err != nil {
			t.Fatalf("GetSegments: %v", err)
		}
		var got []string
		for _, s := range out.SegmentsResponse.Item {
			got = append(got, str(s.Id))
		}
		return got
	}
	getKeep := func() *types.SegmentResponse {
		t.Helper()
		out, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: keep.Id})
		if err != nil {
			t.Fatalf("GetSegment: %v", err)
		}
		return out.SegmentResponse
	}
	before := getKeep()

	platform := &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Platform: &types.SetDimension{DimensionType: types.DimensionTypeInclusive, Values: []string{"ios"}}}}
	cases := []struct {
		name   string
		req    *types.WriteSegmentRequest
		shapes []string
	}{
		{"unknown AttributeType", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{"plan": {AttributeType: "SOMETIMES", Values: []string{"gold"}}}}}, []string{"BadRequestException"}},
		{"unknown user AttributeType", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{UserAttributes: map[string]types.AttributeDimension{"plan": {AttributeType: "inclusive", Values: []string{"gold"}}}}}, []string{"BadRequestException"}},
		{"unknown DimensionType", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Demographic: &types.SegmentDemographics{Platform: &types.SetDimension{DimensionType: "MAYBE", Values: []string{"ios"}}}}}, []string{"BadRequestException"}},
		{"unknown Recency Duration", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Behavior: &types.SegmentBehaviors{Recency: &types.RecencyDimension{Duration: "DAY_3", RecencyType: types.RecencyTypeActive}}}}, []string{"BadRequestException"}},
		{"unknown ComparisonOperator", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Metrics: map[string]types.MetricDimension{"m": {ComparisonOperator: aws.String("ABOUT"), Value: aws.Float64(1)}}}}, []string{"BadRequestException"}},
		{"BETWEEN with one value", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{"d": {AttributeType: types.AttributeTypeBetween, Values: []string{"2025-01-01T00:00:00Z"}}}}}, []string{"BadRequestException"}},
		{"BEFORE with a non-date", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{"d": {AttributeType: types.AttributeTypeBefore, Values: []string{"last tuesday"}}}}}, []string{"BadRequestException"}},
		{"both Dimensions and SegmentGroups", &types.WriteSegmentRequest{Name: aws.String("x"), Dimensions: platform, SegmentGroups: &types.SegmentGroupList{Include: types.IncludeAll, Groups: []types.SegmentGroup{{Type: types.TypeAll, Dimensions: []types.SegmentDimensions{*platform}}}}}, []string{"BadRequestException"}},
		{"unknown Include", &types.WriteSegmentRequest{Name: aws.String("x"), SegmentGroups: &types.SegmentGroupList{Include: "SOME", Groups: []types.SegmentGroup{{Type: types.TypeAll, Dimensions: []types.SegmentDimensions{*platform}}}}}, []string{"BadRequestException"}},
		{"unknown group Type", &types.WriteSegmentRequest{Name: aws.String("x"), SegmentGroups: &types.SegmentGroupList{Include: types.IncludeAll, Groups: []types.SegmentGroup{{Type: "MOST", Dimensions: []types.SegmentDimensions{*platform}}}}}, []string{"BadRequestException"}},
		{"unknown SourceSegment", &types.WriteSegmentRequest{Name: aws.String("x"), SegmentGroups: &types.SegmentGroupList{Include: types.IncludeAll, Groups: []types.SegmentGroup{{Type: types.TypeAll, SourceSegments: []types.SegmentReference{{Id: aws.String("no-such-segment")}}}}}}, []string{"BadRequestException", "NotFoundException"}},
		{"unknown SourceSegment version", &types.WriteSegmentRequest{Name: aws.String("x"), SegmentGroups: &types.SegmentGroupList{Include: types.IncludeAll, Groups: []types.SegmentGroup{{Type: types.TypeAll, SourceSegments: []types.SegmentReference{{Id: keep.Id, Version: aws.Int32(9)}}}}}}, []string{"BadRequestException", "NotFoundException"}},
	}
	for _, tc := range cases {
		_, err := c.CreateSegment(ctx, &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: tc.req})
		if err == nil {
			t.Errorf("CreateSegment with %s: accepted", tc.name)
		} else {
			wantRejected(t, err, tc.shapes...)
		}
		_, err = c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: keep.Id, WriteSegmentRequest: tc.req})
		if err == nil {
			t.Errorf("UpdateSegment with %s: accepted", tc.name)
		} else {
			wantRejected(t, err, tc.shapes...)
		}
	}

	// Required members the SDK would refuse to send.
	for name, body := range map[string]string{
		"missing Values":              `{"Name":"x","Dimensions":{"Attributes":{"plan":{"AttributeType":"INCLUSIVE"}}}}`,
		"missing SetDimension Values": `{"Name":"x","Dimensions":{"Demographic":{"Platform":{"DimensionType":"INCLUSIVE"}}}}`,
		"missing GPS Coordinates":     `{"Name":"x","Dimensions":{"Location":{"GPSPoint":{"RangeInKilometers":5}}}}`,
		"missing RecencyType":         `{"Name":"x","Dimensions":{"Behavior":{"Recency":{"Duration":"DAY_7"}}}}`,
		"missing metric Value":        `{"Name":"x","Dimensions":{"Metrics":{"m":{"ComparisonOperator":"EQUAL"}}}}`,
		"missing SourceSegment Id":    `{"Name":"x","SegmentGroups":{"Include":"ALL","Groups":[{"Type":"ALL","SourceSegments":[{"Version":1}]}]}}`,
		"Values not a list":           `{"Name":"x","Dimensions":{"Attributes":{"plan":{"AttributeType":"INCLUSIVE","Values":"gold"}}}}`,
		"Version as a string":         `{"Name":"x","SegmentGroups":{"Include":"ALL","Groups":[{"Type":"ALL","SourceSegments":[{"Id":"` + str(keep.Id) + `","Version":"1"}]}]}}`,
		"malformed JSON":              `{"Name":"x","Dimensions":{`,
	} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/segments", []byte(body))
		if r.Status != 400 {
			t.Errorf("CreateSegment with %s: status %d, want 400; body %s", name, r.Status, r.Body)
		} else {
			wantRawError(t, r, "BadRequestException")
		}
		r = rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/segments/"+str(keep.Id), []byte(body))
		if r.Status != 400 {
			t.Errorf("UpdateSegment with %s: status %d, want 400; body %s", name, r.Status, r.Body)
		} else {
			wantRawError(t, r, "BadRequestException")
		}
	}

	wantIDs(t, "segments after rejected creates", segments(), []string{str(keep.Id)})
	sameJSON(t, "segment after rejected updates", before, getKeep())
	vs, err := c.GetSegmentVersions(ctx, &pinpoint.GetSegmentVersionsInput{ApplicationId: aws.String(app), SegmentId: keep.Id})
	if err != nil {
		t.Fatalf("GetSegmentVersions: %v", err)
	}
	if n := len(vs.SegmentsResponse.Item); n != 1 {
		t.Errorf("%d versions after rejected updates, want 1", n)
	}
}

func TestSegmentGroupReferences(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "references")
	base := createSegment(t, c, app, attrSegment("base", "plan", "gold"))
	ref := func(id *string, version *int32) *types.WriteSegmentRequest {
		return &types.WriteSegmentRequest{Name: aws.String("group"), SegmentGroups: &types.SegmentGroupList{Include: types.IncludeAll, Groups: []types.SegmentGroup{{
			Type: types.TypeAll, SourceType: types.SourceTypeAny, SourceSegments: []types.SegmentReference{{Id: id, Version: version}},
		}}}}
	}
	latest := createSegment(t, c, app, ref(base.Id, nil))
	pinned := createSegment(t, c, app, ref(base.Id, aws.Int32(1)))

	putEndpoint(t, c, app, "gold", inAppEndpoint("", map[string][]string{"plan": {"gold"}}))
	putEndpoint(t, c, app, "platinum", inAppEndpoint("", map[string][]string{"plan": {"platinum"}}))
	onLatest := str(createCampaign(t, c, app, campaignRequest("latest", str(latest.Id), 1)).Id)
	onPinned := str(createCampaign(t, c, app, campaignRequest("pinned", str(pinned.Id), 2)).Id)
	wantIDs(t, "gold before", deliveredIDs(t, c, app, "gold"), []string{onLatest, onPinned})
	wantIDs(t, "platinum before", deliveredIDs(t, c, app, "platinum"), []string{})

	// The base segment changes: a reference without Version follows it, a
	// reference to version 1 does not.
	if _, err := c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: base.Id, WriteSegmentRequest: attrSegment("base", "plan", "platinum")}); err != nil {
		t.Fatalf("UpdateSegment: %v", err)
	}
	wantIDs(t, "gold after the base changed", deliveredIDs(t, c, app, "gold"), []string{onPinned})
	wantIDs(t, "platinum after the base changed", deliveredIDs(t, c, app, "platinum"), []string{onLatest})

	// A segment cannot be built on itself, directly or through another.
	before, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: base.Id})
	if err != nil {
		t.Fatalf("GetSegment: %v", err)
	}
	_, err = c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: base.Id, WriteSegmentRequest: ref(base.Id, nil)})
	wantBadRequest(t, err)
	_, err = c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: base.Id, WriteSegmentRequest: ref(latest.Id, nil)})
	wantBadRequest(t, err)
	after, err := c.GetSegment(ctx, &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: base.Id})
	if err != nil {
		t.Fatalf("GetSegment: %v", err)
	}
	sameJSON(t, "base segment after rejected cycles", before.SegmentResponse, after.SegmentResponse)

	// Switching a segment from Dimensions to SegmentGroups replaces them.
	other := createSegment(t, c, app, attrSegment("other", "plan", "silver"))
	out, err := c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: other.Id, WriteSegmentRequest: ref(base.Id, nil)})
	if err != nil {
		t.Fatalf("UpdateSegment Dimensions → SegmentGroups: %v", err)
	}
	if out.SegmentResponse.SegmentGroups == nil || (out.SegmentResponse.Dimensions != nil && len(out.SegmentResponse.Dimensions.Attributes) > 0) {
		t.Errorf("segment after switching to SegmentGroups = %s", mustJSON(t, out.SegmentResponse))
	}
	// A Name-only update keeps the criteria.
	out, err = c.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: other.Id, WriteSegmentRequest: &types.WriteSegmentRequest{Name: aws.String("renamed")}})
	if err != nil {
		t.Fatalf("UpdateSegment Name only: %v", err)
	}
	if str(out.SegmentResponse.Name) != "renamed" || out.SegmentResponse.SegmentGroups == nil || i32(out.SegmentResponse.Version) != 3 {
		t.Errorf("segment after a Name-only update = %s", mustJSON(t, out.SegmentResponse))
	}
}
