package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	inapp "github.com/inappd/inappd"
)

func TestAuthRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "auth")
	ctx := t.Context()

	// Unsigned: 403 "Missing Authentication Token", as AWS answers.
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/v1/apps", ""},
		{"POST", "/v1/apps", `{"Name":"sneaky"}`},
		{"PUT", "/v1/apps/" + app + "/endpoints/d1", `{"ChannelType":"IN_APP"}`},
		{"GET", "/v1/apps/" + app + "/endpoints/d1/inappmessages", ""},
	} {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		r := unsignedCall(t, m, tc.method, tc.path, body)
		b := wantRawError(t, r, "ForbiddenException")
		if b["Message"] != "Missing Authentication Token" {
			t.Errorf("unsigned %s %s: Message = %q, want %q", tc.method, tc.path, b["Message"], "Missing Authentication Token")
		}
	}

	// Wrong secret, unknown key.
	bad := []*inapp.AccessKey{
		{ID: m.RootKey.ID, Secret: m.RootKey.Secret + "x"},
		{ID: "AKIAUNKNOWNKEY000000", Secret: m.RootKey.Secret},
	}
	for _, k := range bad {
		bc := client(m, k)
		_, err := bc.GetApps(ctx, &pinpoint.GetAppsInput{})
		wantForbidden(t, err)
		_, err = bc.CreateApp(ctx, &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String("sneaky")}})
		wantForbidden(t, err)
		_, err = bc.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1"), EndpointRequest: inAppEndpoint("", nil)})
		wantForbidden(t, err)
	}

	// A stale signature (an hour old), a tampered body, a signature for
	// another service.
	old := newRawRequest(t, m, "GET", "/v1/apps", nil)
	signAt(t, old, m.RootKey, nil, time.Now().Add(-time.Hour))
	wantRawError(t, doRaw(t, old), "ForbiddenException")

	signed := []byte(`{"Name":"signed"}`)
	evil := `{"Name":"evil!!"}` // same length
	tampered := newRawRequest(t, m, "POST", "/v1/apps", signed)
	signAt(t, tampered, m.RootKey, signed, time.Now())
	tampered.Body = io.NopCloser(strings.NewReader(evil))
	tampered.ContentLength = int64(len(evil))
	wantRawError(t, doRaw(t, tampered), "ForbiddenException")

	other := newRawRequest(t, m, "GET", "/v1/apps", nil)
	sum := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: m.RootKey.ID, SecretAccessKey: m.RootKey.Secret}, other, hex.EncodeToString(sum[:]), "s3", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	wantRawError(t, doRaw(t, other), "ForbiddenException")

	// Nothing was created by the rejected requests.
	out, err := c.GetApps(ctx, &pinpoint.GetAppsInput{})
	if err != nil {
		t.Fatalf("GetApps: %v", err)
	}
	if n := len(out.ApplicationsResponse.Item); n != 1 {
		t.Errorf("%d apps after rejected creates, want 1", n)
	}
	endpointMissing(t, c, app, "d1")

	// healthz needs no signature.
	r := unsignedCall(t, m, "GET", "/healthz", nil)
	wantRawStatus(t, r, 200)
}

func TestAuthAmplifyHost(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	// Amplify signs for pinpoint.<region>.amazonaws.com even when the
	// request goes elsewhere.
	req := newRawRequest(t, m, "GET", "/v1/apps", nil)
	req.Host = "pinpoint.us-east-1.amazonaws.com"
	signAt(t, req, m.RootKey, nil, time.Now())
	signedHost := req.Host
	req.Host = ""
	if signedHost == "" || !strings.Contains(req.Header.Get("Authorization"), "host") {
		t.Fatalf("the request was not signed with a host header")
	}
	wantRawStatus(t, doRaw(t, req), 200)

	// Any other host is part of the signature and does not match.
	req = newRawRequest(t, m, "GET", "/v1/apps", nil)
	req.Host = "evil.example.com"
	signAt(t, req, m.RootKey, nil, time.Now())
	req.Host = ""
	wantRawError(t, doRaw(t, req), "ForbiddenException")
}

func TestClientKeys(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	root := client(m, nil)
	ctx := t.Context()
	app := createApp(t, root, "mine")
	otherApp := createApp(t, root, "theirs")
	cid := str(createCampaign(t, root, app, campaignRequest("hello", "", 1)).Id)
	createCampaign(t, root, otherApp, campaignRequest("other-hello", "", 1))

	key := createClientKey(t, m, app)
	dev := client(m, key)

	// Listing shows the key without its secret.
	r := rawCall(t, m, nil, "GET", "/inappd/v1/apps/"+app+"/keys", nil)
	wantRawStatus(t, r, 200)
	if strings.Contains(string(r.Body), key.Secret) {
		t.Errorf("ListClientKeys shows the secret: %s", r.Body)
	}
	var listed struct{ Item []map[string]any }
	if err := json.Unmarshal(r.Body, &listed); err != nil {
		t.Fatalf("ListClientKeys body: %v: %s", err, r.Body)
	}
	var listedIDs []string
	for _, k := range listed.Item {
		id, _ := k["AccessKeyId"].(string)
		listedIDs = append(listedIDs, id)
	}
	if !slices.Contains(listedIDs, key.ID) {
		t.Errorf("ListClientKeys = %v, want %s", listedIDs, key.ID)
	}
	r = rawCall(t, m, nil, "GET", "/inappd/v1/apps/"+otherApp+"/keys", nil)
	wantRawStatus(t, r, 200)
	if strings.Contains(string(r.Body), key.ID) {
		t.Errorf("another app's key list shows this app's key: %s", r.Body)
	}
	wantRawError(t, rawCall(t, m, nil, "POST", "/inappd/v1/apps/no-such-app/keys", []byte(`{"Description":"x"}`)), "NotFoundException")

	// The device operations of its own app work.
	putEndpoint(t, dev, app, "d1", inAppEndpoint("u1", map[string][]string{"a": {"1"}}))
	if _, err := dev.UpdateEndpointsBatch(ctx, &pinpoint.UpdateEndpointsBatchInput{ApplicationId: aws.String(app), EndpointBatchRequest: &types.EndpointBatchRequest{Item: []types.EndpointBatchItem{
		{Id: aws.String("d2"), ChannelType: types.ChannelTypeInApp},
	}}}); err != nil {
		t.Errorf("client key UpdateEndpointsBatch: %v", err)
	}
	wantIDs(t, "client key GetInAppMessages", deliveredIDs(t, dev, app, "d1"), []string{cid})
	displayed(t, dev, app, "d1", cid, "e1", time.Now())
	getEndpoint(t, root, app, "d2")

	// Everything else is forbidden.
	forbidden := map[string]func() error{
		"GetApp": func() error {
			_, err := dev.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(app)})
			return err
		},
		"GetApps": func() error { _, err := dev.GetApps(ctx, &pinpoint.GetAppsInput{}); return err },
		"CreateApp": func() error {
			_, err := dev.CreateApp(ctx, &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String("x")}})
			return err
		},
		"DeleteApp": func() error {
			_, err := dev.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(app)})
			return err
		},
		"CreateCampaign": func() error {
			_, err := dev.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: campaignRequest("x", "", 1)})
			return err
		},
		"GetCampaigns": func() error {
			_, err := dev.GetCampaigns(ctx, &pinpoint.GetCampaignsInput{ApplicationId: aws.String(app)})
			return err
		},
		"GetEndpoint": func() error {
			_, err := dev.GetEndpoint(ctx, &pinpoint.GetEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
			return err
		},
		"DeleteEndpoint": func() error {
			_, err := dev.DeleteEndpoint(ctx, &pinpoint.DeleteEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
			return err
		},
		"GetUserEndpoints": func() error {
			_, err := dev.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
			return err
		},
		"UpdateApplicationSettings": func() error {
			_, err := dev.UpdateApplicationSettings(ctx, &pinpoint.UpdateApplicationSettingsInput{ApplicationId: aws.String(app), WriteApplicationSettingsRequest: &types.WriteApplicationSettingsRequest{}})
			return err
		},
		"CreateSegment": func() error {
			_, err := dev.CreateSegment(ctx, &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: attrSegment("x", "k", "v")})
			return err
		},
		"CreateInAppTemplate": func() error {
			_, err := dev.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String("x"), InAppTemplateRequest: templateRequest("x")})
			return err
		},
		"ListTemplates": func() error { _, err := dev.ListTemplates(ctx, &pinpoint.ListTemplatesInput{}); return err },
		"RemoveAttributes": func() error {
			_, err := dev.RemoveAttributes(ctx, &pinpoint.RemoveAttributesInput{ApplicationId: aws.String(app), AttributeType: aws.String("endpoint-custom-attributes"), UpdateAttributesRequest: &types.UpdateAttributesRequest{Blacklist: []string{"a"}}})
			return err
		},
		// Another app's device operations.
		"UpdateEndpoint of another app": func() error {
			_, err := dev.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(otherApp), EndpointId: aws.String("x1"), EndpointRequest: inAppEndpoint("", nil)})
			return err
		},
		"UpdateEndpointsBatch of another app": func() error {
			_, err := dev.UpdateEndpointsBatch(ctx, &pinpoint.UpdateEndpointsBatchInput{ApplicationId: aws.String(otherApp), EndpointBatchRequest: &types.EndpointBatchRequest{Item: []types.EndpointBatchItem{{Id: aws.String("x2"), ChannelType: types.ChannelTypeInApp}}}})
			return err
		},
		"GetInAppMessages of another app": func() error {
			_, err := dev.GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(otherApp), EndpointId: aws.String("x1")})
			return err
		},
		"PutEvents of another app": func() error {
			_, err := dev.PutEvents(ctx, &pinpoint.PutEventsInput{ApplicationId: aws.String(otherApp), EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
				"x3": {Endpoint: &types.PublicEndpoint{ChannelType: types.ChannelTypeInApp}, Events: map[string]types.Event{"e": displayedEvent("c", time.Now())}},
			}}})
			return err
		},
	}
	for name, call := range forbidden {
		err := call()
		if err == nil {
			t.Errorf("client key %s: allowed", name)
			continue
		}
		wantForbidden(t, err)
	}
	for _, ep := range []string{"x1", "x2", "x3"} {
		endpointMissing(t, root, otherApp, ep)
	}
	getEndpoint(t, root, app, "d1")
	if _, err := root.GetApp(ctx, &pinpoint.GetAppInput{ApplicationId: aws.String(app)}); err != nil {
		t.Errorf("app gone after a client key's DeleteApp: %v", err)
	}

	// Client keys cannot manage keys.
	wantRawError(t, rawCall(t, m, key, "POST", "/inappd/v1/apps/"+app+"/keys", []byte(`{"Description":"escalate"}`)), "ForbiddenException")
	wantRawError(t, rawCall(t, m, key, "GET", "/inappd/v1/apps/"+app+"/keys", nil), "ForbiddenException")
	wantRawError(t, rawCall(t, m, key, "DELETE", "/inappd/v1/keys/"+key.ID, nil), "ForbiddenException")

	// A second key for the same app, then revoke the first.
	key2 := createClientKey(t, m, app)
	r = rawCall(t, m, nil, "DELETE", "/inappd/v1/keys/"+key.ID, nil)
	wantRawStatus(t, r, 200)
	if got, _ := r.object(t)["AccessKeyId"].(string); got != key.ID {
		t.Errorf("DeleteClientKey answered %s, want the revoked key", r.Body)
	}
	_, err := dev.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1"), EndpointRequest: &types.EndpointRequest{Attributes: map[string][]string{"a": {"revoked"}}}})
	wantForbidden(t, err)
	_, err = dev.GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
	wantForbidden(t, err)
	if got := getEndpoint(t, root, app, "d1").Attributes["a"]; !slices.Equal(got, []string{"1"}) {
		t.Errorf("attribute a = %v after a revoked key's update, want [1]", got)
	}
	wantIDs(t, "GetInAppMessages with the second key", deliveredIDs(t, client(m, key2), app, "d1"), []string{cid})
	r = rawCall(t, m, nil, "GET", "/inappd/v1/apps/"+app+"/keys", nil)
	if strings.Contains(string(r.Body), key.ID) || !strings.Contains(string(r.Body), key2.ID) {
		t.Errorf("ListClientKeys after revoking %s: %s", key.ID, r.Body)
	}
	wantRawError(t, rawCall(t, m, nil, "DELETE", "/inappd/v1/keys/"+key.ID, nil), "NotFoundException")

	// Deleting the app revokes its keys.
	if _, err := root.DeleteApp(ctx, &pinpoint.DeleteAppInput{ApplicationId: aws.String(app)}); err != nil {
		t.Fatalf("DeleteApp: %v", err)
	}
	_, err = client(m, key2).GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String("d1")})
	if err == nil {
		t.Errorf("a key of a deleted app still works")
	}
}
