package imports

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// The rules that involve other endpoints (rules.go): an import must leave
// the endpoints as UpdateEndpoint calls would, one per row, in file order.

// tickClock advances by a millisecond at every reading, so that endpoints
// written by different calls have different CreationDates.
type tickClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tickClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// update applies one request as UpdateEndpoint does (pinpointapi's
// upsertEndpoints with one item, through the same root functions): the
// reference the imports are compared with. It returns the API's message
// when the request is refused.
func (e *env) update(app, id string, req *inapp.EndpointRequest, now string) string {
	e.t.Helper()
	ctx := e.t.Context()
	ids := []string{id}
	retire := map[string]bool{}
	if req.User != nil && req.User.UserID != "" {
		have, err := e.db.UserEndpoints(ctx, app, req.User.UserID)
		if err != nil {
			e.t.Fatal(err)
		}
		r, err := inapp.UserEndpointLimit(req.User.UserID, have, map[string]string{id: req.ChannelType})
		if err != nil {
			return inapp.ErrorMessage(err)
		}
		if r != nil {
			retire[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	if req.Address != "" {
		holders, err := e.db.EndpointsByAddress(ctx, app, req.Address)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, h := range inapp.AddressTaken(id, holders, nil) {
			if !retire[h.ID] {
				retire[h.ID] = true
				ids = append(ids, h.ID)
			}
		}
	}
	err := e.db.UpdateEndpoints(ctx, app, ids, func(eid string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		if retire[eid] {
			next := *cur
			next.EndpointStatus = "INACTIVE"
			return &next, nil
		}
		return inapp.ApplyEndpointRequest(cur, req, app, eid, now), nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ""
}

// newApp creates another app in the env's database.
func (e *env) newApp() string {
	id := inapp.NewID()
	if err := e.db.CreateApp(e.t.Context(), &inapp.App{ID: id, Name: "reference", Arn: inapp.AppArn(id)}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// endpoints returns every endpoint of the app as JSON by ID, without the
// members that differ between apps and clocks.
func (e *env) endpoints(app string) map[string]string {
	out := map[string]string{}
	err := e.db.ScanEndpoints(e.t.Context(), app, func(ep *inapp.Endpoint) bool {
		c := *ep
		c.ApplicationID, c.CreationDate, c.EffectiveDate = "", "", ""
		b, _ := json.Marshal(c)
		out[ep.ID] = string(b)
		return true
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// wantStatuses checks the EndpointStatus of endpoints: "" for none.
func (e *env) wantStatuses(want map[string]string) {
	e.t.Helper()
	for id, w := range want {
		got, err := e.db.GetEndpoint(e.t.Context(), e.app, id)
		switch {
		case w == "" && inapp.ErrorCode(err) != inapp.ENOTFOUND:
			e.t.Errorf("endpoint %s: %v, want none", id, err)
		case w != "" && err != nil:
			e.t.Errorf("endpoint %s: %v", id, err)
		case w != "" && got.EndpointStatus != w:
			e.t.Errorf("endpoint %s: EndpointStatus %s, want %s", id, got.EndpointStatus, w)
		}
	}
}

func limitMsg(user string, n int) string {
	return fmt.Sprintf("Exceeded maximum endpoint per user count 15 (user %q would have %d).", user, n)
}

// TestImportUserLimitNotPush: a 16th endpoint of a user, not of a push
// channel, fails as UpdateEndpoint refuses it, wherever its row is.
func TestImportUserLimitNotPush(t *testing.T) {
	e := newEnv(t, 0)
	var b strings.Builder
	b.WriteString("Id,ChannelType,Address,User.UserId\n")
	// In file order z-01 … z-16, so that sorting by ID would put the 16th
	// first: the rule follows the file.
	for i := 1; i <= 16; i++ {
		fmt.Fprintf(&b, "%c-%02d,EMAIL,u%02d@example.com,crowded\n", 'z'-i, i, i)
	}
	job := e.submit(e.job("CSV", e.file("mail.csv", b.String()), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 1, 16, 1, "line 17: "+limitMsg("crowded", 16))
	e.wantStatuses(map[string]string{"y-01": "ACTIVE", "k-15": "ACTIVE", "j-16": ""})
	if n, _ := e.db.CountSegmentMembers(t.Context(), e.app, "seg"); n != 15 {
		t.Errorf("segment has %d members, want 15", n)
	}
}

// TestImportUserLimitPush: a 16th endpoint of a push channel retires the
// user's oldest push endpoint instead, the stored ones first, then the
// file's in file order; a non-push 16th still fails.
func TestImportUserLimitPush(t *testing.T) {
	e := newEnv(t, 0)
	ctx := t.Context()
	// Stored: the user's oldest endpoint is IN_APP, the oldest push one
	// is stored-gcm.
	stored := []struct{ id, ch, date string }{
		{"stored-inapp", "IN_APP", "2025-01-01T00:00:00.000Z"},
		{"stored-gcm", "GCM", "2025-01-02T00:00:00.000Z"},
		{"stored-apns", "APNS", "2025-01-03T00:00:00.000Z"},
	}
	for _, s := range stored {
		req := &inapp.EndpointRequest{ChannelType: s.ch, User: &inapp.EndpointUser{UserID: "phone"}}
		if msg := e.update(e.app, s.id, req, s.date); msg != "" {
			t.Fatal(msg)
		}
	}
	var b strings.Builder
	b.WriteString("Id,ChannelType,User.UserId\n")
	for i := 1; i <= 12; i++ { // 15 endpoints
		fmt.Fprintf(&b, "in-%02d,IN_APP,phone\n", i)
	}
	b.WriteString("push-b,APNS,phone\n")  // line 14: retires stored-gcm
	b.WriteString("push-a,GCM,phone\n")   // line 15: retires stored-apns
	b.WriteString("push-c,BAIDU,phone\n") // line 16: retires push-b (created before push-a)
	b.WriteString("in-13,IN_APP,phone\n") // line 17: fails
	b.WriteString("sms-1,SMS,phone\n")    // line 18: fails
	b.WriteString("push-d,ADM,other\n")   // another user: fine
	b.WriteString("in-01,IN_APP,phone\n") // one of the user's: fine
	job := e.submit(e.job("CSV", e.file("push.csv", b.String()), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 19, 2, "line 17: "+limitMsg("phone", 16), "line 18: "+limitMsg("phone", 16))
	e.wantStatuses(map[string]string{
		"stored-inapp": "ACTIVE", "stored-gcm": "INACTIVE", "stored-apns": "INACTIVE",
		"push-b": "INACTIVE", "push-a": "ACTIVE", "push-c": "ACTIVE", "push-d": "ACTIVE",
		"in-01": "ACTIVE", "in-12": "ACTIVE", "in-13": "", "sms-1": "",
	})
	eps, err := e.db.UserEndpoints(ctx, e.app, "phone")
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, ep := range eps {
		if ep.EndpointStatus != "INACTIVE" {
			active++
		}
	}
	if active != 15 {
		t.Errorf("user has %d endpoints that are not INACTIVE, want 15", active)
	}
}

// TestImportUserLimitAcrossPieces: pieces of 4 rows, each its own sort
// window (else the sort would bring the rows of p-01 together); the limit
// counts what earlier pieces wrote, and a retired endpoint named again by
// a later row is one more endpoint (as UpdateEndpoint counts it).
func TestImportUserLimitAcrossPieces(t *testing.T) {
	e := newEnv(t, 4)
	e.runner.SortWindow = 4
	var b strings.Builder
	b.WriteString("Id,ChannelType,EndpointStatus,User.UserId\n")
	for i := 1; i <= 16; i++ { // p-16 retires p-01
		fmt.Fprintf(&b, "p-%02d,GCM,,u\n", i)
	}
	b.WriteString("p-01,GCM,ACTIVE,u\n") // line 18: back, retiring p-02
	b.WriteString("q-01,IN_APP,,u\n")    // line 19: fails
	job := e.submit(e.job("CSV", e.file("p.csv", b.String()), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 5, 18, 1, "line 19: "+limitMsg("u", 16))
	e.wantStatuses(map[string]string{"p-01": "ACTIVE", "p-02": "INACTIVE", "p-03": "ACTIVE", "p-16": "ACTIVE", "q-01": ""})
}

// TestImportUserLimitReactivated: a row without User.UserId that makes
// one of a user's INACTIVE endpoints ACTIVE again counts for that user's
// later rows in the same piece.
func TestImportUserLimitReactivated(t *testing.T) {
	e := newEnv(t, 0)
	for i := 1; i <= 15; i++ {
		req := &inapp.EndpointRequest{ChannelType: "IN_APP", User: &inapp.EndpointUser{UserID: "u"}}
		if i == 15 {
			req.EndpointStatus = "INACTIVE"
		}
		if msg := e.update(e.app, fmt.Sprintf("d-%02d", i), req, "2025-01-01T00:00:00.000Z"); msg != "" {
			t.Fatal(msg)
		}
	}
	csv := "Id,ChannelType,EndpointStatus,User.UserId\n" +
		"d-15,,ACTIVE,\n" + // the user's 15th again
		"d-16,IN_APP,,u\n" // line 3: a 16th
	job := e.submit(e.job("CSV", e.file("r.csv", csv), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 2, 1, "line 3: "+limitMsg("u", 16))
	e.wantStatuses(map[string]string{"d-15": "ACTIVE", "d-16": ""})
}

// TestImportAddressTaken: an endpoint whose Address a row's endpoint
// takes becomes INACTIVE, whether it is stored or an earlier row's, in file
// order; one that a row moved to another address keeps its status.
func TestImportAddressTaken(t *testing.T) {
	e := newEnv(t, 0)
	for _, s := range []struct{ id, addr string }{{"old-a", "a@example.com"}, {"old-b", "b@example.com"}, {"old-c", "c@example.com"}} {
		if msg := e.update(e.app, s.id, &inapp.EndpointRequest{ChannelType: "EMAIL", Address: s.addr}, "2025-01-01T00:00:00.000Z"); msg != "" {
			t.Fatal(msg)
		}
	}
	csv := "Id,ChannelType,Address\n" +
		"new-a,EMAIL,a@example.com\n" + // old-a: INACTIVE
		"z-x,EMAIL,x@example.com\n" + // then taken by a-x below (file order, not ID order)
		"a-x,EMAIL,x@example.com\n" +
		"old-b,,b2@example.com\n" + // old-b leaves b@…
		"new-b,EMAIL,b@example.com\n" + // … so it stays ACTIVE
		"old-c,,c@example.com\n" + // the same endpoint again: nothing to retire
		"no-address,IN_APP,\n"
	job := e.submit(e.job("CSV", e.file("addr.csv", csv), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 7, 0)
	e.wantStatuses(map[string]string{
		"old-a": "INACTIVE", "new-a": "ACTIVE", "z-x": "INACTIVE", "a-x": "ACTIVE",
		"old-b": "ACTIVE", "new-b": "ACTIVE", "old-c": "ACTIVE", "no-address": "ACTIVE",
	})
}

// TestImportRulesAsUpdateEndpoint imports generated files of rows that crowd a
// few users and share a few addresses, and compares every endpoint with
// what UpdateEndpoint calls, one per row in the order the import applies
// them, make of the same rows in another app.
//
// With several pieces, the IDs of new endpoints follow the file: the
// endpoints a piece creates share a CreationDate, and for a later piece
// the oldest of them is the first the store wrote (by ID) where
// UpdateEndpoint calls would have made the first in the file the oldest.
func TestImportRulesAsUpdateEndpoint(t *testing.T) {
	channels := []string{"IN_APP", "IN_APP", "GCM", "APNS", "EMAIL", "SMS"}
	for _, tc := range []struct {
		name  string
		piece int
		seed  uint64
	}{{"one piece", 0, 1}, {"one piece, another file", 0, 2}, {"pieces of 7", 7, 3}, {"pieces of 7, another file", 7, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.piece)
			clock := &tickClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			e.runner.Clock = clock
			rnd := rand.New(rand.NewPCG(tc.seed, 0))
			ref := e.newApp()
			// Both apps start with the same stored endpoints.
			for i := range 30 {
				req := &inapp.EndpointRequest{ChannelType: channels[rnd.IntN(len(channels))], User: &inapp.EndpointUser{UserID: fmt.Sprint("user-", rnd.IntN(3))}}
				if req.ChannelType == "EMAIL" {
					req.Address = fmt.Sprintf("m%d@example.com", rnd.IntN(4))
				}
				now := inapp.FormatTime(clock.Now())
				id := fmt.Sprintf("s-%02d", i)
				for _, app := range []string{e.app, ref} {
					e.update(app, id, req, now)
				}
			}
			type line struct {
				id  string
				req *inapp.EndpointRequest
			}
			var lines []line
			var b strings.Builder
			b.WriteString("Id,ChannelType,Address,EndpointStatus,User.UserId\n")
			for i := range 120 {
				// IDs in no order (one piece) or in file order, new or
				// stored or again.
				id := fmt.Sprintf("%c-%02d", 'a'+rnd.IntN(20), rnd.IntN(30))
				if tc.piece > 0 {
					id = fmt.Sprintf("%03d", i)
				}
				switch rnd.IntN(6) {
				case 0:
					id = fmt.Sprintf("s-%02d", rnd.IntN(30))
				case 1:
					if i > 0 {
						id = lines[rnd.IntN(i)].id
					}
				}
				req := &inapp.EndpointRequest{ChannelType: channels[rnd.IntN(len(channels))]}
				if req.ChannelType == "EMAIL" || rnd.IntN(10) == 0 {
					req.Address = fmt.Sprintf("m%d@example.com", rnd.IntN(4))
				}
				if rnd.IntN(8) == 0 {
					req.EndpointStatus = []string{"ACTIVE", "INACTIVE"}[rnd.IntN(2)]
				}
				if rnd.IntN(6) != 0 {
					req.User = &inapp.EndpointUser{UserID: fmt.Sprint("user-", rnd.IntN(3))}
				}
				lines = append(lines, line{id, req})
				user := ""
				if req.User != nil {
					user = req.User.UserID
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", id, req.ChannelType, req.Address, req.EndpointStatus, user)
			}
			job := e.submit(e.job("CSV", e.file("gen.csv", b.String()), true, "", false))

			// The order the import applies rows in: sorted by ID (one
			// window), cut into pieces, each in file order.
			order := make([]int, len(lines))
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(lines[a].id, lines[b].id) })
			size := tc.piece
			if size == 0 {
				size = len(lines)
			}
			var failures []string
			for start := 0; start < len(order); start += size {
				piece := order[start:min(start+size, len(order))]
				slices.Sort(piece)
				// A piece's endpoints are created at one time.
				now := inapp.FormatTime(clock.Now())
				for _, i := range piece {
					if msg := e.update(ref, lines[i].id, lines[i].req, now); msg != "" {
						failures = append(failures, fmt.Sprintf("line %d: %s", i+2, msg))
					}
				}
			}
			slices.SortFunc(failures, func(a, b string) int {
				var x, y int
				fmt.Sscanf(a, "line %d", &x)
				fmt.Sscanf(b, "line %d", &y)
				return x - y
			})
			if len(failures) == 0 {
				t.Fatalf("no row broke the limit: the test tests nothing")
			}
			wantJob(t, job, inapp.JobCompleted, (len(lines)+size-1)/size, len(lines), len(failures), failures...)
			got, want := e.endpoints(e.app), e.endpoints(ref)
			inactive := 0
			for id, w := range want {
				if got[id] != w {
					t.Errorf("endpoint %s:\n import %s\n    API %s", id, got[id], w)
				}
				if strings.Contains(w, `"EndpointStatus":"INACTIVE"`) {
					inactive++
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d endpoints imported, %d through the API", len(got), len(want))
			}
			t.Logf("%d endpoints, %d INACTIVE, %d rows refused", len(want), inactive, len(failures))
		})
	}
}
