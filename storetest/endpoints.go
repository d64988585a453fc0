package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var endpointTests = []test{
	{"MissingNotFound", testEndpointMissing},
	{"CreateAndUpdateRoundTrip", testEndpointRoundTrip},
	{"UpdateErrorWritesNothing", testEndpointUpdateAtomic},
	{"UpdateOfMissingApp", testEndpointMissingApp},
	{"ConcurrentUpdatesLoseNothing", testEndpointConcurrent},
	{"ConcurrentUpdatesInOppositeOrders", testEndpointConcurrentCrossed},
	{"ConcurrentCreatesLoseNothing", testEndpointConcurrentCreates},
	{"Delete", testEndpointDelete},
	{"UserEndpoints", testUserEndpoints},
	{"DeleteUserEndpoints", testDeleteUserEndpoints},
	{"EndpointsByAddress", testEndpointsByAddress},
	{"RemoveAttributes", testRemoveEndpointAttributes},
	{"Scan", testScanEndpoints},
}

// putEndpoints writes endpoint documents through UpdateEndpoints.
func putEndpoints(t *testing.T, s inapp.Store, appID string, es ...*inapp.Endpoint) {
	t.Helper()
	byID := map[string]*inapp.Endpoint{}
	var ids []string
	for _, e := range es {
		byID[e.ID] = e
		ids = append(ids, e.ID)
	}
	must(t, "UpdateEndpoints", s.UpdateEndpoints(t.Context(), appID, ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		return byID[id], nil
	}))
}

func getEndpoint(t *testing.T, s inapp.Store, appID, id string) *inapp.Endpoint {
	t.Helper()
	e, err := s.GetEndpoint(t.Context(), appID, id)
	must(t, "GetEndpoint "+id, err)
	return e
}

func testEndpointMissing(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	_, err := s.GetEndpoint(t.Context(), app.ID, "missing")
	wantCode(t, "GetEndpoint", err, inapp.ENOTFOUND)
	_, err = s.GetEndpoint(t.Context(), "missing-app", "missing")
	wantCode(t, "GetEndpoint of a missing app", err, inapp.ENOTFOUND)
}

func testEndpointRoundTrip(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	want := map[string]*inapp.Endpoint{
		"a": endpointDoc(app.ID, "a", "user-1"),
		"b": endpointDoc(app.ID, "b", ""),
	}
	var seen []string
	err := s.UpdateEndpoints(ctx, app.ID, []string{"a", "b"}, func(id string, current *inapp.Endpoint) (*inapp.Endpoint, error) {
		seen = append(seen, id)
		if current != nil {
			t.Errorf("UpdateEndpoints: current of new endpoint %s is %+v, want nil", id, current)
		}
		return want[id], nil
	})
	must(t, "UpdateEndpoints", err)
	if slices.Sort(seen); !slices.Equal(seen, []string{"a", "b"}) {
		t.Errorf("UpdateEndpoints called fn with ids %q, want a and b once each", seen)
	}
	for id, e := range want {
		sameJSON(t, "endpoint "+id, getEndpoint(t, s, app.ID, id), e)
	}

	// An update sees the stored endpoint and replaces it whole.
	err = s.UpdateEndpoints(ctx, app.ID, []string{"a"}, func(id string, current *inapp.Endpoint) (*inapp.Endpoint, error) {
		sameJSON(t, "current given to fn", current, want["a"])
		next := endpointDoc(app.ID, "a", "user-2")
		next.Attributes = map[string][]string{"plan": {"free"}}
		next.Metrics = nil
		next.OptOut = "ALL"
		want["a"] = next
		return next, nil
	})
	must(t, "UpdateEndpoints", err)
	sameJSON(t, "updated endpoint", getEndpoint(t, s, app.ID, "a"), want["a"])
	sameJSON(t, "untouched endpoint", getEndpoint(t, s, app.ID, "b"), want["b"])

	// The same endpoint ID in another app is another endpoint.
	other := newApp(t, s)
	_, err = s.GetEndpoint(ctx, other.ID, "a")
	wantCode(t, "GetEndpoint in another app", err, inapp.ENOTFOUND)
}

func testEndpointUpdateAtomic(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	before := endpointDoc(app.ID, "a", "user")
	putEndpoints(t, s, app.ID, before)

	boom := errors.New("boom")
	err := s.UpdateEndpoints(ctx, app.ID, []string{"a", "new", "b"}, func(id string, current *inapp.Endpoint) (*inapp.Endpoint, error) {
		if id == "b" {
			return nil, boom
		}
		e := endpointDoc(app.ID, id, "changed")
		e.Metrics = map[string]float64{"changed": 1}
		return e, nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("UpdateEndpoints returned %v, want fn's error", err)
	}
	sameJSON(t, "endpoint after an aborted update", getEndpoint(t, s, app.ID, "a"), before)
	_, err = s.GetEndpoint(ctx, app.ID, "new")
	wantCode(t, "endpoint created by an aborted update", err, inapp.ENOTFOUND)
	es, err := s.UserEndpoints(ctx, app.ID, "changed")
	if err != nil || len(es) != 0 {
		t.Errorf("UserEndpoints after an aborted update: %d endpoints, %v; want none", len(es), err)
	}

	// fn's *inapp.Error keeps its code on the way out.
	err = s.UpdateEndpoints(ctx, app.ID, []string{"a"}, func(string, *inapp.Endpoint) (*inapp.Endpoint, error) {
		return nil, inapp.Errorf(inapp.EINVALID, "bad request")
	})
	wantCode(t, "UpdateEndpoints with fn failing EINVALID", err, inapp.EINVALID)
}

func testEndpointMissingApp(t *testing.T, s inapp.Store) {
	called := false
	err := s.UpdateEndpoints(t.Context(), "missing", []string{"a"}, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		called = true
		return endpointDoc("missing", id, ""), nil
	})
	wantCode(t, "UpdateEndpoints of a missing app", err, inapp.ENOTFOUND)
	if _, err := s.GetEndpoint(t.Context(), "missing", "a"); err == nil {
		t.Errorf("UpdateEndpoints of a missing app stored an endpoint (fn called: %v)", called)
	}
}

// increment is an EndpointUpdate that adds one to the "count" metric.
func increment(id string, current *inapp.Endpoint) (*inapp.Endpoint, error) {
	if current == nil {
		current = &inapp.Endpoint{ID: id}
	}
	if current.Metrics == nil {
		current.Metrics = map[string]float64{}
	}
	current.Metrics["count"]++
	return current, nil
}

func wantCount(t *testing.T, s inapp.Store, appID, id string, want float64) {
	t.Helper()
	if got := getEndpoint(t, s, appID, id).Metrics["count"]; got != want {
		t.Errorf("endpoint %s: count = %v, want %v: concurrent updates were lost", id, got, want)
	}
}

// updateConcurrently makes n UpdateEndpoints calls at once, call i
// naming ids(i) and running fn(i), and fails the test for any that fails.
func updateConcurrently(t *testing.T, s inapp.Store, appID string, n int, ids func(i int) []string, fn func(i int) inapp.EndpointUpdate) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.UpdateEndpoints(t.Context(), appID, ids(i), fn(i))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, "concurrent UpdateEndpoints", err)
	}
}

func testEndpointConcurrent(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	const n = 50
	updateConcurrently(t, s, app.ID, n, func(int) []string { return []string{"hot"} }, func(int) inapp.EndpointUpdate { return increment })
	wantCount(t, s, app.ID, "hot", n)
}

// Updates naming the same endpoints in opposite orders must neither lose
// an update nor fail (a backend with row locks must not deadlock).
func testEndpointConcurrentCrossed(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	const n = 20
	crossed := func(i int) []string {
		if i%2 == 1 {
			return []string{"y", "x"}
		}
		return []string{"x", "y"}
	}
	updateConcurrently(t, s, app.ID, n, crossed, func(int) inapp.EndpointUpdate { return increment })
	wantCount(t, s, app.ID, "x", n)
	wantCount(t, s, app.ID, "y", n)
}

// Calls that create the same new endpoints at once (two devices of a new
// user, an import beside UpdateEndpointsBatch) must each see the others'
// work: every one of them counts, on every endpoint.
func testEndpointConcurrentCreates(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	const n, endpoints = 8, 300
	ids := make([]string, endpoints)
	for i := range ids {
		ids[i] = fmt.Sprintf("new-%03d", i)
	}
	// Each call's first fn waits until every call has reached its own
	// (at most 100 ms: a store with one writer runs them one at a time),
	// so that all of them found the endpoints missing before any wrote.
	var arrived atomic.Int32
	all := make(chan struct{})
	waitingFirst := func(int) inapp.EndpointUpdate {
		waited := false
		return func(id string, current *inapp.Endpoint) (*inapp.Endpoint, error) {
			if !waited {
				waited = true
				if arrived.Add(1) == n {
					close(all)
				}
				select {
				case <-all:
				case <-time.After(100 * time.Millisecond):
				}
			}
			return increment(id, current)
		}
	}
	updateConcurrently(t, s, app.ID, n, func(int) []string { return ids }, waitingFirst)
	for _, id := range ids {
		wantCount(t, s, app.ID, id, n)
	}
}

func testEndpointDelete(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	want := endpointDoc(app.ID, "a", "user")
	putEndpoints(t, s, app.ID, want, endpointDoc(app.ID, "b", "user"))

	got, err := s.DeleteEndpoint(ctx, app.ID, "a")
	must(t, "DeleteEndpoint", err)
	sameJSON(t, "DeleteEndpoint returns the endpoint", got, want)
	_, err = s.GetEndpoint(ctx, app.ID, "a")
	wantCode(t, "GetEndpoint after DeleteEndpoint", err, inapp.ENOTFOUND)
	_, err = s.DeleteEndpoint(ctx, app.ID, "a")
	wantCode(t, "DeleteEndpoint twice", err, inapp.ENOTFOUND)
	es, err := s.UserEndpoints(ctx, app.ID, "user")
	must(t, "UserEndpoints", err)
	sameIDSet(t, "UserEndpoints after DeleteEndpoint", es, endpointID, "b")
}

func testUserEndpoints(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	putEndpoints(t, s, app.ID,
		endpointDoc(app.ID, "e1", "u1"), endpointDoc(app.ID, "e2", "u1"),
		endpointDoc(app.ID, "e3", "u2"), endpointDoc(app.ID, "e4", ""))
	putEndpoints(t, s, other.ID, endpointDoc(other.ID, "o1", "u1"))

	es, err := s.UserEndpoints(ctx, app.ID, "u1")
	must(t, "UserEndpoints", err)
	sameIDSet(t, "UserEndpoints u1", es, endpointID, "e1", "e2")
	for _, e := range es {
		sameJSON(t, "user endpoint "+e.ID, e, endpointDoc(app.ID, e.ID, "u1"))
	}
	es, err = s.UserEndpoints(ctx, app.ID, "nobody")
	must(t, "UserEndpoints of an unknown user", err)
	sameIDSet(t, "UserEndpoints of an unknown user", es, endpointID)

	// Moving an endpoint to another user moves it between the listings.
	putEndpoints(t, s, app.ID, endpointDoc(app.ID, "e1", "u2"))
	es, err = s.UserEndpoints(ctx, app.ID, "u1")
	must(t, "UserEndpoints", err)
	sameIDSet(t, "UserEndpoints u1 after a move", es, endpointID, "e2")
	es, err = s.UserEndpoints(ctx, app.ID, "u2")
	must(t, "UserEndpoints", err)
	sameIDSet(t, "UserEndpoints u2 after a move", es, endpointID, "e1", "e3")

	// Dropping the user takes the endpoint out of every user's listing.
	putEndpoints(t, s, app.ID, endpointDoc(app.ID, "e3", ""))
	es, err = s.UserEndpoints(ctx, app.ID, "u2")
	must(t, "UserEndpoints", err)
	sameIDSet(t, "UserEndpoints u2 after dropping the user", es, endpointID, "e1")

	_, err = s.UserEndpoints(ctx, "missing", "u1")
	wantCode(t, "UserEndpoints of a missing app", err, inapp.ENOTFOUND)
}

func testDeleteUserEndpoints(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	putEndpoints(t, s, app.ID,
		endpointDoc(app.ID, "e1", "u1"), endpointDoc(app.ID, "e2", "u1"), endpointDoc(app.ID, "e3", "u2"))
	putEndpoints(t, s, other.ID, endpointDoc(other.ID, "o1", "u1"))

	deleted, err := s.DeleteUserEndpoints(ctx, app.ID, "u1")
	must(t, "DeleteUserEndpoints", err)
	sameIDSet(t, "DeleteUserEndpoints returns", deleted, endpointID, "e1", "e2")
	for _, e := range deleted {
		sameJSON(t, "deleted endpoint "+e.ID, e, endpointDoc(app.ID, e.ID, "u1"))
	}
	for _, id := range []string{"e1", "e2"} {
		_, err = s.GetEndpoint(ctx, app.ID, id)
		wantCode(t, "GetEndpoint of a deleted user endpoint", err, inapp.ENOTFOUND)
	}
	getEndpoint(t, s, app.ID, "e3")
	getEndpoint(t, s, other.ID, "o1")

	deleted, err = s.DeleteUserEndpoints(ctx, app.ID, "u1")
	must(t, "DeleteUserEndpoints again", err)
	sameIDSet(t, "DeleteUserEndpoints again", deleted, endpointID)
	_, err = s.DeleteUserEndpoints(ctx, "missing", "u1")
	wantCode(t, "DeleteUserEndpoints of a missing app", err, inapp.ENOTFOUND)
}

func testRemoveEndpointAttributes(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	full := func(appID, id string) *inapp.Endpoint {
		e := endpointDoc(appID, id, "user")
		e.Attributes = map[string][]string{"a": {"1"}, "b": {"2"}, "keep": {"3"}}
		e.Metrics = map[string]float64{"m1": 1, "m2": 2}
		e.User.UserAttributes = map[string][]string{"u1": {"x"}, "u2": {"y"}}
		return e
	}
	bare := &inapp.Endpoint{ID: "bare", ChannelType: "IN_APP"}
	onlyA := &inapp.Endpoint{ID: "only-a", Attributes: map[string][]string{"a": {"1"}}, Metrics: map[string]float64{"m1": 0}}
	putEndpoints(t, s, app.ID, full(app.ID, "e1"), full(app.ID, "e2"), bare, onlyA)
	putEndpoints(t, s, other.ID, full(other.ID, "e1"))

	must(t, "RemoveEndpointAttributes custom", s.RemoveEndpointAttributes(ctx, app.ID, inapp.EndpointCustomAttributes, []string{"a", "b", "absent"}))
	want := full(app.ID, "e1")
	want.Attributes = map[string][]string{"keep": {"3"}}
	sameJSON(t, "e1 after removing custom attributes", getEndpoint(t, s, app.ID, "e1"), want)

	must(t, "RemoveEndpointAttributes metric", s.RemoveEndpointAttributes(ctx, app.ID, inapp.EndpointMetricAttributes, []string{"m1"}))
	want.Metrics = map[string]float64{"m2": 2}
	sameJSON(t, "e1 after removing a metric", getEndpoint(t, s, app.ID, "e1"), want)

	must(t, "RemoveEndpointAttributes user", s.RemoveEndpointAttributes(ctx, app.ID, inapp.EndpointUserAttributes, []string{"u1"}))
	want.User.UserAttributes = map[string][]string{"u2": {"y"}}
	sameJSON(t, "e1 after removing a user attribute", getEndpoint(t, s, app.ID, "e1"), want)
	want.ID, want.Address = "e2", "device-token-e2"
	sameJSON(t, "e2, edited like e1", getEndpoint(t, s, app.ID, "e2"), want)

	sameJSON(t, "endpoint without attributes", getEndpoint(t, s, app.ID, "bare"), bare)
	sameJSON(t, "endpoint left with no attributes", getEndpoint(t, s, app.ID, "only-a"), &inapp.Endpoint{ID: "only-a"})
	sameJSON(t, "same endpoint ID in another app", getEndpoint(t, s, other.ID, "e1"), full(other.ID, "e1"))

	err := s.RemoveEndpointAttributes(ctx, app.ID, "endpoint-bogus-attributes", []string{"keep"})
	wantCode(t, "RemoveEndpointAttributes of an unknown kind", err, inapp.EINVALID)
	err = s.RemoveEndpointAttributes(ctx, "missing", inapp.EndpointCustomAttributes, []string{"a"})
	wantCode(t, "RemoveEndpointAttributes of a missing app", err, inapp.ENOTFOUND)
}

func testScanEndpoints(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other, empty := newApp(t, s), newApp(t, s), newApp(t, s)
	// Enough endpoints to cross any reasonable internal batch size.
	const n = 1234
	var es []*inapp.Endpoint
	var ids []string
	for i := range n {
		id := fmt.Sprintf("ep-%04d", i)
		es = append(es, endpointDoc(app.ID, id, ""))
		ids = append(ids, id)
	}
	putEndpoints(t, s, app.ID, es...)
	putEndpoints(t, s, other.ID, endpointDoc(other.ID, "stranger", ""))

	var seen []*inapp.Endpoint
	must(t, "ScanEndpoints", s.ScanEndpoints(ctx, app.ID, func(e *inapp.Endpoint) bool {
		seen = append(seen, e)
		return true
	}))
	sameIDSet(t, "ScanEndpoints visits every endpoint once", seen, endpointID, ids...)
	if len(seen) > 0 {
		sameJSON(t, "scanned endpoint", seen[0], endpointDoc(app.ID, seen[0].ID, ""))
	}

	calls := 0
	must(t, "ScanEndpoints stopped early", s.ScanEndpoints(ctx, app.ID, func(*inapp.Endpoint) bool {
		calls++
		return calls < 3
	}))
	if calls != 3 {
		t.Errorf("ScanEndpoints called fn %d times after it returned false on the 3rd call", calls)
	}

	calls = 0
	must(t, "ScanEndpoints of an app without endpoints", s.ScanEndpoints(ctx, empty.ID, func(*inapp.Endpoint) bool {
		calls++
		return true
	}))
	if calls != 0 {
		t.Errorf("ScanEndpoints of an app without endpoints called fn %d times", calls)
	}
	err := s.ScanEndpoints(ctx, "missing", func(*inapp.Endpoint) bool { return true })
	wantCode(t, "ScanEndpoints of a missing app", err, inapp.ENOTFOUND)
}

func testEndpointsByAddress(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	withAddress := func(appID, id, address string) *inapp.Endpoint {
		e := endpointDoc(appID, id, "")
		e.Address = address
		return e
	}
	putEndpoints(t, s, app.ID, withAddress(app.ID, "a1", "a@example.com"), withAddress(app.ID, "a2", "b@example.com"),
		withAddress(app.ID, "a3", "a@example.com"), endpointDoc(app.ID, "no-address", ""))
	putEndpoints(t, s, other.ID, withAddress(other.ID, "o1", "a@example.com"))

	es, err := s.EndpointsByAddress(ctx, app.ID, "a@example.com")
	must(t, "EndpointsByAddress", err)
	sameIDSet(t, "EndpointsByAddress a@", es, endpointID, "a1", "a3")
	for _, e := range es {
		sameJSON(t, "endpoint "+e.ID, e, withAddress(app.ID, e.ID, "a@example.com"))
	}
	// A changed address moves the endpoint between the answers.
	putEndpoints(t, s, app.ID, withAddress(app.ID, "a1", "b@example.com"))
	es, err = s.EndpointsByAddress(ctx, app.ID, "b@example.com")
	must(t, "EndpointsByAddress", err)
	sameIDSet(t, "EndpointsByAddress b@ after a change", es, endpointID, "a1", "a2")
	es, err = s.EndpointsByAddress(ctx, app.ID, "nobody@example.com")
	must(t, "EndpointsByAddress of an unknown address", err)
	sameIDSet(t, "EndpointsByAddress of an unknown address", es, endpointID)
	_, err = s.EndpointsByAddress(ctx, "missing", "a@example.com")
	wantCode(t, "EndpointsByAddress of a missing app", err, inapp.ENOTFOUND)

	// The batched form (imports) answers as EndpointsByAddress does for
	// each address, in creation order, other apps left out.
	l, ok := s.(inapp.AddressHolderLister)
	if !ok {
		return
	}
	putEndpoints(t, s, app.ID, withAddress(app.ID, "a4", "a@example.com"))
	many := []string{"a@example.com", "b@example.com", "nobody@example.com"}
	for i := range 600 { // more than one query's worth of addresses
		many = append(many, fmt.Sprintf("filler-%d@example.com", i))
	}
	got, err := l.EndpointsByAddresses(ctx, app.ID, many)
	must(t, "EndpointsByAddresses", err)
	for _, a := range many {
		one, err := s.EndpointsByAddress(ctx, app.ID, a)
		must(t, "EndpointsByAddress", err)
		if gotIDs, wantIDs := endpointIDs(got[a]), endpointIDs(one); !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("EndpointsByAddresses[%s] = %v, want %v (EndpointsByAddress, creation order)", a, gotIDs, wantIDs)
		}
	}
	if len(got) != 2 {
		t.Errorf("EndpointsByAddresses answered %d addresses, want the 2 that are held", len(got))
	}
}

func endpointIDs(es []*inapp.Endpoint) []string {
	ids := []string{}
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}
