package storetest

import (
	"context"
	"fmt"
	"testing"

	inapp "github.com/inappd/inappd"
)

// Segments and campaigns are versioned the same way; one set of tests
// covers both through a description of each kind.

// versionedKind describes a versioned resource to the tests. The methods
// are inapp.Store method expressions.
type versionedKind[T any] struct {
	noun         string
	doc          func(appID, id string, version int, name string) *T
	id           func(*T) string
	name         func(*T) string
	put          func(inapp.Store, context.Context, *T) error
	get          func(inapp.Store, context.Context, string, string, int) (*T, error)
	list         func(inapp.Store, context.Context, string, inapp.Page) ([]*T, string, error)
	listVersions func(inapp.Store, context.Context, string, string, inapp.Page) ([]*T, string, error)
	delete       func(inapp.Store, context.Context, string, string) (*T, error)
	all          func(inapp.Store, context.Context, string) ([]*T, error)
}

var segmentKind = versionedKind[inapp.Segment]{
	noun:         "segment",
	doc:          segmentDoc,
	id:           func(s *inapp.Segment) string { return s.ID },
	name:         func(s *inapp.Segment) string { return s.Name },
	put:          inapp.Store.PutSegment,
	get:          inapp.Store.GetSegment,
	list:         inapp.Store.ListSegments,
	listVersions: inapp.Store.ListSegmentVersions,
	delete:       inapp.Store.DeleteSegment,
	all:          inapp.Store.AllSegments,
}

var campaignKind = versionedKind[inapp.Campaign]{
	noun:         "campaign",
	doc:          campaignDoc,
	id:           func(c *inapp.Campaign) string { return c.ID },
	name:         func(c *inapp.Campaign) string { return c.Name },
	put:          inapp.Store.PutCampaign,
	get:          inapp.Store.GetCampaign,
	list:         inapp.Store.ListCampaigns,
	listVersions: inapp.Store.ListCampaignVersions,
	delete:       inapp.Store.DeleteCampaign,
	all:          inapp.Store.AllCampaigns,
}

func versionedTests[T any](k versionedKind[T]) []test {
	return []test{
		{"PutGetRoundTrip", k.testRoundTrip},
		{"NewVersions", k.testNewVersions},
		{"WrongVersionConflicts", k.testConflict},
		{"MissingNotFound", k.testMissing},
		{"MissingApp", k.testMissingApp},
		{"ListVersionsNewestFirst", k.testListVersions},
		{"ListLatestInCreationOrder", k.testList},
		{"All", k.testAll},
		{"DeleteRemovesAllVersions", k.testDelete},
	}
}

// putVersions stores versions 1..n of a resource, named "<id> v<version>".
func (k versionedKind[T]) putVersions(t *testing.T, s inapp.Store, appID, id string, n int) []*T {
	t.Helper()
	var docs []*T
	for v := 1; v <= n; v++ {
		doc := k.doc(appID, id, v, fmt.Sprintf("%s v%d", id, v))
		must(t, fmt.Sprintf("put %s %s version %d", k.noun, id, v), k.put(s, t.Context(), doc))
		docs = append(docs, doc)
	}
	return docs
}

func (k versionedKind[T]) mustGet(t *testing.T, s inapp.Store, appID, id string, version int) *T {
	t.Helper()
	got, err := k.get(s, t.Context(), appID, id, version)
	must(t, fmt.Sprintf("get %s %s version %d", k.noun, id, version), err)
	return got
}

func (k versionedKind[T]) testRoundTrip(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	v1 := k.putVersions(t, s, app.ID, "x", 1)[0]
	sameJSON(t, "version 0 (latest)", k.mustGet(t, s, app.ID, "x", 0), v1)
	sameJSON(t, "version 1", k.mustGet(t, s, app.ID, "x", 1), v1)
}

func (k versionedKind[T]) testNewVersions(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	docs := k.putVersions(t, s, app.ID, "x", 3)
	sameJSON(t, "version 0 is the latest", k.mustGet(t, s, app.ID, "x", 0), docs[2])
	for i, doc := range docs {
		sameJSON(t, fmt.Sprintf("version %d", i+1), k.mustGet(t, s, app.ID, "x", i+1), doc)
	}
	_, err := k.get(s, t.Context(), app.ID, "x", 4)
	wantCode(t, "version after the latest", err, inapp.ENOTFOUND)
}

func (k versionedKind[T]) testConflict(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	docs := k.putVersions(t, s, app.ID, "x", 2)
	for _, v := range []int{0, 1, 2, 4, -1} {
		err := k.put(s, ctx, k.doc(app.ID, "x", v, "conflicting"))
		wantCode(t, fmt.Sprintf("put version %d after version 2", v), err, inapp.ECONFLICT)
	}
	for _, v := range []int{0, 2} {
		err := k.put(s, ctx, k.doc(app.ID, "new", v, "conflicting"))
		wantCode(t, fmt.Sprintf("put version %d of a new %s", v, k.noun), err, inapp.ECONFLICT)
	}
	sameJSON(t, "latest after conflicts", k.mustGet(t, s, app.ID, "x", 0), docs[1])
	sameJSON(t, "version 1 after conflicts", k.mustGet(t, s, app.ID, "x", 1), docs[0])
	_, err := k.get(s, ctx, app.ID, "new", 0)
	wantCode(t, "a new "+k.noun+" put with a wrong version", err, inapp.ENOTFOUND)
}

func (k versionedKind[T]) testMissing(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	k.putVersions(t, s, app.ID, "x", 1)
	for _, v := range []int{0, 1} {
		_, err := k.get(s, ctx, app.ID, "missing", v)
		wantCode(t, fmt.Sprintf("get missing %s version %d", k.noun, v), err, inapp.ENOTFOUND)
	}
	_, err := k.get(s, ctx, app.ID, "x", 2)
	wantCode(t, "get a missing version", err, inapp.ENOTFOUND)
	_, _, err = k.listVersions(s, ctx, app.ID, "missing", inapp.Page{})
	wantCode(t, "list versions of a missing "+k.noun, err, inapp.ENOTFOUND)
	_, err = k.delete(s, ctx, app.ID, "missing")
	wantCode(t, "delete a missing "+k.noun, err, inapp.ENOTFOUND)

	// The same ID in another app is another resource.
	other := newApp(t, s)
	_, err = k.get(s, ctx, other.ID, "x", 0)
	wantCode(t, "get from another app", err, inapp.ENOTFOUND)
	k.putVersions(t, s, other.ID, "x", 1)
}

func (k versionedKind[T]) testMissingApp(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	err := k.put(s, ctx, k.doc("missing", "x", 1, "orphan"))
	wantCode(t, "put into a missing app", err, inapp.ENOTFOUND)
	_, _, err = k.list(s, ctx, "missing", inapp.Page{})
	wantCode(t, "list a missing app", err, inapp.ENOTFOUND)
	_, err = k.all(s, ctx, "missing")
	wantCode(t, "all of a missing app", err, inapp.ENOTFOUND)
}

func (k versionedKind[T]) testListVersions(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	docs := k.putVersions(t, s, app.ID, "x", 5)
	k.putVersions(t, s, app.ID, "y", 2)
	list := func(p inapp.Page) ([]*T, string, error) { return k.listVersions(s, t.Context(), app.ID, "x", p) }

	pages := allPages(t, "list versions", 2, list)
	wantSizes(t, "list versions, size 2", pages, 2, 2, 1)
	got := flatten(pages)
	sameIDs(t, "versions newest first", got, k.name, "x v5", "x v4", "x v3", "x v2", "x v1")
	if len(got) == 5 {
		sameJSON(t, "listed version 3", got[2], docs[2])
	}
	wantSizes(t, "list versions, size 5", allPages(t, "list versions", 5, list), 5)
	wantSizes(t, "list versions, default size", allPages(t, "list versions", 0, list), 5)
}

func (k versionedKind[T]) testList(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other, empty := newApp(t, s), newApp(t, s), newApp(t, s)
	list := func(p inapp.Page) ([]*T, string, error) { return k.list(s, ctx, app.ID, p) }

	for _, id := range []string{"c", "a", "e", "b", "d"} {
		k.putVersions(t, s, app.ID, id, 1)
	}
	k.putVersions(t, s, other.ID, "z", 1)
	// A new version of an older resource does not move it.
	v2 := k.doc(app.ID, "c", 2, "c v2")
	must(t, "put version 2", k.put(s, ctx, v2))

	pages := allPages(t, "list", 2, list)
	wantSizes(t, "list, size 2", pages, 2, 2, 1)
	got := flatten(pages)
	sameIDs(t, "list in creation order, latest versions", got, k.name, "c v2", "a v1", "e v1", "b v1", "d v1")
	if len(got) > 0 {
		sameJSON(t, "listed latest version", got[0], v2)
	}

	// Deleting one does not disturb paging through the others.
	_, err := k.delete(s, ctx, app.ID, "e")
	must(t, "delete", err)
	pages = allPages(t, "list after a delete", 2, list)
	wantSizes(t, "list after a delete", pages, 2, 2)
	sameIDs(t, "list after a delete", flatten(pages), k.id, "c", "a", "b", "d")

	items, next, err := k.list(s, ctx, empty.ID, inapp.Page{})
	must(t, "list an empty app", err)
	if len(items) != 0 || next != "" {
		t.Errorf("list an empty app: %d items, token %q", len(items), next)
	}
}

func (k versionedKind[T]) testAll(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other, empty := newApp(t, s), newApp(t, s), newApp(t, s)
	latestA := k.putVersions(t, s, app.ID, "a", 3)[2]
	latestB := k.putVersions(t, s, app.ID, "b", 1)[0]
	k.putVersions(t, s, other.ID, "z", 1)

	all, err := k.all(s, ctx, app.ID)
	must(t, "all", err)
	sameIDSet(t, "all", all, k.name, "a v3", "b v1")
	for _, doc := range all {
		want := latestA
		if k.id(doc) == "b" {
			want = latestB
		}
		sameJSON(t, "all: latest version", doc, want)
	}
	all, err = k.all(s, ctx, empty.ID)
	must(t, "all of an empty app", err)
	if len(all) != 0 {
		t.Errorf("all of an empty app: %d items", len(all))
	}
}

func (k versionedKind[T]) testDelete(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	docs := k.putVersions(t, s, app.ID, "x", 3)
	k.putVersions(t, s, app.ID, "y", 1)

	deleted, err := k.delete(s, ctx, app.ID, "x")
	must(t, "delete", err)
	sameJSON(t, "delete returns the latest version", deleted, docs[2])
	for v := range 4 {
		_, err := k.get(s, ctx, app.ID, "x", v)
		wantCode(t, fmt.Sprintf("get version %d after delete", v), err, inapp.ENOTFOUND)
	}
	_, _, err = k.listVersions(s, ctx, app.ID, "x", inapp.Page{})
	wantCode(t, "list versions after delete", err, inapp.ENOTFOUND)
	all, err := k.all(s, ctx, app.ID)
	must(t, "all", err)
	sameIDs(t, "all after delete", all, k.id, "y")
	_, err = k.delete(s, ctx, app.ID, "x")
	wantCode(t, "delete twice", err, inapp.ENOTFOUND)

	// Every version went: the ID starts again at version 1.
	again := k.putVersions(t, s, app.ID, "x", 1)[0]
	sameJSON(t, "re-created", k.mustGet(t, s, app.ID, "x", 0), again)
	versions, _, err := k.listVersions(s, ctx, app.ID, "x", inapp.Page{})
	must(t, "list versions", err)
	sameIDs(t, "versions of the re-created "+k.noun, versions, k.name, "x v1")
}
