//go:build unix

package websdk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/e2etest"
	"github.com/inappd/inappd/sqlite"
)

const csp = "script-src 'self'; style-src 'self'"

// TestBrowser is the end-to-end suite: the SDK and the real Amplify client
// in headless Chromium against a real inappd. See sdk/web/e2e/run.mjs for
// what each scenario does in the browser; this side sets up the server and
// checks what landed on it.
func TestBrowser(t *testing.T) {
	requireNode(t)
	e2etest.RequireChromium(t)
	buildSDK(t)

	root := e2etest.RepoRoot(t)
	gen := t.TempDir()
	pages := httptest.NewServer(staticSite(root, gen))
	defer pages.Close()
	origin := pages.URL                                               // http://127.0.0.1:<port>
	altOrigin := strings.Replace(origin, "127.0.0.1", "localhost", 1) // same files, an origin inappd does not allow

	s := e2etest.StartInappd(t, e2etest.Config{
		RootID: "AKIAWEBSDKTESTROOT00", RootSecret: "websdk-test-root-secret-000000000000000000",
		CORSOrigins: []string{origin},
	})
	pc := pinpointClient(s)
	ctx := t.Context()

	apps := map[string]app{}
	for _, name := range []string{"layouts", "flow", "amplify", "demo"} {
		apps[name] = createApp(t, s, pc, "websdk-"+name)
	}
	img := origin + "/examples/web/img/"
	camps := map[string]string{}
	add := func(appName, key string, req string) {
		camps[key] = createCampaign(t, pc, apps[appName].AppID, req)
	}

	// One campaign per layout, triggered by show_<key>.
	add("layouts", "top", campaignJSON("top", "show_top", "TOP_BANNER", nil, 0, nil,
		card("#FFFFFF", "Free shipping this weekend", "#161824", "On every order over $75, no code needed. Ends Sunday.", "#5B6072", "LEFT", img+"app.svg",
			button("LINK", "Shop now", "https://example.com/shop", "#4F46E5", "#FFFFFF", 10), nil)))
	add("layouts", "middle", campaignJSON("middle", "show_middle", "MIDDLE_BANNER", nil, 0, nil,
		card("#FFF7ED", "Your cart misses you", "#9A3412", "Complete your order in the next hour and get 10% off.", "#7C2D12", "LEFT", "",
			withWeb(button("LINK", "Back to cart", "https://example.com/cart", "#EA580C", "#FFFFFF", 10), "DEEP_LINK", "#cart"),
			button("CLOSE", "Later", "", "", "", 10))))
	add("layouts", "bottom", campaignJSON("bottom", "show_bottom", "BOTTOM_BANNER", nil, 0, nil,
		card("#0F172A", "Get the Acme app", "#FFFFFF", "Track your orders and get app-only deals.", "#CBD5E1", "LEFT", img+"app.svg",
			button("LINK", "Install", "https://example.com/app", "#22C55E", "#052E16", 10), button("CLOSE", "Not now", "", "", "", 10))))
	add("layouts", "overlays", campaignJSON("overlays", "show_overlays", "OVERLAYS", nil, 0, nil,
		card("#FDF2F8", "The Summit Sale", "#831843", "Up to 50% off tents, jackets and packs. Ends Sunday at midnight.", "#9D174D", "CENTER", img+"summit.svg",
			button("LINK", "Shop the sale", "https://example.com/sale", "#DB2777", "#FFFFFF", 24), button("CLOSE", "Not now", "", "", "", 24))))
	add("layouts", "feed", campaignJSON("feed", "show_feed", "MOBILE_FEED", nil, 0, map[string]string{"coupon": "WELCOME15"},
		card("#FFFFFF", "Welcome to Acme Outdoor", "#161824", "Here is 15% off your first order with code WELCOME15.", "#5B6072", "CENTER", img+"camp.svg",
			button("DEEP_LINK", "Start shopping", "#shop", "#4F46E5", "#FFFFFF", 12), button("CLOSE", "Not now", "", "", "", 12))))
	add("layouts", "carousel", campaignJSON("carousel", "show_carousel", "CAROUSEL", nil, 0, nil,
		card("#FFFFFF", "New arrivals", "#161824", "Fresh gear for the new season, in stores and online.", "#5B6072", "LEFT", img+"summit.svg",
			button("LINK", "See what's new", "https://example.com/new", "#4F46E5", "#FFFFFF", 12), nil),
		card("#0F172A", "Best sellers", "#FFFFFF", "The tents and lanterns everyone takes camping this year.", "#CBD5E1", "LEFT", img+"camp.svg",
			button("LINK", "Shop best sellers", "https://example.com/best", "#F59E0B", "#1C1917", 12), nil),
		card("#ECFDF5", "Gift cards", "#064E3B", "Not sure what they want? Let them choose.", "#065F46", "LEFT", img+"gift.svg",
			button("LINK", "Send a gift card", "https://example.com/gift", "#059669", "#FFFFFF", 12), nil)))
	add("layouts", "broken", campaignJSON("broken", "show_broken", "MOBILE_FEED", nil, 0, nil,
		card("#FFFFFF", "No picture, no problem", "#161824", "This message's image does not load, so it shows without it.", "#5B6072", "CENTER", origin+"/img/missing.png",
			button("CLOSE", "Got it", "", "#161824", "#FFFFFF", 12), nil)))

	// The flow: caps, clicks, dismissals, sessions, offline.
	add("flow", "promo", campaignJSON("promo", "add_to_cart", "MOBILE_FEED", map[string]int{"Total": 1}, 1, nil,
		card("#FFFFFF", "Summer sale", "#161824", "Everything 20% off today.", "#5B6072", "CENTER", img+"summit.svg",
			button("LINK", "Go to the sale", origin+"/sdk/web/e2e/pages/landing.html", "#DB2777", "#FFFFFF", 12), button("CLOSE", "No thanks", "", "", "", 12))))
	add("flow", "banner", campaignJSON("banner", "view_item", "TOP_BANNER", map[string]int{"Daily": 1}, 2, nil,
		card("#FFFFFF", "Only 3 left", "#161824", "This item sells fast.", "#5B6072", "LEFT", "", nil, nil)))
	add("flow", "session", campaignJSON("session", "checkout", "BOTTOM_BANNER", map[string]int{"Session": 1, "Total": 5}, 3, nil,
		card("#0F172A", "Need help checking out?", "#FFFFFF", "Chat with us, we answer in minutes.", "#CBD5E1", "LEFT", "",
			button("LINK", "Chat", "https://example.com/chat", "#22C55E", "#052E16", 10), button("CLOSE", "No thanks", "", "", "", 10))))
	add("flow", "retry", campaignJSON("retry", "show_retry", "MOBILE_FEED", map[string]int{"Total": 2}, 4, nil,
		card("#FFFFFF", "Counted once", "#161824", "Even when the answer to PutEvents is lost.", "#5B6072", "CENTER", "", button("CLOSE", "OK", "", "", "", 12), nil)))

	// Amplify.
	add("amplify", "amplify", campaignJSON("amplify", "amp_purchase", "MOBILE_FEED", map[string]int{"Total": 1}, 1, map[string]string{"from": "inappd"},
		card("#FFFFFF", "Amplify, meet inappd", "#161824", "The Amplify client, unchanged, talking to a self-hosted server.", "#5B6072", "CENTER", "",
			button("CLOSE", "Nice", "", "#4F46E5", "#FFFFFF", 12), nil)))

	// The demo shop's own campaigns (examples/web/campaigns.json, as setup.sh creates them).
	demo, err := os.ReadFile(filepath.Join(root, "examples", "web", "campaigns.json"))
	if err != nil {
		t.Fatal(err)
	}
	var demoCamps []json.RawMessage
	if err := json.Unmarshal(demo, &demoCamps); err != nil {
		t.Fatalf("examples/web/campaigns.json: %v", err)
	}
	for i, c := range demoCamps {
		add("demo", fmt.Sprintf("demo%d", i), string(c))
	}

	artifacts := e2etest.ArtifactsDir(t)
	conf, _ := json.Marshal(map[string]any{
		"inappd": s.URL, "origin": origin, "altOrigin": altOrigin, "region": e2etest.Region,
		"artifacts": artifacts, "genDir": gen, "chromium": e2etest.ChromiumPath,
		"apps": apps, "campaigns": camps,
	})
	out := e2etest.MustRun(t, 4*time.Minute, e2etest.SDKDir(t), []string{"E2E_CONFIG=" + string(conf)}, "node", "e2e/run.mjs")
	var res struct {
		Endpoints map[string]string `json:"endpoints"`
	}
	for _, l := range lines(out) {
		if r, ok := strings.CutPrefix(l, "E2E_RESULT "); ok {
			if err := json.Unmarshal([]byte(r), &res); err != nil {
				t.Fatalf("E2E_RESULT: %v", err)
			}
		} else if testing.Verbose() || strings.Contains(l, "PASS") {
			t.Log(l)
		}
	}
	t.Logf("screenshots: %s", filepath.Join(artifacts, "websdk"))
	for _, name := range []string{"layouts", "flow", "offline", "amplify", "demo"} {
		if res.Endpoints[name] == "" {
			t.Fatalf("no endpoint reported for scenario %s; output:\n%s", name, out)
		}
	}

	// ---- What landed on the server ----
	db, err := sqlite.Open(ctx, filepath.Join(s.DataDir, "inappd.db"))
	if err != nil {
		t.Fatalf("open the server's database: %v", err)
	}
	defer db.Close()
	events := func(appName, endpoint string) []*inapp.EventRecord {
		t.Helper()
		evs, err := db.ListEvents(ctx, apps[appName].AppID, endpoint, 1000)
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		return evs
	}
	live := func(appName, endpoint string) map[string]bool {
		t.Helper()
		out, err := pc.GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(apps[appName].AppID), EndpointId: aws.String(endpoint)})
		if err != nil {
			t.Fatalf("GetInAppMessages: %v", err)
		}
		ids := map[string]bool{}
		for _, c := range out.InAppMessagesResponse.InAppMessageCampaigns {
			ids[aws.ToString(c.CampaignId)] = true
		}
		return ids
	}

	t.Run("layouts", func(t *testing.T) {
		evs := events("layouts", res.Endpoints["layouts"])
		for _, k := range []string{"top", "middle", "bottom", "overlays", "feed", "carousel", "broken"} {
			if n := count(evs, "_inapp.message_displayed", camps[k], nil); n < 1 {
				t.Errorf("%s: %d displayed events on the server", k, n)
			}
		}
		want := map[string]string{"button": "primary", "button_action": "DEEP_LINK", "button_url": "#cart", "card_index": "0", "treatment_id": "0", "delivery_type": "IN_APP_MESSAGE"}
		if n := count(evs, "_inapp.message_clicked", camps["middle"], want); n != 1 {
			t.Errorf("middle banner: %d clicked events with %v, want 1", n, want)
		}
		if n := count(evs, "_inapp.message_dismissed", camps["carousel"], nil); n < 1 {
			t.Errorf("carousel: no dismissed event")
		}
	})

	t.Run("click, dismiss, caps", func(t *testing.T) {
		ep := res.Endpoints["flow"]
		evs := events("flow", ep)
		checks := []struct {
			typ, camp string
			attrs     map[string]string
			want      int
		}{
			{"_inapp.message_displayed", "promo", map[string]string{"treatment_id": "0", "delivery_type": "IN_APP_MESSAGE"}, 1},
			{"_inapp.message_clicked", "promo", map[string]string{"button": "primary", "button_action": "LINK", "card_index": "0"}, 1},
			{"_inapp.message_dismissed", "promo", nil, 0},
			{"_inapp.message_displayed", "banner", nil, 1},
			{"_inapp.message_dismissed", "banner", map[string]string{"treatment_id": "0", "delivery_type": "IN_APP_MESSAGE"}, 1},
			{"_inapp.message_displayed", "session", nil, 2},
			{"_inapp.message_dismissed", "session", nil, 1},
			{"_inapp.message_clicked", "session", map[string]string{"button": "secondary", "button_action": "CLOSE"}, 1},
		}
		for _, c := range checks {
			if n := count(evs, c.typ, camps[c.camp], c.attrs); n != c.want {
				t.Errorf("%s %s %v: %d on the server, want %d", c.camp, c.typ, c.attrs, n, c.want)
			}
		}
		if n := count(evs, "add_to_cart", "", map[string]string{"sku": "TR-200", "category": "trail-shoes"}); n != 1 {
			t.Errorf("the app's add_to_cart event: %d, want 1", n)
		}
		if n := count(evs, "_session.start", "", nil); n < 2 {
			t.Errorf("_session.start: %d, want at least 2", n)
		}
		if n := count(evs, "_session.stop", "", nil); n < 1 {
			t.Errorf("_session.stop: %d, want at least 1", n)
		}
		for _, e := range evs {
			if e.Event.Session == nil || e.Event.Session.ID == "" {
				t.Errorf("event %s (%s) has no session", e.EventID, e.Event.EventType)
			}
		}
		ids := live("flow", ep)
		if ids[camps["promo"]] || ids[camps["banner"]] {
			t.Errorf("GetInAppMessages still returns a capped campaign (promo Total 1: %v, banner Daily 1: %v)", ids[camps["promo"]], ids[camps["banner"]])
		}
		if !ids[camps["session"]] || !ids[camps["retry"]] {
			t.Errorf("GetInAppMessages lost a campaign under its caps: %v", ids)
		}
	})

	t.Run("offline and retries count once", func(t *testing.T) {
		ep := res.Endpoints["offline"]
		evs := events("flow", ep)
		for _, n := range []string{"1", "2", "3"} {
			if c := count(evs, "offline_event", "", map[string]string{"n": n}); c != 1 {
				t.Errorf("offline_event n=%s: %d on the server, want exactly 1", n, c)
			}
		}
		if c := count(evs, "retry_event", "", nil); c != 1 {
			t.Errorf("retry_event: %d on the server, want exactly 1 (its batch was sent twice)", c)
		}
		if c := count(evs, "keepalive_event", "", nil); c != 1 {
			t.Errorf("keepalive_event (sent with fetch keepalive): %d, want 1", c)
		}
		if c := count(evs, "_inapp.message_displayed", camps["retry"], nil); c != 1 {
			t.Errorf("retry campaign displayed: %d, want 1", c)
		}
		if !live("flow", ep)[camps["retry"]] {
			t.Errorf("the retry campaign (TotalCap 2) is capped: its display was counted twice")
		}
	})

	t.Run("amplify", func(t *testing.T) {
		ep := res.Endpoints["amplify"]
		evs := events("amplify", ep)
		want := map[string]string{"treatment_id": "0", "delivery_type": "IN_APP_MESSAGE"}
		for _, typ := range []string{"_inapp.message_displayed", "_inapp.message_clicked", "_inapp.message_dismissed"} {
			if n := count(evs, typ, camps["amplify"], want); n != 1 {
				t.Errorf("Amplify %s: %d on the server, want 1", typ, n)
			}
		}
		if live("amplify", ep)[camps["amplify"]] {
			t.Errorf("GetInAppMessages still returns the Amplify campaign after its TotalCap of 1")
		}
		got, err := pc.GetEndpoint(ctx, &pinpoint.GetEndpointInput{ApplicationId: aws.String(apps["amplify"].AppID), EndpointId: aws.String(ep)})
		if err != nil {
			t.Fatalf("GetEndpoint: %v", err)
		}
		e := got.EndpointResponse
		if e.ChannelType != types.ChannelTypeInApp || e.User == nil || aws.ToString(e.User.UserId) != "amp-user-1" ||
			len(e.Attributes["email"]) != 1 || e.Attributes["email"][0] != "amp@example.com" {
			t.Errorf("identifyUser did not land: channel %s, user %+v, attributes %v", e.ChannelType, e.User, e.Attributes)
		}
	})

	t.Run("demo", func(t *testing.T) {
		evs := events("demo", res.Endpoints["demo"])
		if n := count(evs, "_inapp.message_displayed", "", nil); n < 5 {
			t.Errorf("demo: %d displayed events, want 5", n)
		}
		if n := count(evs, "add_to_cart", "", nil); n != 2 {
			t.Errorf("demo: %d add_to_cart events, want 2", n)
		}
	})
}

// count counts events of a type (for a campaign, when given) whose
// attributes include attrs.
func count(evs []*inapp.EventRecord, typ, campaign string, attrs map[string]string) int {
	n := 0
next:
	for _, e := range evs {
		if e.Event.EventType != typ || (campaign != "" && e.Event.Attributes["campaign_id"] != campaign) {
			continue
		}
		for k, v := range attrs {
			if e.Event.Attributes[k] != v {
				continue next
			}
		}
		n++
	}
	return n
}

// staticSite serves the pages from the repository (another origin than
// inappd's), every response with the strict CSP.
func staticSite(root, gen string) http.Handler {
	mux := http.NewServeMux()
	for prefix, dir := range map[string]string{
		"/sdk/web/dist/":      filepath.Join(root, "sdk", "web", "dist"),
		"/sdk/web/e2e/pages/": filepath.Join(root, "sdk", "web", "e2e", "pages"),
		"/examples/web/":      filepath.Join(root, "examples", "web"),
		"/gen/":               gen,
	} {
		mux.Handle(prefix, http.StripPrefix(prefix, http.FileServer(http.Dir(dir))))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}

// ---------------------------------------------------------------------------
// Setting up the server, as an operator would.

type app struct {
	AppID  string `json:"appId"`
	KeyID  string `json:"keyId"`
	Secret string `json:"secret"`
}

func pinpointClient(s *e2etest.Server) *pinpoint.Client {
	return pinpoint.New(pinpoint.Options{
		Region:       e2etest.Region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(s.RootID, s.RootSecret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// createApp creates an app and a client key for it
// (POST /inappd/v1/apps/{id}/keys, signed with the root key).
func createApp(t *testing.T, s *e2etest.Server, pc *pinpoint.Client, name string) app {
	t.Helper()
	out, err := pc.CreateApp(t.Context(), &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String(name)}})
	if err != nil {
		t.Fatalf("CreateApp: %v", err)
	}
	id := aws.ToString(out.ApplicationResponse.Id)
	status, b, err := s.Call(t.Context(), "POST", "/inappd/v1/apps/"+id+"/keys", []byte(`{"Description":"websdk e2e"}`))
	if err != nil {
		t.Fatalf("create client key: %v", err)
	}
	if status != http.StatusCreated {
		t.Fatalf("create client key: %d %s", status, b)
	}
	var k struct{ AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal(b, &k); err != nil || k.AccessKeyId == "" || k.SecretAccessKey == "" {
		t.Fatalf("create client key: %v %s", err, b)
	}
	return app{AppID: id, KeyID: k.AccessKeyId, Secret: k.SecretAccessKey}
}

// createCampaign creates a campaign from a WriteCampaignRequest in JSON
// (the wire's field names, which the SDK's types carry too).
func createCampaign(t *testing.T, pc *pinpoint.Client, appID, req string) string {
	t.Helper()
	var w types.WriteCampaignRequest
	if err := json.Unmarshal([]byte(req), &w); err != nil {
		t.Fatalf("campaign JSON: %v\n%s", err, req)
	}
	out, err := pc.CreateCampaign(context.Background(), &pinpoint.CreateCampaignInput{ApplicationId: aws.String(appID), WriteCampaignRequest: &w})
	if err != nil {
		t.Fatalf("CreateCampaign %s: %v", aws.ToString(w.Name), err)
	}
	return aws.ToString(out.CampaignResponse.Id)
}

type obj = map[string]any

func campaignJSON(name, event, layout string, limits map[string]int, priority int, custom map[string]string, cards ...obj) string {
	c := obj{
		"Name": "websdk-" + name,
		"Schedule": obj{"StartTime": "IMMEDIATE", "Frequency": "IN_APP_EVENT", "EventFilter": obj{
			"FilterType": "ENDPOINT", "Dimensions": obj{"EventType": obj{"DimensionType": "INCLUSIVE", "Values": []string{event}}},
		}},
		"MessageConfiguration": obj{"InAppMessage": obj{"Layout": layout, "Content": cards, "CustomConfig": custom}},
	}
	if limits != nil {
		c["Limits"] = limits
	}
	if priority > 0 {
		c["Priority"] = priority
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func card(bg, header, headerColor, body, bodyColor, align, image string, primary, secondary obj) obj {
	c := obj{
		"BackgroundColor": bg,
		"HeaderConfig":    obj{"Alignment": align, "Header": header, "TextColor": headerColor},
		"BodyConfig":      obj{"Alignment": align, "Body": body, "TextColor": bodyColor},
	}
	if image != "" {
		c["ImageUrl"] = image
	}
	if primary != nil {
		c["PrimaryBtn"] = primary
	}
	if secondary != nil {
		c["SecondaryBtn"] = secondary
	}
	return c
}

func button(action, text, link, bg, fg string, radius int) obj {
	d := obj{"ButtonAction": action, "Text": text, "BorderRadius": radius}
	for k, v := range map[string]string{"Link": link, "BackgroundColor": bg, "TextColor": fg} {
		if v != "" {
			d[k] = v
		}
	}
	return obj{"DefaultConfig": d}
}

func withWeb(b obj, action, link string) obj {
	b["Web"] = obj{"ButtonAction": action, "Link": link}
	return b
}
