package storetest

import (
	"fmt"
	"testing"

	inapp "github.com/inappd/inappd"
)

var appTests = []test{
	{"CreateGetRoundTrip", testAppRoundTrip},
	{"CreateDuplicateConflicts", testAppDuplicate},
	{"MissingAppNotFound", testAppMissing},
	{"ListPagination", testAppListPagination},
	{"ListDefaultPageSize", testAppListDefaultPageSize},
	{"Delete", testAppDelete},
	{"DeleteCascades", testAppDeleteCascades},
	{"Settings", testAppSettings},
	{"SettingsOfMissingApp", testAppSettingsMissingApp},
}

func testAppRoundTrip(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	got, err := s.GetApp(t.Context(), app.ID)
	must(t, "GetApp", err)
	sameJSON(t, "GetApp", got, app)
}

func testAppDuplicate(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	err := s.CreateApp(t.Context(), appDoc(app.ID, "another name"))
	wantCode(t, "CreateApp with an existing ID", err, inapp.ECONFLICT)
	got, err := s.GetApp(t.Context(), app.ID)
	must(t, "GetApp", err)
	sameJSON(t, "app after a conflicting create", got, app)
}

func testAppMissing(t *testing.T, s inapp.Store) {
	_, err := s.GetApp(t.Context(), "missing")
	wantCode(t, "GetApp", err, inapp.ENOTFOUND)
	_, err = s.DeleteApp(t.Context(), "missing")
	wantCode(t, "DeleteApp", err, inapp.ENOTFOUND)
}

func testAppListPagination(t *testing.T, s inapp.Store) {
	list := func(p inapp.Page) ([]*inapp.App, string, error) { return s.ListApps(t.Context(), p) }
	wantSizes(t, "ListApps of no apps", allPages(t, "ListApps", 2, list), 0)

	var want []string
	for i := range 5 {
		app := appDoc(fmt.Sprintf("app-%d-%s", i, inapp.NewID()), fmt.Sprint("App ", i))
		must(t, "CreateApp", s.CreateApp(t.Context(), app))
		want = append(want, app.ID)
	}
	pages := allPages(t, "ListApps", 2, list)
	wantSizes(t, "ListApps size 2", pages, 2, 2, 1)
	sameIDs(t, "ListApps in creation order", flatten(pages), appID, want...)

	// A full last page still ends with "", not with a token to an empty page.
	wantSizes(t, "ListApps size 5", allPages(t, "ListApps", 5, list), 5)
	wantSizes(t, "ListApps size 10", allPages(t, "ListApps", 10, list), 5)

	// Deleting an app does not disturb paging through the others.
	_, err := s.DeleteApp(t.Context(), want[2])
	must(t, "DeleteApp", err)
	pages = allPages(t, "ListApps after a delete", 2, list)
	wantSizes(t, "ListApps after a delete", pages, 2, 2)
	sameIDs(t, "ListApps after a delete", flatten(pages), appID, want[0], want[1], want[3], want[4])
	all := flatten(pages)
	sameJSON(t, "listed app", all[0], appDoc(want[0], "App 0"))
}

func testAppListDefaultPageSize(t *testing.T, s inapp.Store) {
	for range 101 {
		newApp(t, s)
	}
	items, next, err := s.ListApps(t.Context(), inapp.Page{})
	must(t, "ListApps", err)
	if len(items) != 100 || next == "" {
		t.Fatalf("ListApps with Size 0: %d apps and next token %q, want 100 and a token", len(items), next)
	}
	items, next, err = s.ListApps(t.Context(), inapp.Page{Token: next})
	must(t, "ListApps page 2", err)
	if len(items) != 1 || next != "" {
		t.Fatalf("ListApps page 2: %d apps and next token %q, want 1 and \"\"", len(items), next)
	}
}

func testAppDelete(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	got, err := s.DeleteApp(t.Context(), app.ID)
	must(t, "DeleteApp", err)
	sameJSON(t, "DeleteApp returns the app", got, app)
	_, err = s.GetApp(t.Context(), app.ID)
	wantCode(t, "GetApp after DeleteApp", err, inapp.ENOTFOUND)
	_, err = s.DeleteApp(t.Context(), app.ID)
	wantCode(t, "DeleteApp twice", err, inapp.ENOTFOUND)
}

// fillApp gives an app one of everything that belongs to it.
func fillApp(t *testing.T, s inapp.Store, appID string) {
	t.Helper()
	ctx := t.Context()
	must(t, "PutAppSettings", s.PutAppSettings(ctx, settingsDoc(appID)))
	must(t, "UpdateEndpoints", s.UpdateEndpoints(ctx, appID, []string{"ep"}, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		return endpointDoc(appID, id, "user"), nil
	}))
	must(t, "PutSegment", s.PutSegment(ctx, segmentDoc(appID, "seg", 1, "Segment")))
	must(t, "PutCampaign", s.PutCampaign(ctx, campaignDoc(appID, "camp", 1, "Campaign")))
	_, err := s.RecordEvents(ctx, []*inapp.EventRecord{
		eventRecord(appID, "ep", "ev", inapp.EventDisplayed, "camp", "2025-06-01", 0),
	})
	must(t, "RecordEvents", err)
	must(t, "CreateKey", s.CreateKey(ctx, accessKeyDoc("key-"+appID, appID)))
}

// wantFilled checks what fillApp wrote is all there.
func wantFilled(t *testing.T, s inapp.Store, appID string) {
	t.Helper()
	ctx := t.Context()
	settings, err := s.GetAppSettings(ctx, appID)
	must(t, "GetAppSettings", err)
	sameJSON(t, "settings", settings, settingsDoc(appID))
	_, err = s.GetEndpoint(ctx, appID, "ep")
	must(t, "GetEndpoint", err)
	_, err = s.GetSegment(ctx, appID, "seg", 0)
	must(t, "GetSegment", err)
	_, err = s.GetCampaign(ctx, appID, "camp", 0)
	must(t, "GetCampaign", err)
	events, err := s.ListEvents(ctx, appID, "ep", 10)
	must(t, "ListEvents", err)
	counts, err := s.CapCounts(ctx, appID, "ep", "2025-06-01")
	must(t, "CapCounts", err)
	if len(events) != 1 || counts["camp"] != (inapp.CapCount{Total: 1, Day: 1}) {
		t.Errorf("app %s: %d events and counts %v, want 1 event and camp {1 1}", appID, len(events), counts)
	}
	_, err = s.GetKey(ctx, "key-"+appID)
	must(t, "GetKey", err)
}

func testAppDeleteCascades(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	doomed, kept := newApp(t, s), newApp(t, s)
	fillApp(t, s, doomed.ID)
	fillApp(t, s, kept.ID)
	must(t, "CreateKey root", s.CreateKey(ctx, accessKeyDoc("root", "")))

	_, err := s.DeleteApp(ctx, doomed.ID)
	must(t, "DeleteApp", err)

	_, err = s.GetAppSettings(ctx, doomed.ID)
	wantCode(t, "GetAppSettings of a deleted app", err, inapp.ENOTFOUND)
	_, err = s.GetEndpoint(ctx, doomed.ID, "ep")
	wantCode(t, "GetEndpoint of a deleted app", err, inapp.ENOTFOUND)
	_, err = s.GetSegment(ctx, doomed.ID, "seg", 0)
	wantCode(t, "GetSegment of a deleted app", err, inapp.ENOTFOUND)
	_, err = s.GetSegment(ctx, doomed.ID, "seg", 1)
	wantCode(t, "GetSegment version 1 of a deleted app", err, inapp.ENOTFOUND)
	_, err = s.GetCampaign(ctx, doomed.ID, "camp", 0)
	wantCode(t, "GetCampaign of a deleted app", err, inapp.ENOTFOUND)
	_, err = s.GetKey(ctx, "key-"+doomed.ID)
	wantCode(t, "GetKey of a deleted app's client key", err, inapp.ENOTFOUND)

	// The same ID again starts from nothing: no row of the old app lingers.
	must(t, "CreateApp again", s.CreateApp(ctx, appDoc(doomed.ID, "reborn")))
	settings, err := s.GetAppSettings(ctx, doomed.ID)
	must(t, "GetAppSettings", err)
	sameJSON(t, "settings of the re-created app", settings, &inapp.AppSettings{ApplicationID: doomed.ID})
	for what, n := range map[string]func() (int, error){
		"UserEndpoints": func() (int, error) { es, err := s.UserEndpoints(ctx, doomed.ID, "user"); return len(es), err },
		"ListSegments":  func() (int, error) { ss, _, err := s.ListSegments(ctx, doomed.ID, inapp.Page{}); return len(ss), err },
		"AllSegments":   func() (int, error) { ss, err := s.AllSegments(ctx, doomed.ID); return len(ss), err },
		"ListCampaigns": func() (int, error) { cs, _, err := s.ListCampaigns(ctx, doomed.ID, inapp.Page{}); return len(cs), err },
		"AllCampaigns":  func() (int, error) { cs, err := s.AllCampaigns(ctx, doomed.ID); return len(cs), err },
		"ListEvents":    func() (int, error) { es, err := s.ListEvents(ctx, doomed.ID, "ep", 10); return len(es), err },
		"CapCounts":     func() (int, error) { cs, err := s.CapCounts(ctx, doomed.ID, "ep", "2025-06-01"); return len(cs), err },
		"ListKeys":      func() (int, error) { ks, err := s.ListKeys(ctx, doomed.ID); return len(ks), err },
		"ScanEndpoints": func() (int, error) {
			n := 0
			err := s.ScanEndpoints(ctx, doomed.ID, func(*inapp.Endpoint) bool { n++; return true })
			return n, err
		},
	} {
		if got, err := n(); err != nil || got != 0 {
			t.Errorf("%s of the re-created app: %d items, %v; want none", what, got, err)
		}
	}
	if at, err := s.EndpointActivity(ctx, doomed.ID, "ep"); err != nil || !at.IsZero() {
		t.Errorf("EndpointActivity of the re-created app: %v, %v; want zero time", at, err)
	}
	// The deleted event is gone, so the same event ID is new again.
	fresh, err := s.RecordEvents(ctx, []*inapp.EventRecord{
		eventRecord(doomed.ID, "ep", "ev", inapp.EventDisplayed, "camp", "2025-06-01", 0),
	})
	must(t, "RecordEvents", err)
	if !fresh[0] {
		t.Errorf("RecordEvents after DeleteApp: event reported as already stored")
	}

	wantFilled(t, s, kept.ID)
	_, err = s.GetKey(ctx, "root")
	must(t, "GetKey root after DeleteApp", err)
}

func testAppSettings(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	got, err := s.GetAppSettings(ctx, app.ID)
	must(t, "GetAppSettings", err)
	sameJSON(t, "settings never written", got, &inapp.AppSettings{ApplicationID: app.ID})

	want := settingsDoc(app.ID)
	must(t, "PutAppSettings", s.PutAppSettings(ctx, want))
	got, err = s.GetAppSettings(ctx, app.ID)
	must(t, "GetAppSettings", err)
	sameJSON(t, "settings", got, want)

	// A put replaces the document whole.
	want = &inapp.AppSettings{ApplicationID: app.ID, Limits: &inapp.CampaignLimits{Daily: intp(9)}}
	must(t, "PutAppSettings again", s.PutAppSettings(ctx, want))
	got, err = s.GetAppSettings(ctx, app.ID)
	must(t, "GetAppSettings", err)
	sameJSON(t, "replaced settings", got, want)
}

func testAppSettingsMissingApp(t *testing.T, s inapp.Store) {
	_, err := s.GetAppSettings(t.Context(), "missing")
	wantCode(t, "GetAppSettings", err, inapp.ENOTFOUND)
	err = s.PutAppSettings(t.Context(), settingsDoc("missing"))
	wantCode(t, "PutAppSettings", err, inapp.ENOTFOUND)
}
