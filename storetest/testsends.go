package storetest

import (
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var testSendTests = []test{
	{"PutListReplaceDelete", testTestSends},
	{"MissingParents", testTestSendParents},
	{"GoneWithCampaignAndApp", testTestSendCascade},
}

// testSendAt is a test send created at the given minute after base, for
// an hour.
func testSendAt(appID, campaignID, endpointID string, minute int) *inapp.TestSend {
	at := testSendBase.Add(time.Duration(minute) * time.Minute)
	return &inapp.TestSend{
		ApplicationID: appID, CampaignID: campaignID, EndpointID: endpointID,
		CreationDate: inapp.FormatTime(at), ExpiresAt: inapp.FormatTime(at.Add(inapp.TestSendDuration)),
	}
}

var testSendBase = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func testSendKey(ts *inapp.TestSend) string { return ts.CampaignID + "/" + ts.EndpointID }

func listTestSends(t *testing.T, s inapp.Store, appID, campaignID string, now time.Time) []*inapp.TestSend {
	t.Helper()
	out, err := s.ListTestSends(t.Context(), appID, campaignID, now)
	must(t, "ListTestSends", err)
	return out
}

// testSendFixture makes an app with campaigns c1, c2 and endpoints e1, e2.
func testSendFixture(t *testing.T, s inapp.Store) *inapp.App {
	t.Helper()
	ctx := t.Context()
	app := newApp(t, s)
	for _, id := range []string{"c1", "c2"} {
		must(t, "PutCampaign", s.PutCampaign(ctx, campaignDoc(app.ID, id, 1, "campaign "+id)))
	}
	putEndpoints(t, s, app.ID, endpointDoc(app.ID, "e1", ""), endpointDoc(app.ID, "e2", ""))
	return app
}

func testTestSends(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := testSendFixture(t, s)
	other := testSendFixture(t, s)
	sends := []*inapp.TestSend{
		testSendAt(app.ID, "c2", "e1", 0),
		testSendAt(app.ID, "c1", "e2", 1),
		testSendAt(app.ID, "c1", "e1", 2),
		testSendAt(other.ID, "c1", "e1", 3),
	}
	for _, ts := range sends {
		must(t, "PutTestSend", s.PutTestSend(ctx, ts))
	}
	now := testSendBase.Add(30 * time.Minute)
	all := listTestSends(t, s, app.ID, "", now)
	sameIDs(t, "test sends of the app, oldest first", all, testSendKey, "c2/e1", "c1/e2", "c1/e1")
	sameJSON(t, "listed test send", all[0], sends[0])
	sameIDs(t, "test sends of campaign c1", listTestSends(t, s, app.ID, "c1", now), testSendKey, "c1/e2", "c1/e1")
	sameIDs(t, "test sends of a campaign without any", listTestSends(t, s, other.ID, "c2", now), testSendKey)

	// Expiry: a test send lives until ExpiresAt, exclusive.
	sameIDs(t, "test sends just before the first expires", listTestSends(t, s, app.ID, "", testSendBase.Add(time.Hour-time.Millisecond)), testSendKey, "c2/e1", "c1/e2", "c1/e1")
	sameIDs(t, "test sends once the first expired", listTestSends(t, s, app.ID, "", testSendBase.Add(time.Hour)), testSendKey, "c1/e2", "c1/e1")
	sameIDs(t, "test sends once all expired", listTestSends(t, s, app.ID, "", testSendBase.Add(3*time.Hour)), testSendKey)

	// Sending again replaces: one test send per campaign and endpoint,
	// with the new times (and its new place in creation order).
	again := testSendAt(app.ID, "c2", "e1", 10)
	must(t, "PutTestSend again", s.PutTestSend(ctx, again))
	all = listTestSends(t, s, app.ID, "", now)
	sameIDs(t, "test sends after sending c2/e1 again", all, testSendKey, "c1/e2", "c1/e1", "c2/e1")
	sameJSON(t, "replaced test send", all[2], again)
	sameIDs(t, "the replaced one outlives the first hour", listTestSends(t, s, app.ID, "", testSendBase.Add(time.Hour+5*time.Minute)), testSendKey, "c2/e1")

	must(t, "DeleteTestSend", s.DeleteTestSend(ctx, app.ID, "c1", "e2"))
	sameIDs(t, "test sends after a delete", listTestSends(t, s, app.ID, "", now), testSendKey, "c1/e1", "c2/e1")
	wantCode(t, "DeleteTestSend twice", s.DeleteTestSend(ctx, app.ID, "c1", "e2"), inapp.ENOTFOUND)
	wantCode(t, "DeleteTestSend of one never made", s.DeleteTestSend(ctx, app.ID, "c1", "e9"), inapp.ENOTFOUND)
	sameIDs(t, "the other app's test sends are untouched", listTestSends(t, s, other.ID, "", now), testSendKey, "c1/e1")
}

func testTestSendParents(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := testSendFixture(t, s)
	wantCode(t, "PutTestSend in a missing app", s.PutTestSend(ctx, testSendAt("missing", "c1", "e1", 0)), inapp.ENOTFOUND)
	wantCode(t, "PutTestSend of a missing campaign", s.PutTestSend(ctx, testSendAt(app.ID, "c9", "e1", 0)), inapp.ENOTFOUND)
	wantCode(t, "PutTestSend to a missing endpoint", s.PutTestSend(ctx, testSendAt(app.ID, "c1", "e9", 0)), inapp.ENOTFOUND)
	sameIDs(t, "test sends after refused puts", listTestSends(t, s, app.ID, "", testSendBase), testSendKey)
	_, err := s.ListTestSends(ctx, "missing", "", testSendBase)
	wantCode(t, "ListTestSends of a missing app", err, inapp.ENOTFOUND)
}

func testTestSendCascade(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := testSendFixture(t, s)
	for _, ts := range []*inapp.TestSend{testSendAt(app.ID, "c1", "e1", 0), testSendAt(app.ID, "c2", "e1", 1)} {
		must(t, "PutTestSend", s.PutTestSend(ctx, ts))
	}
	_, err := s.DeleteCampaign(ctx, app.ID, "c1")
	must(t, "DeleteCampaign", err)
	sameIDs(t, "test sends after deleting campaign c1", listTestSends(t, s, app.ID, "", testSendBase), testSendKey, "c2/e1")
	// A campaign made again with the same ID does not inherit them.
	must(t, "PutCampaign again", s.PutCampaign(ctx, campaignDoc(app.ID, "c1", 1, "again")))
	sameIDs(t, "test sends of the re-created campaign", listTestSends(t, s, app.ID, "c1", testSendBase), testSendKey)

	_, err = s.DeleteApp(ctx, app.ID)
	must(t, "DeleteApp", err)
	// Re-created with the same ID: nothing of the old app's test sends is left.
	must(t, "CreateApp again", s.CreateApp(ctx, appDoc(app.ID, "again")))
	must(t, "PutCampaign", s.PutCampaign(ctx, campaignDoc(app.ID, "c2", 1, "again")))
	sameIDs(t, "test sends after DeleteApp", listTestSends(t, s, app.ID, "", testSendBase), testSendKey)
}
