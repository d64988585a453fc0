//go:build unix

// Package console tests the web console end to end: a real inappd (built
// from ./cmd/inappd, as a subprocess), headless Chromium driven by
// e2e.mjs (playwright-core) through a marketer's whole day in /console/,
// and a shop page on another origin running the browser SDK with the
// client key the console created. Afterwards the test checks on the
// server what the browser did.
//
// Node, sdk/web/node_modules (npm ci in sdk/web) and /usr/bin/chromium are
// needed; without them the test skips, or fails under INAPPD_TEST_STRICT=1.
// Screenshots of every step go to $INAPPD_ARTIFACTS/console/ (default: a
// temporary directory, kept only while the test runs).
package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inappd/inappd/internal/e2etest"
)

// What the shop page is served with: the SDK must work under it.
const shopCSP = "script-src 'self'; style-src 'self'"

// TestMarketerDay: sign in, create an app, a template (preview), a segment
// (estimate), a client key; the shop goes live with that key; launch a
// campaign with the wizard; a shopper triggers it and clicks; the
// dashboard shows 1 display and 1 click; the endpoint page explains it.
func TestMarketerDay(t *testing.T) {
	root := e2etest.RepoRoot(t)
	e2etest.RequireNodeCommands(t, "node")
	e2etest.RequireSDKPackages(t, "playwright-core")
	e2etest.RequireChromium(t)

	pages := httptest.NewServer(shopSite(root))
	defer pages.Close()
	s := e2etest.StartInappd(t, e2etest.Config{
		RootID: "AKIACONSOLETESTROOT0", RootSecret: "console-test-root-secret-0000000000000000",
		CORSOrigins: []string{pages.URL},
	})

	artifacts := e2etest.ArtifactsDir(t)
	conf, _ := json.Marshal(map[string]string{
		"inappd": s.URL, "origin": pages.URL, "rootId": s.RootID, "rootSecret": s.RootSecret,
		"artifacts": artifacts, "chromium": e2etest.ChromiumPath, "sdkDir": e2etest.SDKDir(t),
	})
	start := time.Now()
	out, runErr := e2etest.Run(90*time.Second, root, []string{"E2E_CONFIG=" + string(conf)}, "node", filepath.Join("test", "console", "e2e.mjs"))
	var res struct {
		AppID      string   `json:"appId"`
		CampaignID string   `json:"campaignId"`
		EndpointID string   `json:"endpointId"`
		KeyID      string   `json:"keyId"`
		Steps      []string `json:"steps"`
		Quiet      []string `json:"quiet"`
		Problems   []string `json:"problems"`
	}
	for _, l := range strings.Split(out, "\n") {
		if r, ok := strings.CutPrefix(l, "E2E_RESULT "); ok {
			if err := json.Unmarshal([]byte(r), &res); err != nil {
				t.Fatalf("E2E_RESULT: %v", err)
			}
		}
	}
	t.Logf("browser walk: %v, %d screenshots in %s", time.Since(start).Round(100*time.Millisecond), len(res.Steps), filepath.Join(artifacts, "console"))
	if runErr != nil {
		t.Fatalf("%v; output:\n%s", runErr, out)
	}
	if testing.Verbose() {
		t.Log(out)
	}
	if res.AppID == "" || res.CampaignID == "" || res.EndpointID == "" {
		t.Fatalf("the walk reported no app, campaign or endpoint; output:\n%s", out)
	}

	// ---- What landed on the server ----
	api := func(method, path string) map[string]any {
		t.Helper()
		status, b, err := s.Call(t.Context(), method, path, nil)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		var m map[string]any
		if len(b) > 0 {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, b)
			}
		}
		if status != http.StatusOK {
			t.Fatalf("%s %s: %d %v", method, path, status, m)
		}
		return m
	}
	camp := api("GET", "/v1/apps/"+res.AppID+"/campaigns/"+res.CampaignID)
	want := map[string]any{
		"Name": "Summer sale", "Priority": 1.0,
		"TemplateConfiguration.InAppTemplate.Name":                         "summer-sale",
		"Schedule.StartTime":                                               "IMMEDIATE",
		"Schedule.Frequency":                                               "IN_APP_EVENT",
		"Schedule.EventFilter.FilterType":                                  "ENDPOINT",
		"Schedule.EventFilter.Dimensions.EventType.Values.0":               "add_to_cart",
		"Schedule.EventFilter.Dimensions.Metrics.price.Value":              100.0,
		"Schedule.EventFilter.Dimensions.Metrics.price.ComparisonOperator": "GREATER_THAN",
		"Limits.Daily":         3.0,
		"Limits.Total":         10.0,
		"State.CampaignStatus": "EXECUTING",
	}
	for path, v := range want {
		if got := dig(camp, path); got != v {
			t.Errorf("campaign %s = %v, want %v", path, got, v)
		}
	}
	if len(res.Quiet) != 2 || dig(camp, "Schedule.QuietTime.Start") != res.Quiet[0] || dig(camp, "Schedule.QuietTime.End") != res.Quiet[1] {
		t.Errorf("campaign QuietTime = %v, want %v", dig(camp, "Schedule.QuietTime"), res.Quiet)
	}
	if seg, _ := camp["SegmentId"].(string); seg == "" {
		t.Errorf("the campaign has no segment: %v", camp)
	} else if got := dig(api("GET", "/v1/apps/"+res.AppID+"/segments/"+seg), "Dimensions.UserAttributes.plan.Values.0"); got != "gold" {
		t.Errorf("segment rule plan = %v, want gold", got)
	}
	if got := dig(api("GET", "/v1/templates/summer-sale/inapp"), "Content.0.PrimaryBtn.DefaultConfig.Link"); got != "#sale" {
		t.Errorf("template primary button link = %v, want #sale", got)
	}
	if !strings.HasPrefix(res.KeyID, "AK") {
		t.Errorf("client key ID %q", res.KeyID)
	}

	stats := api("GET", "/inappd/v1/apps/"+res.AppID+"/analytics?campaign-id="+res.CampaignID)
	for k, v := range map[string]float64{"Displayed": 1, "Clicked": 1, "Dismissed": 0, "UniqueEndpoints": 1} {
		if got := dig(stats, "Totals."+k); got != v {
			t.Errorf("analytics Totals.%s = %v, want %v", k, got, v)
		}
	}
	evs := api("GET", "/inappd/v1/apps/"+res.AppID+"/endpoints/"+url.PathEscape(res.EndpointID)+"/events?limit=50")
	types := map[string]int{}
	for _, e := range dig(evs, "Events").([]any) {
		types[e.(map[string]any)["EventType"].(string)]++
	}
	for _, typ := range []string{"add_to_cart", "_inapp.message_displayed", "_inapp.message_clicked"} {
		if types[typ] != 1 {
			t.Errorf("%d %s events from the shop endpoint, want 1 (all: %v)", types[typ], typ, types)
		}
	}
}

// dig follows a dotted path (map keys, list indexes) through decoded JSON.
func dig(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// shopSite serves the shop page, the SDK's ES module (the one the console
// embeds, which test/websdk keeps byte-identical to a fresh sdk/web build)
// and the demo shop's stylesheet, from an origin other than inappd's,
// every response with a strict CSP.
func shopSite(root string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/shop/", http.StripPrefix("/shop/", http.FileServer(http.Dir(filepath.Join(root, "test", "console", "shop")))))
	mux.Handle("/examples/web/", http.StripPrefix("/examples/web/", http.FileServer(http.Dir(filepath.Join(root, "examples", "web")))))
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/sdk/inappd.mjs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, filepath.Join(root, "console", "static", "vendor", "inappd.mjs"))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", shopCSP)
		w.Header().Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}
