package sigv4

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	inapp "github.com/inappd/inappd"
)

// seen is one request as the Pinpoint stand-in received it.
type seen struct {
	method, path, query, host, signedHeaders string
}

// pinpointStub answers just enough of the Pinpoint API for the SDK's
// deserializers, after running Verify; a failed verification is a
// ForbiddenException, as inappd's API will send it.
func pinpointStub(t *testing.T, v *Verifier) (*httptest.Server, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var log []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := seen{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery, host: r.Host}
		if a := r.Header.Get("Authorization"); a != "" {
			_, s.signedHeaders, _ = strings.Cut(a, "SignedHeaders=")
			s.signedHeaders, _, _ = strings.Cut(s.signedHeaders, ",")
		}
		mu.Lock()
		log = append(log, s)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if _, err := v.Verify(r, body); err != nil {
			w.Header().Set("X-Amzn-ErrorType", "ForbiddenException")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"Message": inapp.ErrorMessage(err), "RequestID": "test"})
			return
		}
		p := r.URL.EscapedPath()
		switch {
		case strings.HasSuffix(p, "/inappmessages"):
			io.WriteString(w, `{"InAppMessageCampaigns":[]}`)
		case strings.Contains(p, "/endpoints/"):
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"Message":"Accepted","RequestID":"test"}`)
		case strings.HasSuffix(p, "/events"):
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"Results":{}}`)
		case strings.HasPrefix(p, "/v1/tags/") && r.Method != http.MethodGet:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasPrefix(p, "/v1/tags/"):
			io.WriteString(w, `{"tags":{}}`)
		default:
			io.WriteString(w, `{"Item":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), log...)
	}
}

func pinpointClient(region, endpoint, secret, token string, hc aws.HTTPClient) *pinpoint.Client {
	cfg := aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(testID, secret, token),
		RetryMaxAttempts: 1,
	}
	if hc != nil {
		cfg.HTTPClient = hc
	}
	return pinpoint.NewFromConfig(cfg, func(o *pinpoint.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// callAll runs the operations whose requests matter for signing: GET,
// PUT and POST with bodies, the ARN in one path segment, repeated query
// keys.
func callAll(ctx context.Context, c *pinpoint.Client) error {
	arn := inapp.AppArn(testApp)
	calls := []struct {
		name string
		call func() error
	}{
		{"GetInAppMessages", func() error {
			_, err := c.GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(testApp), EndpointId: aws.String("e-1")})
			return err
		}},
		{"UpdateEndpoint", func() error {
			_, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{ApplicationId: aws.String(testApp), EndpointId: aws.String("e 1/ü"),
				EndpointRequest: &types.EndpointRequest{ChannelType: types.ChannelTypeInApp, User: &types.EndpointUser{UserId: aws.String("u-1")}}})
			return err
		}},
		{"PutEvents", func() error {
			_, err := c.PutEvents(ctx, &pinpoint.PutEventsInput{ApplicationId: aws.String(testApp), EventsRequest: &types.EventsRequest{
				BatchItem: map[string]types.EventsBatch{"e-1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
					"ev-1": {EventType: aws.String("_inapp.message_displayed"), Timestamp: aws.String("2026-11-21T10:30:00.000Z")}}}}}})
			return err
		}},
		{"TagResource", func() error {
			_, err := c.TagResource(ctx, &pinpoint.TagResourceInput{ResourceArn: aws.String(arn), TagsModel: &types.TagsModel{Tags: map[string]string{"team": "growth"}}})
			return err
		}},
		{"UntagResource", func() error {
			_, err := c.UntagResource(ctx, &pinpoint.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "a b", "a/b", "team"}})
			return err
		}},
		{"ListTagsForResource", func() error {
			_, err := c.ListTagsForResource(ctx, &pinpoint.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			return err
		}},
		{"GetApps", func() error {
			_, err := c.GetApps(ctx, &pinpoint.GetAppsInput{PageSize: aws.String("10"), Token: aws.String("a+b/c=")})
			return err
		}},
	}
	for _, c := range calls {
		if err := c.call(); err != nil {
			return errors.Join(errors.New(c.name), err)
		}
	}
	return nil
}

// TestPinpointClient sends real requests from aws-sdk-go-v2's Pinpoint
// client through Verify.
func TestPinpointClient(t *testing.T) {
	v := &Verifier{Keys: newKeys()} // the SDK signs with the wall clock
	srv, log := pinpointStub(t, v)
	ctx := context.Background()

	t.Run("static key", func(t *testing.T) {
		if err := callAll(ctx, pinpointClient("us-east-1", srv.URL, testSecret, "", nil)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("session token", func(t *testing.T) {
		if err := callAll(ctx, pinpointClient("ap-southeast-2", srv.URL, testSecret, "FQoGZXIvYXdzEXAMPLETOKEN//+=", nil)); err != nil {
			t.Fatal(err)
		}
	})

	// What reached the server: ARNs percent-encoded in one segment, the
	// repeated query key, which headers the SDK signs.
	var sawArn, sawRepeated bool
	for _, s := range log() {
		if strings.HasPrefix(s.path, "/v1/tags/arn%3Aaws%3Amobiletargeting%3A") && strings.Contains(s.path, "%3Aapps%2F"+testApp) {
			sawArn = true
		}
		if q, _ := url.ParseQuery(s.query); len(q["tagKeys"]) == 4 {
			sawRepeated = true
		}
		t.Logf("%-6s %-90s ?%-40s signed %s", s.method, s.path, s.query, s.signedHeaders)
	}
	if !sawArn || !sawRepeated {
		t.Errorf("the requests did not exercise the ARN path (%v) or repeated query keys (%v)", sawArn, sawRepeated)
	}

	t.Run("wrong secret", func(t *testing.T) {
		err := callAll(ctx, pinpointClient("us-east-1", srv.URL, "not-the-secret", "", nil))
		var fe *types.ForbiddenException
		if !errors.As(err, &fe) {
			t.Fatalf("error = %v, want a ForbiddenException", err)
		}
		if fe.ErrorMessage() != MsgSignatureMismatch {
			t.Fatalf("message = %q", fe.ErrorMessage())
		}
	})
}

// redirect sends every request to target whatever host the client signed
// for, as a fetch interceptor or a DNS override with a proxy does.
type redirect struct {
	target *url.URL
}

func (rd redirect) Do(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rd.target.Scheme, rd.target.Host, ""
	return http.DefaultClient.Do(r)
}

// TestPinpointClientRedirected: the SDK signs for the real Pinpoint host
// (as Amplify does), and the request arrives on the loopback server.
func TestPinpointClientRedirected(t *testing.T) {
	v := &Verifier{Keys: newKeys()}
	srv, log := pinpointStub(t, v)
	target, _ := url.Parse(srv.URL)
	c := pinpointClient("us-west-2", "https://pinpoint.us-west-2.amazonaws.com", testSecret, "", redirect{target})
	if err := callAll(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for _, s := range log() {
		if s.host != target.Host {
			t.Fatalf("request arrived with Host %q, want %q", s.host, target.Host)
		}
	}

	// Signed for another region's endpoint than the credential scope says: refused.
	c = pinpointClient("us-west-2", "https://pinpoint.eu-west-1.amazonaws.com", testSecret, "", redirect{target})
	var fe *types.ForbiddenException
	if err := callAll(context.Background(), c); !errors.As(err, &fe) {
		t.Fatalf("error = %v, want a ForbiddenException", err)
	}
}

// TestPinpointClientSkewed: the SDK's clock is 20 minutes behind.
func TestPinpointClientSkewed(t *testing.T) {
	v := &Verifier{Keys: newKeys(), Clock: &inapp.FixedClock{T: time.Now().UTC().Add(20 * time.Minute)}}
	srv, _ := pinpointStub(t, v)
	err := callAll(context.Background(), pinpointClient("us-east-1", srv.URL, testSecret, "", nil))
	var fe *types.ForbiddenException
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.ErrorMessage(), "Signature expired: ") {
		t.Fatalf("error = %v, want Signature expired", err)
	}
}
