package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

// TestErrorFormat checks the wire form of errors on the raw HTTP level,
// for every operation that takes a body and for the usual error kinds.
func TestErrorFormat(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "errors")
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))
	camp := createCampaign(t, c, app, campaignRequest("c", "", 1))
	createTemplate(t, c, "tpl", templateRequest("x"))
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	arn := escapeLabel(str(camp.Arn))

	// Every operation with a body: malformed JSON → 400 BadRequestException.
	writes := []struct{ method, path string }{
		{"POST", "/v1/apps"},
		{"PUT", "/v1/apps/" + app + "/settings"},
		{"PUT", "/v1/apps/" + app + "/endpoints/d1"},
		{"PUT", "/v1/apps/" + app + "/endpoints"},
		{"PUT", "/v1/apps/" + app + "/attributes/endpoint-custom-attributes"},
		{"POST", "/v1/apps/" + app + "/segments"},
		{"PUT", "/v1/apps/" + app + "/segments/" + str(seg.Id)},
		{"POST", "/v1/templates/new-tpl/inapp"},
		{"PUT", "/v1/templates/tpl/inapp"},
		{"PUT", "/v1/templates/tpl/INAPP/active-version"},
		{"POST", "/v1/apps/" + app + "/campaigns"},
		{"PUT", "/v1/apps/" + app + "/campaigns/" + str(camp.Id)},
		{"POST", "/v1/apps/" + app + "/events"},
		{"POST", "/v1/tags/" + arn},
	}
	for _, w := range writes {
		for _, body := range []string{`{"Name":`, `not json`, `{"a":1}}`} {
			r := rawCall(t, m, nil, w.method, w.path, []byte(body))
			if r.Status != 400 {
				t.Errorf("%s %s with body %q: status %d, want 400; body %s", w.method, w.path, body, r.Status, r.Body)
				continue
			}
			wantRawError(t, r, "BadRequestException")
		}
	}

	// Wrong JSON types.
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/v1/apps/" + app + "/campaigns", `{"Name":"x","Priority":"high","Schedule":{"StartTime":"IMMEDIATE"},"MessageConfiguration":{"InAppMessage":{"Layout":"TOP_BANNER"}}}`},
		{"PUT", "/v1/apps/" + app + "/campaigns/" + str(camp.Id), `{"Priority":"high"}`},
		{"PUT", "/v1/apps/" + app + "/campaigns/" + str(camp.Id), `{"Limits":{"Daily":1.5}}`},
		{"PUT", "/v1/apps/" + app + "/endpoints/d1", `{"Attributes":{"a":[1]}}`},
		{"PUT", "/v1/apps/" + app + "/settings", `{"QuietTime":{"Start":2200}}`},
		{"POST", "/v1/apps/" + app + "/segments", `{"Name":["x"]}`},
		{"PUT", "/v1/templates/tpl/INAPP/active-version", `{"Version":2}`},
		{"POST", "/v1/apps", `{"Name":"x","tags":["a"]}`},
	} {
		r := rawCall(t, m, nil, tc.method, tc.path, []byte(tc.body))
		if r.Status != 400 {
			t.Errorf("%s %s with %s: status %d, want 400; body %s", tc.method, tc.path, tc.body, r.Status, r.Body)
			continue
		}
		wantRawError(t, r, "BadRequestException")
	}
	if got := getCampaign(t, c, app, str(camp.Id)); i32(got.Version) != 1 || i32(got.Priority) != 1 {
		t.Errorf("campaign changed by rejected updates: Version %d Priority %d", i32(got.Version), i32(got.Priority))
	}

	// Unknown routes: 404 with the JSON error body.
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/nothing-here"},
		{"GET", "/v2/apps"},
		{"GET", "/"},
		{"GET", "/v1/apps/" + app + "/journeys"},
		{"POST", "/v1/apps/" + app + "/messages"},
	} {
		r := rawCall(t, m, nil, tc.method, tc.path, nil)
		if r.Status != 404 {
			t.Errorf("%s %s: status %d, want 404; body %s", tc.method, tc.path, r.Status, r.Body)
			continue
		}
		wantRawError(t, r, "NotFoundException")
	}
	// A known path with a method it does not have: 404 or 405, as JSON.
	r := rawCall(t, m, nil, "PATCH", "/v1/apps/"+app, []byte(`{}`))
	switch r.Status {
	case 404:
		wantRawError(t, r, "NotFoundException")
	case 405:
		wantRawError(t, r, "MethodNotAllowedException")
	default:
		t.Errorf("PATCH /v1/apps/{id}: status %d, want 404 or 405; body %s", r.Status, r.Body)
	}

	// Not found, raw.
	wantRawError(t, rawCall(t, m, nil, "GET", "/v1/apps/no-such-app", nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "GET", "/v1/apps/"+app+"/campaigns/no-such-campaign", nil), "NotFoundException")
	wantRawError(t, rawCall(t, m, nil, "GET", "/v1/templates/no-such-template/inapp", nil), "NotFoundException")

	// Each error gets its own request ID.
	r1 := rawCall(t, m, nil, "GET", "/v1/apps/no-such-app", nil)
	r2 := rawCall(t, m, nil, "GET", "/v1/apps/no-such-app", nil)
	if id1, id2 := r1.Header.Get("x-amzn-RequestId"), r2.Header.Get("x-amzn-RequestId"); id1 == "" || id1 == id2 {
		t.Errorf("request IDs %q and %q, want two different ones", id1, id2)
	}
}

func TestSuccessWireDetails(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "wire")

	// Successes carry x-amzn-RequestId and application/json, and bodies are
	// bare payloads.
	for _, tc := range []struct{ method, path, key string }{
		{"GET", "/v1/apps/" + app, "Id"},
		{"GET", "/v1/apps", "Item"},
		{"GET", "/v1/apps/" + app + "/settings", "ApplicationId"},
		{"GET", "/v1/apps/" + app + "/segments", "Item"},
		{"GET", "/v1/apps/" + app + "/campaigns", "Item"},
		{"GET", "/v1/templates", "Item"},
		{"GET", "/v1/apps/" + app + "/endpoints/anyone/inappmessages", "InAppMessageCampaigns"},
	} {
		r := rawCall(t, m, nil, tc.method, tc.path, nil)
		wantRawStatus(t, r, 200)
		if r.Header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s %s: no x-amzn-RequestId", tc.method, tc.path)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
		}
		body := r.object(t)
		if _, ok := body[tc.key]; !ok {
			t.Errorf("%s %s: body lacks %q: %s", tc.method, tc.path, tc.key, r.Body)
		}
		if tc.key == "Item" || tc.key == "InAppMessageCampaigns" {
			if _, ok := body[tc.key].([]any); !ok {
				t.Errorf("%s %s: %q = %#v, want a JSON list ([] when empty)", tc.method, tc.path, tc.key, body[tc.key])
			}
		}
	}

	// A GET with Content-Type and an empty body, as Amplify sends it, and a
	// DELETE with {} as the Go SDK sends it.
	req := newRawRequest(t, m, "GET", "/v1/apps/"+app, nil)
	req.Header.Set("Content-Type", "application/json")
	signAt(t, req, m.RootKey, nil, time.Now())
	wantRawStatus(t, doRaw(t, req), 200)
	putEndpoint(t, c, app, "d1", inAppEndpoint("", nil))
	wantRawStatus(t, rawCall(t, m, nil, "DELETE", "/v1/apps/"+app+"/endpoints/d1", []byte(`{}`)), 202)

	// Path labels are percent-decoded: an endpoint ID with characters the
	// SDK escapes round-trips.
	odd := "user@example.com:phone/1 +x"
	putEndpoint(t, c, app, odd, inAppEndpoint("", nil))
	if got := getEndpoint(t, c, app, odd); str(got.Id) != odd {
		t.Errorf("endpoint Id = %q, want %q", str(got.Id), odd)
	}
	out, err := c.GetInAppMessages(t.Context(), &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String(odd)})
	if err != nil {
		t.Errorf("GetInAppMessages for %q: %v", odd, err)
	} else if out.InAppMessagesResponse == nil {
		t.Errorf("GetInAppMessages for %q: no body", odd)
	}
	_, err = c.UpdateEndpoint(t.Context(), &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String("bad{id}"), EndpointRequest: &types.EndpointRequest{ChannelType: types.ChannelTypeInApp}})
	wantBadRequest(t, err)
}

func TestCORS(t *testing.T) {
	t.Parallel()
	m := startServer(t) // allows http://localhost:5173

	pre := newRawRequest(t, m, "OPTIONS", "/v1/apps/x/endpoints/y/inappmessages", nil)
	pre.Header.Set("Origin", "http://localhost:5173")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	pre.Header.Set("Access-Control-Request-Headers", "authorization,x-amz-date,content-type,x-amz-user-agent")
	r := doRaw(t, pre)
	if r.Status < 200 || r.Status > 299 {
		t.Errorf("preflight from an allowed origin: status %d", r.Status)
	}
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != "http://localhost:5173" && got != "*" {
		t.Errorf("preflight Access-Control-Allow-Origin = %q", got)
	}
	if !strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight Access-Control-Allow-Headers = %q, want authorization among them", r.Header.Get("Access-Control-Allow-Headers"))
	}

	// A signed call from the allowed origin exposes the request ID header.
	req := newRawRequest(t, m, "GET", "/v1/apps", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	signAt(t, req, m.RootKey, nil, time.Now())
	r = doRaw(t, req)
	wantRawStatus(t, r, 200)
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != "http://localhost:5173" {
		t.Errorf("Access-Control-Allow-Origin = %q", got)
	}

	// Another origin gets no CORS grant.
	evil := newRawRequest(t, m, "OPTIONS", "/v1/apps", nil)
	evil.Header.Set("Origin", "https://evil.example")
	evil.Header.Set("Access-Control-Request-Method", "GET")
	if got := doRaw(t, evil).Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from another origin: Access-Control-Allow-Origin = %q", got)
	}

	// Extension endpoints need a signature too.
	wantRawError(t, unsignedCall(t, m, "GET", "/inappd/v1/apps/x/keys", nil), "ForbiddenException")
}

// TestOddQueryParameters: garbage in query strings and path labels is a
// client error, never a 5xx.
func TestOddQueryParameters(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "odd")
	seg := createSegment(t, c, app, attrSegment("s", "k", "v"))
	camp := createCampaign(t, c, app, campaignRequest("c", "", 1))
	createTemplate(t, c, "tpl", templateRequest("x"))

	paths := []string{
		"/v1/apps?token=garbage",
		"/v1/apps?page-size=0",
		"/v1/apps?page-size=-1",
		"/v1/apps?page-size=99999999999999999999",
		"/v1/apps/" + app + "/segments?token=%00%ff",
		"/v1/apps/" + app + "/segments/" + str(seg.Id) + "/versions?token=x&page-size=abc",
		"/v1/apps/" + app + "/segments/" + str(seg.Id) + "/versions/0",
		"/v1/apps/" + app + "/segments/" + str(seg.Id) + "/versions/-1",
		"/v1/apps/" + app + "/campaigns?token=garbage",
		"/v1/apps/" + app + "/campaigns/" + str(camp.Id) + "/versions/abc",
		"/v1/apps/" + app + "/campaigns/" + str(camp.Id) + "/versions?page-size=0",
		"/v1/templates?next-token=garbage",
		"/v1/templates?page-size=abc",
		"/v1/templates?template-type=inapp",
		"/v1/templates/tpl/inapp?version=abc",
		"/v1/templates/tpl/inapp?version=0",
		"/v1/templates/tpl/INAPP/versions?next-token=garbage",
		"/v1/templates/tpl/EMAIL/versions",
		"/v1/templates/tpl/nonsense/versions",
		"/v1/tags/" + escapeLabel("arn:aws:mobiletargeting:us-east-1:1:apps/"),
		"/v1/tags/" + escapeLabel("arn:aws:mobiletargeting:us-east-1:1:templates/tpl/EMAIL"),
	}
	for _, p := range paths {
		r := rawCall(t, m, nil, "GET", p, nil)
		switch {
		case r.Status >= 500:
			t.Errorf("GET %s: status %d; body %s", p, r.Status, r.Body)
		case r.Status >= 400:
			shape := r.Header.Get("X-Amzn-ErrorType")
			if _, ok := errorStatus[shape]; !ok {
				t.Errorf("GET %s: status %d with X-Amzn-ErrorType %q", p, r.Status, shape)
				continue
			}
			wantRawError(t, r, shape)
		}
	}
}
