package storetest

import (
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var retentionTests = []test{
	{"OldRowsGoRecentAndTotalsStay", testPruneOldRows},
	{"CapsAfterPruning", testPruneCaps},
	{"SmallBatches", testPruneBatches},
	{"ActivityOnlyWhenAsked", testPruneActivity},
	{"EmptyRequestDeletesNothing", testPruneNothing},
	{"RetriedEventAfterPruning", testPruneRetry},
}

// RunRetention runs the suite's retention tests alone (RunSuite runs them
// too), for `go test -run Retention` on a backend.
func RunRetention(t *testing.T, open func(t *testing.T) inapp.Store) {
	for _, tc := range retentionTests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

func prune(t *testing.T, s inapp.Store, req inapp.PruneRequest) inapp.PruneResult {
	t.Helper()
	res, err := s.Prune(t.Context(), req)
	must(t, "Prune", err)
	return res
}

// pruneAll calls Prune until it reports nothing more, and adds up.
func pruneAll(t *testing.T, s inapp.Store, req inapp.PruneRequest) inapp.PruneResult {
	t.Helper()
	var total inapp.PruneResult
	for calls := 1; ; calls++ {
		res := prune(t, s, req)
		total.Add(res)
		if !res.More {
			return total
		}
		if calls > 1000 {
			t.Fatalf("Prune still reports more after %d calls: %+v", calls, total)
		}
	}
}

func wantPruned(t *testing.T, what string, got, want inapp.PruneResult) {
	t.Helper()
	if got != want {
		t.Errorf("%s: pruned %+v, want %+v", what, got, want)
	}
}

func eventIDs(t *testing.T, s inapp.Store, appID, endpointID string) []*inapp.EventRecord {
	t.Helper()
	return listEvents(t, s, appID, endpointID, 100)
}

func wantActivity(t *testing.T, s inapp.Store, appID, endpointID string, want time.Time) {
	t.Helper()
	got, err := s.EndpointActivity(t.Context(), appID, endpointID)
	must(t, "EndpointActivity", err)
	if !got.Equal(want) {
		t.Errorf("activity of %s: %v, want %v", endpointID, got, want)
	}
}

// displayAt is a displayed event of campaign at a time, counted on the
// UTC day of that time.
func displayAt(appID, endpointID, eventID, campaign string, at time.Time) *inapp.EventRecord {
	r := analyticsEvent(appID, endpointID, eventID, inapp.EventDisplayed, campaign, "", at)
	r.CapDay = at.Format(time.DateOnly)
	return r
}

// testPruneOldRows: events, activity, daily counters, rollups and uniques
// older than the request go; recent ones, the "*" counters and the
// lifetime rollups stay, and so do other apps' recent rows.
func testPruneOldRows(t *testing.T, s inapp.Store) {
	app, other := newApp(t, s), newApp(t, s)
	d, c := inapp.EventDisplayed, inapp.EventClicked
	record(t, s,
		// "gone" was active on Nov 1 only; "both" on Nov 1 and Nov 20;
		// "new" on Nov 20 only.
		displayAt(app.ID, "gone", "1", "camp", nov(1)),
		analyticsEvent(app.ID, "gone", "2", c, "camp", "", nov(1)),
		displayAt(app.ID, "both", "3", "camp", nov(1)),
		displayAt(app.ID, "both", "4", "camp", nov(20)),
		displayAt(app.ID, "new", "5", "camp", nov(20)),
		analyticsEvent(app.ID, "new", "6", "app_open", "", "", nov(20)),
		displayAt(other.ID, "x", "7", "camp", nov(20)),
	)
	req := inapp.PruneRequest{
		EventsBefore:      nov(10),
		ActivityBefore:    nov(10),
		CounterDaysBefore: "2026-11-18",
		RollupDaysBefore:  "2026-11-10",
	}
	res := prune(t, s, req)
	// Rollup rows: one per (day, campaign, treatment, type) on SQLite; a
	// backend that splits a row in shards deletes each.
	if res.Rollups < 2 {
		t.Errorf("pruned %d rollup rows, want the 2 of Nov 1 (displayed, clicked)", res.Rollups)
	}
	res.Rollups = 0
	wantPruned(t, "Prune", res, inapp.PruneResult{Events: 3, Activity: 1, Counters: 2, Uniques: 3})

	sameIDs(t, "events of gone", eventIDs(t, s, app.ID, "gone"), eventID)
	sameIDs(t, "events of both", eventIDs(t, s, app.ID, "both"), eventID, "4")
	sameIDs(t, "events of new", eventIDs(t, s, app.ID, "new"), eventID, "6", "5")
	sameIDs(t, "events of the other app", eventIDs(t, s, other.ID, "x"), eventID, "7")
	wantActivity(t, s, app.ID, "gone", time.Time{})
	wantActivity(t, s, app.ID, "both", nov(20))
	wantActivity(t, s, app.ID, "new", nov(20))

	// The totals still count the pruned displays; the pruned day counts 0.
	wantCounts(t, s, app.ID, "gone", "2026-11-01", map[string]inapp.CapCount{"camp": {Total: 1}})
	wantCounts(t, s, app.ID, "both", "2026-11-20", map[string]inapp.CapCount{"camp": {Total: 2, Day: 1}})
	wantCounts(t, s, app.ID, "new", "2026-11-20", map[string]inapp.CapCount{"camp": {Total: 1, Day: 1}})

	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-01", "2026-11-30"),
		"2026-11-20 camp/0 _inapp.message_displayed 2/2")
	wantRollups(t, "lifetime rollups", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_clicked 1/1",
		"* camp/0 _inapp.message_displayed 4/3")
	wantRollups(t, "the other app's rollups", rollups(t, s, other.ID, "", "2026-11-01", "2026-11-30"),
		"2026-11-20 camp/0 _inapp.message_displayed 1/1")
	q := inapp.UniqueQuery{AppID: app.ID, CampaignID: "camp", EventType: d, From: "2026-11-01", To: "2026-11-30", By: inapp.UniqueByDay}
	wantUniques(t, "unique displays by day", uniques(t, s, q), map[string]int64{"2026-11-20": 2})
	q.CampaignID, q.By = "", inapp.UniqueByCampaign
	wantUniques(t, "unique displays by campaign", uniques(t, s, q), map[string]int64{"camp": 2})

	// The lifetime uniques still know "gone": seen again, it is not a new
	// endpoint of the campaign.
	record(t, s, displayAt(app.ID, "gone", "8", "camp", nov(21)))
	wantRollups(t, "lifetime rollups after gone came back", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_clicked 1/1",
		"* camp/0 _inapp.message_displayed 5/3")

	wantPruned(t, "Prune again", prune(t, s, req), inapp.PruneResult{})
}

// testPruneCaps: daily caps read today's bucket and total caps the "*"
// rows, so pruning past days changes neither.
func testPruneCaps(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	var batch []*inapp.EventRecord
	for i, day := range []int{1, 5, 18, 19, 20, 20, 20} {
		batch = append(batch, displayAt(app.ID, "ep", "e"+string(rune('a'+i)), "camp", nov(day)))
	}
	batch = append(batch, displayAt(app.ID, "ep", "other", "camp2", nov(2)))
	record(t, s, batch...)
	res := pruneAll(t, s, inapp.PruneRequest{CounterDaysBefore: "2026-11-18"})
	wantPruned(t, "Prune", res, inapp.PruneResult{Counters: 3})
	wantCounts(t, s, app.ID, "ep", "2026-11-20", map[string]inapp.CapCount{"camp": {Total: 7, Day: 3}, "camp2": {Total: 1}})
	wantCounts(t, s, app.ID, "ep", "2026-11-18", map[string]inapp.CapCount{"camp": {Total: 7, Day: 1}, "camp2": {Total: 1}})
	wantCounts(t, s, app.ID, "ep", "2026-11-01", map[string]inapp.CapCount{"camp": {Total: 7}, "camp2": {Total: 1}})
	// Counting goes on as before.
	record(t, s, displayAt(app.ID, "ep", "later", "camp", nov(20)))
	wantCounts(t, s, app.ID, "ep", "2026-11-20", map[string]inapp.CapCount{"camp": {Total: 8, Day: 4}, "camp2": {Total: 1}})
	// Events were not asked for.
	if got := len(eventIDs(t, s, app.ID, "ep")); got != 9 {
		t.Errorf("%d events left, want all 9", got)
	}
}

// testPruneBatches: a call deletes at most Limit rows (activity aside)
// and says when there may be more; calls until it says no leave exactly
// the recent rows.
func testPruneBatches(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	var batch []*inapp.EventRecord
	for i := range 20 {
		ep := "ep" + string(rune('a'+i))
		batch = append(batch,
			displayAt(app.ID, ep, "old", "camp", nov(1).Add(time.Duration(i)*time.Minute)),
			displayAt(app.ID, ep, "new", "camp", nov(20)))
	}
	record(t, s, batch...)
	req := inapp.PruneRequest{
		EventsBefore: nov(10), ActivityBefore: nov(10),
		CounterDaysBefore: "2026-11-10", RollupDaysBefore: "2026-11-10",
		Limit: 7,
	}
	var total inapp.PruneResult
	for calls := 1; ; calls++ {
		res := prune(t, s, req)
		if n := res.Events + res.Counters + res.Rollups + res.Uniques; n > 7 {
			t.Fatalf("call %d deleted %d rows, over the limit of 7: %+v", calls, n, res)
		}
		total.Add(res)
		if !res.More {
			break
		}
		if calls > 100 {
			t.Fatalf("Prune still reports more after %d calls: %+v", calls, total)
		}
	}
	if total.Rollups < 1 {
		t.Errorf("pruned %d rollup rows, want at least 1", total.Rollups)
	}
	total.Rollups = 0
	// Every endpoint is still active on Nov 20: no activity row goes.
	wantPruned(t, "Prune", total, inapp.PruneResult{Events: 20, Counters: 20, Uniques: 20})
	for i := range 20 {
		ep := "ep" + string(rune('a'+i))
		sameIDs(t, "events of "+ep, eventIDs(t, s, app.ID, ep), eventID, "new")
		wantCounts(t, s, app.ID, ep, "2026-11-20", map[string]inapp.CapCount{"camp": {Total: 2, Day: 1}})
	}
	wantRollups(t, "rollups", rollups(t, s, app.ID, "camp", "2026-11-01", "2026-11-30"),
		"2026-11-20 camp/0 _inapp.message_displayed 20/20")
	wantRollups(t, "lifetime rollups", rollups(t, s, app.ID, "camp", inapp.AllTime, inapp.AllTime),
		"* camp/0 _inapp.message_displayed 40/20")
}

// testPruneActivity: activity rows go only when asked, and only when the
// endpoint's latest event is older than ActivityBefore.
func testPruneActivity(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	record(t, s,
		analyticsEvent(app.ID, "a", "1", "app_open", "", "", nov(1)),
		analyticsEvent(app.ID, "b", "2", "app_open", "", "", nov(1)),
		analyticsEvent(app.ID, "c", "3", "app_open", "", "", nov(1)),
		analyticsEvent(app.ID, "c", "4", "app_open", "", "", nov(8)),
	)
	// Events before Nov 5 go, but activity only before Nov 1's noon: none.
	res := prune(t, s, inapp.PruneRequest{EventsBefore: nov(5), ActivityBefore: nov(1).Add(-time.Hour)})
	wantPruned(t, "Prune with an early ActivityBefore", res, inapp.PruneResult{Events: 3})
	wantActivity(t, s, app.ID, "a", nov(1))
	wantActivity(t, s, app.ID, "c", nov(8))

	// Without ActivityBefore, the rows stay with the events gone.
	res = prune(t, s, inapp.PruneRequest{EventsBefore: nov(10)})
	wantPruned(t, "Prune without ActivityBefore", res, inapp.PruneResult{Events: 1})
	wantActivity(t, s, app.ID, "c", nov(8))

	// An endpoint's row goes with its events.
	record(t, s, analyticsEvent(app.ID, "a", "5", "app_open", "", "", nov(2)))
	res = prune(t, s, inapp.PruneRequest{EventsBefore: nov(10), ActivityBefore: nov(10)})
	wantPruned(t, "Prune with ActivityBefore", res, inapp.PruneResult{Events: 1, Activity: 1})
	wantActivity(t, s, app.ID, "a", time.Time{})
	wantActivity(t, s, app.ID, "b", nov(1)) // no event of b went in this call
}

func testPruneNothing(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	record(t, s, displayAt(app.ID, "ep", "1", "camp", nov(1)))
	wantPruned(t, "Prune{}", prune(t, s, inapp.PruneRequest{}), inapp.PruneResult{})
	wantPruned(t, "Prune of an empty range", prune(t, s, inapp.PruneRequest{
		EventsBefore: nov(1), ActivityBefore: nov(1), CounterDaysBefore: "2026-11-01", RollupDaysBefore: "2026-11-01",
	}), inapp.PruneResult{})
	sameIDs(t, "events", eventIDs(t, s, app.ID, "ep"), eventID, "1")
	wantCounts(t, s, app.ID, "ep", "2026-11-01", map[string]inapp.CapCount{"camp": {Total: 1, Day: 1}})
	wantActivity(t, s, app.ID, "ep", nov(1))
}

// testPruneRetry: a retried event whose first copy was pruned is stored
// (and counted) again: its ID is forgotten with it. The documented price
// of a retention; a client does not retry an event for that long.
func testPruneRetry(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	ev := displayAt(app.ID, "ep", "1", "camp", nov(1))
	wantFresh(t, "RecordEvents", record(t, s, ev), true)
	wantFresh(t, "retry before pruning", record(t, s, ev), false)
	pruneAll(t, s, inapp.PruneRequest{EventsBefore: nov(10), ActivityBefore: nov(10)})
	wantFresh(t, "retry after pruning", record(t, s, ev), true)
	sameIDs(t, "events", eventIDs(t, s, app.ID, "ep"), eventID, "1")
	wantCounts(t, s, app.ID, "ep", "2026-11-01", map[string]inapp.CapCount{"camp": {Total: 2, Day: 2}})
}
