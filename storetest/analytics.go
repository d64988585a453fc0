package storetest

import (
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var analyticsTests = []test{
	{"CountsAndUniques", testRollupCountsAndUniques},
	{"RetriedBatchCountsOnce", testRollupRetries},
	{"ConcurrentRetriesCountOnce", testRollupConcurrentRetries},
	{"DayBucketsAreUTC", testRollupDays},
	{"TreatmentSplit", testRollupTreatments},
	{"AppWideUniques", testRollupAppWide},
	{"OnlyCampaignEvents", testRollupOnlyCampaignEvents},
	{"UniquesOnlyWhereRead", testRollupUniquesKept},
	{"DeleteAppRemovesRows", testRollupDeleteApp},
	{"MissingApp", testRollupMissingApp},
}

// analyticsEvent is an event of eventType for campaign and treatment
// (none when ""), at a given time.
func analyticsEvent(appID, endpointID, eventID, eventType, campaign, treatment string, at time.Time) *inapp.EventRecord {
	r := eventRecord(appID, endpointID, eventID, eventType, campaign, "", 0)
	r.Time = at
	r.Event.Timestamp = inapp.FormatTime(at)
	delete(r.Event.Attributes, inapp.TreatmentIDAttribute)
	if treatment != "" {
		r.Event.Attributes[inapp.TreatmentIDAttribute] = treatment
	}
	return r
}

// nov is noon UTC on a day of November 2026.
func nov(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }

// rollups renders the rows as "day campaign/treatment type count/uniques",
// one per line, in the order the store returned them.
func rollups(t *testing.T, s inapp.Store, appID, campaignID, from, to string) string {
	t.Helper()
	rows, err := s.Rollups(t.Context(), appID, campaignID, from, to)
	must(t, "Rollups", err)
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s %s/%s %s %d/%d\n", r.Day, r.CampaignID, r.TreatmentID, r.EventType, r.Count, r.Uniques)
	}
	return b.String()
}

func wantRollups(t *testing.T, what, got string, want ...string) {
	t.Helper()
	w := strings.Join(want, "\n")
	if w != "" {
		w += "\n"
	}
	if got != w {
		t.Errorf("%s:\n got:\n%s\nwant:\n%s", what, got, w)
	}
}

func uniques(t *testing.T, s inapp.Store, q inapp.UniqueQuery) map[string]int64 {
	t.Helper()
	got, err := s.UniqueEndpoints(t.Context(), q)
	must(t, "UniqueEndpoints", err)
	return got
}

func wantUniques(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func testRollupCountsAndUniques(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	d, c := inapp.EventDisplayed, inapp.EventClicked
	record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "a", "2", d, "camp", "0", nov(20).Add(time.Hour)),
		analyticsEvent(app.ID, "b", "3", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "a", "4", c, "camp", "0", nov(20)),
	)
	// A later batch: a returning endpoint on the same day moves the count
	// but not the uniques; on the next day it is new again that day, and
	// not in the lifetime row.
	record(t, s,
		analyticsEvent(app.ID, "a", "5", d, "camp", "0", nov(20).Add(2*time.Hour)),
		analyticsEvent(app.ID, "a", "6", d, "camp", "0", nov(21)),
		analyticsEvent(app.ID, "c", "7", d, "camp", "0", nov(21)),
	)
	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-01", "2026-11-30"),
		"2026-11-20 camp/0 _inapp.message_clicked 1/1",
		"2026-11-20 camp/0 _inapp.message_displayed 4/2",
		"2026-11-21 camp/0 _inapp.message_displayed 2/2")
	wantRollups(t, "lifetime rollups", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_clicked 1/1",
		"* camp/0 _inapp.message_displayed 6/3")
	wantRollups(t, "one day", rollups(t, s, app.ID, "", "2026-11-21", "2026-11-21"),
		"2026-11-21 camp/0 _inapp.message_displayed 2/2")
	wantRollups(t, "days without data", rollups(t, s, app.ID, "camp", "2026-11-22", "2026-11-30"))

	q := inapp.UniqueQuery{AppID: app.ID, CampaignID: "camp", EventType: d, From: "2026-11-20", To: "2026-11-21"}
	wantUniques(t, "unique displays over two days", uniques(t, s, q), map[string]int64{"": 3})
	q.By = inapp.UniqueByDay
	wantUniques(t, "unique displays by day", uniques(t, s, q), map[string]int64{"2026-11-20": 2, "2026-11-21": 2})
	q.By, q.EventType = inapp.UniqueTotal, c
	wantUniques(t, "unique clicks", uniques(t, s, q), map[string]int64{"": 1})
	q.From, q.To = "2026-11-21", "2026-11-30"
	wantUniques(t, "no clicks in the range", uniques(t, s, q), map[string]int64{})
}

func testRollupRetries(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	d := inapp.EventDisplayed
	batch := []*inapp.EventRecord{
		analyticsEvent(app.ID, "a", "1", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "b", "2", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "b", "3", inapp.EventDismissed, "camp", "0", nov(20)),
	}
	wantFresh(t, "first time", record(t, s, batch...), true, true, true)
	// The client retries the whole batch, then a batch that mixes an old
	// event with a new one, and repeats an event inside one batch.
	wantFresh(t, "retry", record(t, s, batch...), false, false, false)
	wantFresh(t, "mixed retry", record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "c", "4", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "c", "4", d, "camp", "0", nov(20)),
	), false, true, false)
	// Dismissals are counted, but their endpoints are not kept.
	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-20", "2026-11-20"),
		"2026-11-20 camp/0 _inapp.message_dismissed 1/0",
		"2026-11-20 camp/0 _inapp.message_displayed 3/3")
	wantRollups(t, "lifetime", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_dismissed 1/0",
		"* camp/0 _inapp.message_displayed 3/3")
}

func testRollupConcurrentRetries(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	var batch []*inapp.EventRecord
	for i := range 20 {
		batch = append(batch, analyticsEvent(app.ID, fmt.Sprint("ep-", i%5), fmt.Sprint("ev-", i), inapp.EventDisplayed, "camp", "0", nov(20)))
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.RecordEvents(t.Context(), batch); err != nil {
				t.Errorf("concurrent RecordEvents: %v", err)
			}
		})
	}
	wg.Wait()
	wantRollups(t, "8 writers of one batch", rollups(t, s, app.ID, "camp", "2026-11-20", "2026-11-20"),
		"2026-11-20 camp/0 _inapp.message_displayed 20/5")
	wantRollups(t, "lifetime", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_displayed 20/5")
}

func testRollupDays(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	d := inapp.EventDisplayed
	paris := time.FixedZone("CET", 3600)
	record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "camp", "0", time.Date(2026, 11, 20, 23, 59, 59, 999999999, time.UTC)),
		analyticsEvent(app.ID, "a", "2", d, "camp", "0", time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)),
		// 00:30 in Paris on the 21st is 23:30 UTC on the 20th.
		analyticsEvent(app.ID, "b", "3", d, "camp", "0", time.Date(2026, 11, 21, 0, 30, 0, 0, paris)),
		analyticsEvent(app.ID, "b", "4", d, "camp", "0", time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)),
	)
	wantRollups(t, "UTC days", rollups(t, s, app.ID, "", "2026-11-01", "2026-12-31"),
		"2026-11-20 camp/0 _inapp.message_displayed 2/2",
		"2026-11-21 camp/0 _inapp.message_displayed 1/1",
		"2026-12-31 camp/0 _inapp.message_displayed 1/1")
	wantRollups(t, "range ends are inclusive", rollups(t, s, app.ID, "", "2026-11-21", "2026-12-31"),
		"2026-11-21 camp/0 _inapp.message_displayed 1/1",
		"2026-12-31 camp/0 _inapp.message_displayed 1/1")
}

func testRollupTreatments(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	d, c := inapp.EventDisplayed, inapp.EventClicked
	record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "camp", "", nov(20)), // no treatment_id: the main treatment
		analyticsEvent(app.ID, "b", "2", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "c", "3", d, "camp", "1", nov(20)),
		analyticsEvent(app.ID, "c", "4", c, "camp", "1", nov(20)),
		analyticsEvent(app.ID, "d", "5", d, "camp", "1", nov(21)),
	)
	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-20", "2026-11-21"),
		"2026-11-20 camp/0 _inapp.message_displayed 2/2",
		"2026-11-20 camp/1 _inapp.message_clicked 1/1",
		"2026-11-20 camp/1 _inapp.message_displayed 1/1",
		"2026-11-21 camp/1 _inapp.message_displayed 1/1")
	q := inapp.UniqueQuery{AppID: app.ID, CampaignID: "camp", EventType: d, From: "2026-11-20", To: "2026-11-21", By: inapp.UniqueByTreatment}
	wantUniques(t, "by treatment", uniques(t, s, q), map[string]int64{"0": 2, "1": 2})
	q.EventType = c
	wantUniques(t, "clicks by treatment", uniques(t, s, q), map[string]int64{"1": 1})
	q.CampaignID = ""
	_, err := s.UniqueEndpoints(t.Context(), q)
	wantCode(t, "by treatment without a campaign", err, inapp.EINVALID)
}

func testRollupAppWide(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	other := newApp(t, s)
	d := inapp.EventDisplayed
	record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "spring", "0", nov(20)),
		analyticsEvent(app.ID, "a", "2", d, "autumn", "0", nov(20)), // one endpoint, two campaigns
		analyticsEvent(app.ID, "b", "3", d, "autumn", "0", nov(21)),
		analyticsEvent(app.ID, "c", "4", d, "winter", "0", nov(1)), // before the range
		analyticsEvent(other.ID, "z", "5", d, "spring", "0", nov(20)),
	)
	q := inapp.UniqueQuery{AppID: app.ID, EventType: d, From: "2026-11-20", To: "2026-11-21"}
	wantUniques(t, "app total", uniques(t, s, q), map[string]int64{"": 2})
	q.By = inapp.UniqueByCampaign
	wantUniques(t, "by campaign", uniques(t, s, q), map[string]int64{"spring": 1, "autumn": 2})
	q.By = inapp.UniqueByDay
	wantUniques(t, "by day", uniques(t, s, q), map[string]int64{"2026-11-20": 1, "2026-11-21": 1})
	q.From, q.By = "2026-11-01", inapp.UniqueTotal
	wantUniques(t, "wider range", uniques(t, s, q), map[string]int64{"": 3})
	wantRollups(t, "app rollups", rollups(t, s, app.ID, "", "2026-11-20", "2026-11-21"),
		"2026-11-20 autumn/0 _inapp.message_displayed 1/1",
		"2026-11-20 spring/0 _inapp.message_displayed 1/1",
		"2026-11-21 autumn/0 _inapp.message_displayed 1/1")
	wantRollups(t, "other app", rollups(t, s, other.ID, "", "2026-11-01", "2026-11-30"),
		"2026-11-20 spring/0 _inapp.message_displayed 1/1")
}

func testRollupOnlyCampaignEvents(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	record(t, s,
		analyticsEvent(app.ID, "a", "1", "_session.start", "", "", nov(20)),
		analyticsEvent(app.ID, "a", "2", inapp.EventDisplayed, "", "1", nov(20)), // no campaign_id
		analyticsEvent(app.ID, "a", "3", "purchase", "camp", "", nov(20)),        // any event with one counts
	)
	wantRollups(t, "rollups", rollups(t, s, app.ID, "", "2026-11-20", "2026-11-20"),
		"2026-11-20 camp/0 purchase 1/0")
}

// testRollupUniquesKept: distinct endpoints are kept for displays and
// clicks (what the KPIs, GetCampaignActivities and the console read),
// day and lifetime; dismissals and custom events with a campaign_id are
// counted with uniques 0, and asking for their unique endpoints is
// EINVALID rather than a silent nothing.
func testRollupUniquesKept(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	d, c, x := inapp.EventDisplayed, inapp.EventClicked, inapp.EventDismissed
	record(t, s,
		analyticsEvent(app.ID, "a", "1", d, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "a", "2", c, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "a", "3", x, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "b", "4", x, "camp", "0", nov(20)),
		analyticsEvent(app.ID, "b", "5", "purchase", "camp", "0", nov(20)),
	)
	// A later batch, the next day: "a" clicks again (new that day, not
	// ever), "c" clicks for the first time; more dismissals.
	record(t, s,
		analyticsEvent(app.ID, "a", "6", c, "camp", "0", nov(21)),
		analyticsEvent(app.ID, "c", "7", c, "camp", "0", nov(21)),
		analyticsEvent(app.ID, "a", "8", x, "camp", "0", nov(21)),
		analyticsEvent(app.ID, "c", "9", x, "camp", "0", nov(21)),
	)
	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-01", "2026-11-30"),
		"2026-11-20 camp/0 _inapp.message_clicked 1/1",
		"2026-11-20 camp/0 _inapp.message_dismissed 2/0",
		"2026-11-20 camp/0 _inapp.message_displayed 1/1",
		"2026-11-20 camp/0 purchase 1/0",
		"2026-11-21 camp/0 _inapp.message_clicked 2/2",
		"2026-11-21 camp/0 _inapp.message_dismissed 2/0")
	wantRollups(t, "lifetime rollups", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_clicked 3/2",
		"* camp/0 _inapp.message_dismissed 4/0",
		"* camp/0 _inapp.message_displayed 1/1",
		"* camp/0 purchase 1/0")
	q := inapp.UniqueQuery{AppID: app.ID, CampaignID: "camp", EventType: c, From: "2026-11-20", To: "2026-11-21"}
	wantUniques(t, "unique clickers", uniques(t, s, q), map[string]int64{"": 2})
	q.EventType = d
	wantUniques(t, "unique displays", uniques(t, s, q), map[string]int64{"": 1})
	for _, eventType := range []string{x, "purchase", ""} {
		q.EventType = eventType
		_, err := s.UniqueEndpoints(t.Context(), q)
		wantCode(t, fmt.Sprintf("unique endpoints of %q", eventType), err, inapp.EINVALID)
		q.CampaignID = ""
		_, err = s.UniqueEndpoints(t.Context(), q)
		wantCode(t, fmt.Sprintf("app-wide unique endpoints of %q", eventType), err, inapp.EINVALID)
		q.CampaignID = "camp"
	}
}

func testRollupDeleteApp(t *testing.T, s inapp.Store) {
	doomed := newApp(t, s)
	kept := newApp(t, s)
	for _, a := range []*inapp.App{doomed, kept} {
		record(t, s, analyticsEvent(a.ID, "a", "1", inapp.EventDisplayed, "camp", "0", nov(20)))
	}
	_, err := s.DeleteApp(t.Context(), doomed.ID)
	must(t, "DeleteApp", err)
	// The same ID again: nothing of the old app's analytics may show.
	must(t, "CreateApp", s.CreateApp(t.Context(), appDoc(doomed.ID, "Again")))
	wantRollups(t, "deleted app's rollups", rollups(t, s, doomed.ID, "", "2026-11-01", "2026-11-30"))
	wantRollups(t, "deleted app's lifetime rollups", rollups(t, s, doomed.ID, "", inapp.AllTime, inapp.AllTime))
	q := inapp.UniqueQuery{AppID: doomed.ID, CampaignID: "camp", EventType: inapp.EventDisplayed, From: inapp.AllTime, To: "2026-11-30"}
	wantUniques(t, "deleted app's uniques", uniques(t, s, q), map[string]int64{})
	wantRollups(t, "other app", rollups(t, s, kept.ID, "", "2026-11-20", "2026-11-20"),
		"2026-11-20 camp/0 _inapp.message_displayed 1/1")
}

func testRollupMissingApp(t *testing.T, s inapp.Store) {
	_, err := s.Rollups(t.Context(), "no-such-app", "", "2026-11-01", "2026-11-30")
	wantCode(t, "Rollups of a missing app", err, inapp.ENOTFOUND)
	_, err = s.UniqueEndpoints(t.Context(), inapp.UniqueQuery{AppID: "no-such-app", EventType: inapp.EventDisplayed, From: "2026-11-01", To: "2026-11-30"})
	wantCode(t, "UniqueEndpoints of a missing app", err, inapp.ENOTFOUND)
}
