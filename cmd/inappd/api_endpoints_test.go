package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func TestEndpointUpdateAndGet(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "endpoints")

	req := &types.EndpointRequest{
		ChannelType:   types.ChannelTypeInApp,
		Attributes:    map[string][]string{"interests": {"shoes", "hats"}},
		Metrics:       map[string]float64{"purchases": 3},
		Demographic:   &types.EndpointDemographic{Platform: aws.String("ios"), AppVersion: aws.String("1.0"), Make: aws.String("apple"), Model: aws.String("iPhone"), Timezone: aws.String("Europe/Paris"), Locale: aws.String("fr_FR")},
		Location:      &types.EndpointLocation{Country: aws.String("FR"), City: aws.String("Paris"), Latitude: aws.Float64(48.9), Longitude: aws.Float64(2.4)},
		User:          &types.EndpointUser{UserId: aws.String("user-1"), UserAttributes: map[string][]string{"plan": {"gold"}}},
		RequestId:     aws.String("req-1"),
		EffectiveDate: aws.String("2026-01-02T03:04:05.000Z"),
	}
	out, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("device-1"), EndpointRequest: req})
	if err != nil {
		t.Fatalf("UpdateEndpoint: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 202)
	if out.MessageBody == nil || str(out.MessageBody.Message) == "" || str(out.MessageBody.RequestID) == "" {
		t.Errorf("UpdateEndpoint body = %s, want Message and RequestID", mustJSON(t, out.MessageBody))
	}

	got := getEndpoint(t, c, app, "device-1")
	if str(got.Id) != "device-1" || str(got.ApplicationId) != app {
		t.Errorf("Id/ApplicationId = %q/%q", str(got.Id), str(got.ApplicationId))
	}
	if got.ChannelType != types.ChannelTypeInApp {
		t.Errorf("ChannelType = %q, want IN_APP", got.ChannelType)
	}
	if str(got.EndpointStatus) != "ACTIVE" {
		t.Errorf("EndpointStatus = %q, want ACTIVE", str(got.EndpointStatus))
	}
	if str(got.OptOut) != "NONE" {
		t.Errorf("OptOut = %q, want NONE", str(got.OptOut))
	}
	cohort, err := strconv.Atoi(str(got.CohortId))
	if err != nil || cohort < 0 || cohort > 99 || strconv.Itoa(cohort) != str(got.CohortId) {
		t.Errorf("CohortId = %q, want a number 0..99", str(got.CohortId))
	}
	wantISOTime(t, "CreationDate", str(got.CreationDate))
	wantISOTime(t, "EffectiveDate", str(got.EffectiveDate))
	sameJSON(t, "Attributes", req.Attributes, got.Attributes)
	sameJSON(t, "Metrics", req.Metrics, got.Metrics)
	sameJSON(t, "Demographic", req.Demographic, got.Demographic)
	sameJSON(t, "Location", req.Location, got.Location)
	sameJSON(t, "User", req.User, got.User)

	// Raw: 202 and a MessageBody, never an empty body (Amplify parses it).
	r := rawJSON(t, m, nil, "PUT", "/v1/apps/"+app+"/endpoints/device-raw", map[string]any{"ChannelType": "IN_APP"})
	wantRawStatus(t, r, 202)
	body := r.object(t)
	if body["Message"] == nil || body["RequestID"] == nil {
		t.Errorf("UpdateEndpoint raw body = %s, want Message and RequestID", r.Body)
	}

	_, err = c.GetEndpoint(ctx, &pinpoint.GetEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("nobody")})
	wantNotFound(t, err)
	_, err = c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String("no-such-app"), EndpointId: aws.String("d"), EndpointRequest: inAppEndpoint("", nil)})
	wantNotFound(t, err)
}

func TestEndpointMerge(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "merge")

	putEndpoint(t, c, app, "d1", &types.EndpointRequest{
		ChannelType: types.ChannelTypeInApp,
		Attributes:  map[string][]string{"a": {"1"}, "b": {"x", "y"}},
		Metrics:     map[string]float64{"m1": 1, "m2": 2},
		Demographic: &types.EndpointDemographic{Platform: aws.String("android"), AppVersion: aws.String("1.0")},
		Location:    &types.EndpointLocation{Country: aws.String("US")},
		User:        &types.EndpointUser{UserId: aws.String("u1"), UserAttributes: map[string][]string{"ua": {"1"}, "ub": {"2"}}},
	})
	first := getEndpoint(t, c, app, "d1")

	putEndpoint(t, c, app, "d1", &types.EndpointRequest{
		Attributes: map[string][]string{"b": {"z"}, "c": {"new"}},
		Metrics:    map[string]float64{"m2": 5},
		User:       &types.EndpointUser{UserId: aws.String("u1"), UserAttributes: map[string][]string{"ua": {"9"}}},
	})
	got := getEndpoint(t, c, app, "d1")

	sameJSON(t, "Attributes (replaced per key)", map[string][]string{"a": {"1"}, "b": {"z"}, "c": {"new"}}, got.Attributes)
	sameJSON(t, "Metrics (replaced per key)", map[string]float64{"m1": 1, "m2": 5}, got.Metrics)
	sameJSON(t, "UserAttributes (replaced per key)", map[string][]string{"ua": {"9"}, "ub": {"2"}}, got.User.UserAttributes)
	if str(got.User.UserId) != "u1" {
		t.Errorf("UserId = %q, want u1", str(got.User.UserId))
	}
	if got.ChannelType != types.ChannelTypeInApp {
		t.Errorf("ChannelType = %q after an update that did not name it, want IN_APP", got.ChannelType)
	}
	sameJSON(t, "Demographic (not in the update)", first.Demographic, got.Demographic)
	sameJSON(t, "Location (not in the update)", first.Location, got.Location)
	if str(got.CohortId) != str(first.CohortId) {
		t.Errorf("CohortId changed on update: %q → %q", str(first.CohortId), str(got.CohortId))
	}
	if str(got.CreationDate) != str(first.CreationDate) {
		t.Errorf("CreationDate changed on update: %q → %q", str(first.CreationDate), str(got.CreationDate))
	}

	// OptOut and EndpointStatus are plain strings the caller may set.
	putEndpoint(t, c, app, "d1", &types.EndpointRequest{OptOut: aws.String("ALL")})
	if got := getEndpoint(t, c, app, "d1"); str(got.OptOut) != "ALL" {
		t.Errorf("OptOut = %q, want ALL", str(got.OptOut))
	}
}

func TestEndpointRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "rejects")
	putEndpoint(t, c, app, "d1", &types.EndpointRequest{ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{"a": {"1"}}, Metrics: map[string]float64{"m": 1}})
	before := getEndpoint(t, c, app, "d1")

	_, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1"),
		EndpointRequest: &types.EndpointRequest{ChannelType: types.ChannelType("PIGEON"), Attributes: map[string][]string{"a": {"2"}}}})
	wantBadRequest(t, err)
	_, err = c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d-new"),
		EndpointRequest: &types.EndpointRequest{ChannelType: types.ChannelType("in-app")}})
	wantBadRequest(t, err)
	endpointMissing(t, c, app, "d-new")

	path := "/v1/apps/" + app + "/endpoints/d1"
	for name, body := range map[string]string{
		"malformed JSON":         `{"ChannelType":"IN_APP"`,
		"metric as a string":     `{"Metrics":{"m":"high"},"Attributes":{"a":["3"]}}`,
		"attribute not a list":   `{"Attributes":{"a":"3"}}`,
		"body is a list":         `[{"ChannelType":"IN_APP"}]`,
		"OptOut as a number":     `{"OptOut":1}`,
		"Demographic as string":  `{"Demographic":"ios"}`,
		"user attribute numbers": `{"User":{"UserAttributes":{"x":[1,2]}}}`,
	} {
		r := rawCall(t, m, nil, "PUT", path, []byte(body))
		if r.Status != 400 {
			t.Errorf("%s: status %d, want 400; body %s", name, r.Status, r.Body)
			continue
		}
		wantRawError(t, r, "BadRequestException")
	}
	sameJSON(t, "endpoint after rejected updates", before, getEndpoint(t, c, app, "d1"))
}

func TestEndpointsBatch(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "batch")

	batch := func(items []types.EndpointBatchItem) error {
		out, err := c.UpdateEndpointsBatch(ctx, &pinpoint.UpdateEndpointsBatchInput{ApplicationId: aws.String(app), EndpointBatchRequest: &types.EndpointBatchRequest{Item: items}})
		if err == nil {
			wantStatus(t, out.ResultMetadata, 202)
			if str(out.MessageBody.Message) == "" || str(out.MessageBody.RequestID) == "" {
				t.Errorf("UpdateEndpointsBatch body = %s, want Message and RequestID", mustJSON(t, out.MessageBody))
			}
		}
		return err
	}
	item := func(id string, attrs map[string][]string) types.EndpointBatchItem {
		return types.EndpointBatchItem{Id: aws.String(id), ChannelType: types.ChannelTypeInApp, Attributes: attrs, User: &types.EndpointUser{UserId: aws.String("user-" + id)}}
	}

	if err := batch([]types.EndpointBatchItem{item("b1", map[string][]string{"k": {"1"}}), item("b2", nil), item("b3", map[string][]string{"k": {"3"}})}); err != nil {
		t.Fatalf("UpdateEndpointsBatch: %v", err)
	}
	for _, id := range []string{"b1", "b2", "b3"} {
		e := getEndpoint(t, c, app, id)
		if e.ChannelType != types.ChannelTypeInApp || str(e.User.UserId) != "user-"+id || str(e.EndpointStatus) != "ACTIVE" {
			t.Errorf("batch endpoint %s = %s", id, mustJSON(t, e))
		}
	}
	if got := getEndpoint(t, c, app, "b3").Attributes["k"]; !slices.Equal(got, []string{"3"}) {
		t.Errorf("b3 attribute k = %v, want [3]", got)
	}
	// A batch merges into existing endpoints as UpdateEndpoint does.
	if err := batch([]types.EndpointBatchItem{{Id: aws.String("b1"), Attributes: map[string][]string{"j": {"2"}}}}); err != nil {
		t.Fatalf("UpdateEndpointsBatch merge: %v", err)
	}
	sameJSON(t, "b1 attributes after a batch merge", map[string][]string{"j": {"2"}, "k": {"1"}}, getEndpoint(t, c, app, "b1").Attributes)
	b1 := getEndpoint(t, c, app, "b1")

	// More than 100 items: rejected, nothing written.
	var big []types.EndpointBatchItem
	for _, id := range ids("big", 101) {
		big = append(big, item(id, nil))
	}
	big[0] = item("b1", map[string][]string{"k": {"overwritten"}})
	wantBadRequest(t, batch(big))
	endpointMissing(t, c, app, "big-1")
	endpointMissing(t, c, app, "big-100")
	sameJSON(t, "b1 after a rejected batch", b1, getEndpoint(t, c, app, "b1"))

	// Exactly 100 is fine.
	if err := batch(big[1:]); err != nil {
		t.Fatalf("UpdateEndpointsBatch with 100 items: %v", err)
	}
	getEndpoint(t, c, app, "big-100")

	// One item without Id: the whole batch is rejected.
	wantBadRequest(t, batch([]types.EndpointBatchItem{item("ok-1", nil), {ChannelType: types.ChannelTypeInApp}, item("b1", map[string][]string{"k": {"nope"}})}))
	endpointMissing(t, c, app, "ok-1")
	sameJSON(t, "b1 after a batch with a missing Id", b1, getEndpoint(t, c, app, "b1"))

	// One item with a bad channel: the whole batch is rejected.
	bad := item("ok-2", nil)
	bad.ChannelType = "CARRIER_PIGEON"
	wantBadRequest(t, batch([]types.EndpointBatchItem{item("ok-3", nil), bad}))
	endpointMissing(t, c, app, "ok-2")
	endpointMissing(t, c, app, "ok-3")

	// Item is required.
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/endpoints", []byte(`{}`)), "BadRequestException")
	wantRawError(t, rawCall(t, m, nil, "PUT", "/v1/apps/"+app+"/endpoints", []byte(`{"Item":{"Id":"x"}}`)), "BadRequestException")
	endpointMissing(t, c, app, "x")
}

func TestUserEndpoints(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "users")

	for _, id := range []string{"u1-a", "u1-b", "u1-c"} {
		putEndpoint(t, c, app, id, inAppEndpoint("u1", map[string][]string{"id": {id}}))
	}
	putEndpoint(t, c, app, "u2-a", inAppEndpoint("u2", nil))

	out, err := c.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
	if err != nil {
		t.Fatalf("GetUserEndpoints: %v", err)
	}
	var got []string
	for _, e := range out.EndpointsResponse.Item {
		got = append(got, str(e.Id))
		if str(e.User.UserId) != "u1" || e.Attributes["id"][0] != str(e.Id) {
			t.Errorf("GetUserEndpoints item = %s", mustJSON(t, e))
		}
	}
	wantSameSet(t, "GetUserEndpoints u1", got, []string{"u1-a", "u1-b", "u1-c"})

	del, err := c.DeleteUserEndpoints(ctx, &pinpoint.DeleteUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
	if err != nil {
		t.Fatalf("DeleteUserEndpoints: %v", err)
	}
	wantStatus(t, del.ResultMetadata, 202)
	got = nil
	for _, e := range del.EndpointsResponse.Item {
		got = append(got, str(e.Id))
	}
	wantSameSet(t, "DeleteUserEndpoints answer", got, []string{"u1-a", "u1-b", "u1-c"})
	for _, id := range []string{"u1-a", "u1-b", "u1-c"} {
		endpointMissing(t, c, app, id)
	}
	getEndpoint(t, c, app, "u2-a")

	after, err := c.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
	if err != nil {
		wantNotFound(t, err)
	} else if len(after.EndpointsResponse.Item) != 0 {
		t.Errorf("GetUserEndpoints after DeleteUserEndpoints = %s", mustJSON(t, after.EndpointsResponse))
	}
}

func TestEndpointDelete(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "delete")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", map[string][]string{"a": {"1"}}))
	putEndpoint(t, c, app, "d2", inAppEndpoint("u1", nil))
	before := getEndpoint(t, c, app, "d1")

	out, err := c.DeleteEndpoint(ctx, &pinpoint.DeleteEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
	if err != nil {
		t.Fatalf("DeleteEndpoint: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 202)
	sameJSON(t, "DeleteEndpoint answer compared with GetEndpoint before", before, out.EndpointResponse)
	endpointMissing(t, c, app, "d1")
	getEndpoint(t, c, app, "d2")

	_, err = c.DeleteEndpoint(ctx, &pinpoint.DeleteEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
	wantNotFound(t, err)

	users, err := c.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
	if err != nil {
		t.Fatalf("GetUserEndpoints: %v", err)
	}
	if len(users.EndpointsResponse.Item) != 1 || str(users.EndpointsResponse.Item[0].Id) != "d2" {
		t.Errorf("GetUserEndpoints after DeleteEndpoint = %s, want only d2", mustJSON(t, users.EndpointsResponse))
	}
}

func TestRemoveAttributes(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "remove")

	for _, id := range []string{"d1", "d2"} {
		putEndpoint(t, c, app, id, &types.EndpointRequest{
			ChannelType: types.ChannelTypeInApp,
			Attributes:  map[string][]string{"a": {"1"}, "b": {"2"}},
			Metrics:     map[string]float64{"m1": 1, "m2": 2},
			User:        &types.EndpointUser{UserId: aws.String("u-" + id), UserAttributes: map[string][]string{"u1": {"x"}, "u2": {"y"}}},
		})
	}
	remove := func(kind string, names ...string) (*types.AttributesResource, error) {
		out, err := c.RemoveAttributes(ctx, &pinpoint.RemoveAttributesInput{ApplicationId: aws.String(app), AttributeType: aws.String(kind), UpdateAttributesRequest: &types.UpdateAttributesRequest{Blacklist: names}})
		if err != nil {
			return nil, err
		}
		wantStatus(t, out.ResultMetadata, 200)
		return out.AttributesResource, nil
	}
	check := func(kind string, res *types.AttributesResource, removed string) {
		t.Helper()
		if str(res.ApplicationId) != app || str(res.AttributeType) != kind || !slices.Contains(res.Attributes, removed) {
			t.Errorf("RemoveAttributes %s answered %s", kind, mustJSON(t, res))
		}
	}

	res, err := remove("endpoint-custom-attributes", "a")
	if err != nil {
		t.Fatalf("RemoveAttributes endpoint-custom-attributes: %v", err)
	}
	check("endpoint-custom-attributes", res, "a")
	for _, id := range []string{"d1", "d2"} {
		sameJSON(t, id+" Attributes", map[string][]string{"b": {"2"}}, getEndpoint(t, c, app, id).Attributes)
	}

	res, err = remove("endpoint-metric-attributes", "m1")
	if err != nil {
		t.Fatalf("RemoveAttributes endpoint-metric-attributes: %v", err)
	}
	check("endpoint-metric-attributes", res, "m1")
	for _, id := range []string{"d1", "d2"} {
		sameJSON(t, id+" Metrics", map[string]float64{"m2": 2}, getEndpoint(t, c, app, id).Metrics)
	}

	res, err = remove("endpoint-user-attributes", "u2")
	if err != nil {
		t.Fatalf("RemoveAttributes endpoint-user-attributes: %v", err)
	}
	check("endpoint-user-attributes", res, "u2")
	for _, id := range []string{"d1", "d2"} {
		e := getEndpoint(t, c, app, id)
		sameJSON(t, id+" UserAttributes", map[string][]string{"u1": {"x"}}, e.User.UserAttributes)
		sameJSON(t, id+" Attributes untouched by the other kinds", map[string][]string{"b": {"2"}}, e.Attributes)
		if str(e.User.UserId) != "u-"+id {
			t.Errorf("%s UserId = %q after RemoveAttributes", id, str(e.User.UserId))
		}
	}

	before := getEndpoint(t, c, app, "d1")
	_, err = remove("endpoint-everything", "b")
	wantBadRequest(t, err)
	sameJSON(t, "endpoint after a rejected RemoveAttributes", before, getEndpoint(t, c, app, "d1"))
	_, err = c.RemoveAttributes(ctx, &pinpoint.RemoveAttributesInput{ApplicationId: aws.String("no-such-app"), AttributeType: aws.String("endpoint-custom-attributes"), UpdateAttributesRequest: &types.UpdateAttributesRequest{Blacklist: []string{"b"}}})
	wantNotFound(t, err)
}

func TestEndpointsPerUserLimit(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "limit")

	for i := 1; i <= 15; i++ {
		putEndpoint(t, c, app, fmt.Sprintf("dev-%02d", i), inAppEndpoint("crowded", nil))
	}
	_, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("dev-16"), EndpointRequest: inAppEndpoint("crowded", nil)})
	e := wantBadRequest(t, err)
	if !strings.Contains(e.ErrorMessage(), "Exceeded maximum endpoint per user count") {
		t.Errorf("Message = %q, want it to say %q", e.ErrorMessage(), "Exceeded maximum endpoint per user count")
	}
	endpointMissing(t, c, app, "dev-16")

	// Moving an existing endpoint to the full user is a 16th endpoint too.
	putEndpoint(t, c, app, "elsewhere", inAppEndpoint("someone-else", map[string][]string{"a": {"1"}}))
	before := getEndpoint(t, c, app, "elsewhere")
	_, err = c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("elsewhere"), EndpointRequest: inAppEndpoint("crowded", nil)})
	wantBadRequest(t, err)
	sameJSON(t, "endpoint after a rejected move", before, getEndpoint(t, c, app, "elsewhere"))

	// Updating one of the 15 is still fine.
	putEndpoint(t, c, app, "dev-07", &types.EndpointRequest{Attributes: map[string][]string{"seen": {"yes"}}, User: &types.EndpointUser{UserId: aws.String("crowded")}})

	users, err := c.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("crowded")})
	if err != nil {
		t.Fatalf("GetUserEndpoints: %v", err)
	}
	if n := len(users.EndpointsResponse.Item); n != 15 {
		t.Errorf("user has %d endpoints, want 15", n)
	}

	// The batch path enforces the same limit.
	_, err = c.UpdateEndpointsBatch(ctx, &pinpoint.UpdateEndpointsBatchInput{ApplicationId: aws.String(app), EndpointBatchRequest: &types.EndpointBatchRequest{Item: []types.EndpointBatchItem{
		{Id: aws.String("dev-17"), ChannelType: types.ChannelTypeInApp, User: &types.EndpointUser{UserId: aws.String("crowded")}},
	}}})
	wantBadRequest(t, err)
	endpointMissing(t, c, app, "dev-17")
}

// TestEndpointSameAddress: the model's EndpointStatus documentation says
// an endpoint becomes INACTIVE when another endpoint is updated with the
// same Address.
func TestEndpointSameAddress(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "address")
	putEndpoint(t, c, app, "mail-1", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("a@example.com")})
	putEndpoint(t, c, app, "mail-2", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("a@example.com")})
	if got := str(getEndpoint(t, c, app, "mail-1").EndpointStatus); got != "INACTIVE" {
		t.Errorf("mail-1 EndpointStatus = %q after mail-2 took its Address, want INACTIVE", got)
	}
	if got := str(getEndpoint(t, c, app, "mail-2").EndpointStatus); got != "ACTIVE" {
		t.Errorf("mail-2 EndpointStatus = %q, want ACTIVE", got)
	}
	// IN_APP endpoints have no Address and never deactivate each other.
	putEndpoint(t, c, app, "app-1", inAppEndpoint("u", nil))
	putEndpoint(t, c, app, "app-2", inAppEndpoint("u", nil))
	if got := str(getEndpoint(t, c, app, "app-1").EndpointStatus); got != "ACTIVE" {
		t.Errorf("app-1 EndpointStatus = %q, want ACTIVE", got)
	}
}

// TestEndpointsPerUserPush: the developer guide (notes §4.4): a 16th
// endpoint of a push channel (ADM, GCM, APNS*) makes the oldest push
// endpoint INACTIVE instead of failing.
func TestEndpointsPerUserPush(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "push-limit")
	putEndpoint(t, c, app, "push-old", &types.EndpointRequest{ChannelType: types.ChannelTypeGcm, Address: aws.String("token-old"), User: &types.EndpointUser{UserId: aws.String("p")}})
	for i := 1; i <= 14; i++ {
		putEndpoint(t, c, app, fmt.Sprintf("app-%02d", i), inAppEndpoint("p", nil))
	}
	_, err := c.UpdateEndpoint(t.Context(), &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("push-new"),
		EndpointRequest: &types.EndpointRequest{ChannelType: types.ChannelTypeApns, Address: aws.String("token-new"), User: &types.EndpointUser{UserId: aws.String("p")}}})
	if err != nil {
		t.Fatalf("16th endpoint of a push channel: %v, want it accepted with the oldest push endpoint made INACTIVE", err)
	}
	if got := str(getEndpoint(t, c, app, "push-old").EndpointStatus); got != "INACTIVE" {
		t.Errorf("oldest push endpoint EndpointStatus = %q, want INACTIVE", got)
	}
	if got := str(getEndpoint(t, c, app, "push-new").EndpointStatus); got != "ACTIVE" {
		t.Errorf("new push endpoint EndpointStatus = %q, want ACTIVE", got)
	}
}

// TestEndpointQuotas: the endpoint quotas (notes §4.4, quotas page):
// attribute names up to 50 characters, values up to 100, 50 values per
// attribute, 15 KB per endpoint. A request over them is refused whole.
func TestEndpointQuotas(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "quotas")

	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprint("v", i)
	}
	big := map[string][]string{}
	for i := range 40 {
		big[fmt.Sprintf("attr%02d", i)] = []string{strings.Repeat("x", 100), strings.Repeat("y", 100), strings.Repeat("z", 100), strings.Repeat("w", 100)}
	}
	for what, req := range map[string]*types.EndpointRequest{
		"51-character attribute name":   {ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{strings.Repeat("n", 51): {"v"}}},
		"101-character attribute value": {ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{"k": {strings.Repeat("v", 101)}}},
		"51 values in an attribute":     {ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{"k": many}},
		"51-character user attribute":   {ChannelType: types.ChannelTypeInApp, User: &types.EndpointUser{UserId: aws.String("u"), UserAttributes: map[string][]string{strings.Repeat("n", 51): {"v"}}}},
		"51 values in a user attribute": {ChannelType: types.ChannelTypeInApp, User: &types.EndpointUser{UserId: aws.String("u"), UserAttributes: map[string][]string{"k": many}}},
		"51-character metric name":      {ChannelType: types.ChannelTypeInApp, Metrics: map[string]float64{strings.Repeat("m", 51): 1}},
		"endpoint larger than 15 KB":    {ChannelType: types.ChannelTypeInApp, Attributes: big},
	} {
		_, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("q"), EndpointRequest: req})
		if err == nil {
			t.Errorf("UpdateEndpoint with %s: accepted", what)
			if _, err := c.DeleteEndpoint(ctx, &pinpoint.DeleteEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("q")}); err != nil {
				t.Fatalf("DeleteEndpoint: %v", err)
			}
			continue
		}
		wantBadRequest(t, err)
		endpointMissing(t, c, app, "q")
	}
	// At the limits is fine.
	putEndpoint(t, c, app, "q", &types.EndpointRequest{ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{strings.Repeat("n", 50): {strings.Repeat("v", 100)}, "k": many[:50]}})
}
