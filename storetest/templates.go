package storetest

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

var templateTests = []test{
	{"NewVersions", testTemplateNewVersions},
	{"ActiveVersion", testTemplateActiveVersion},
	{"Overwrite", testTemplateOverwrite},
	{"MissingNotFound", testTemplateMissing},
	{"ListVersionsNewestFirst", testTemplateListVersions},
	{"DeleteVersion", testTemplateDeleteVersion},
	{"DeleteActiveVersion", testTemplateDeleteActive},
	{"DeleteAllVersions", testTemplateDeleteAll},
	{"ListByPrefix", testTemplateListByPrefix},
}

// putNew stores a new version of template name with the given text and
// returns what a get should give back.
func putNew(t *testing.T, s inapp.Store, name, text, wantVersion string) *inapp.Template {
	t.Helper()
	tmpl := templateDoc(name, text)
	must(t, "PutTemplate new version of "+name, s.PutTemplate(t.Context(), tmpl, true))
	if tmpl.Version != wantVersion {
		t.Fatalf("PutTemplate new version of %s set Version %q, want %q", name, tmpl.Version, wantVersion)
	}
	return tmpl
}

func getTemplate(t *testing.T, s inapp.Store, name, version string) *inapp.Template {
	t.Helper()
	got, err := s.GetTemplate(t.Context(), name, version)
	must(t, "GetTemplate "+name+" version "+version, err)
	return got
}

func wantLatest(t *testing.T, s inapp.Store, name, want string) {
	t.Helper()
	got, err := s.LatestTemplateVersion(t.Context(), name)
	must(t, "LatestTemplateVersion", err)
	if got != want {
		t.Errorf("LatestTemplateVersion(%s) = %q, want %q", name, got, want)
	}
}

func wantActive(t *testing.T, s inapp.Store, name string, want *inapp.Template) {
	t.Helper()
	sameJSON(t, "active version of "+name, getTemplate(t, s, name, ""), want)
}

func testTemplateNewVersions(t *testing.T, s inapp.Store) {
	v1 := putNew(t, s, "promo", "one", "1")
	sameJSON(t, "version 1", getTemplate(t, s, "promo", "1"), v1)
	wantActive(t, s, "promo", v1)
	wantLatest(t, s, "promo", "1")

	v2 := putNew(t, s, "promo", "two", "2")
	v3 := putNew(t, s, "promo", "three", "3")
	sameJSON(t, "version 2", getTemplate(t, s, "promo", "2"), v2)
	sameJSON(t, "version 3", getTemplate(t, s, "promo", "3"), v3)
	wantLatest(t, s, "promo", "3")
	// New versions do not change the active one.
	wantActive(t, s, "promo", v1)

	// Another template numbers its versions on its own.
	putNew(t, s, "other", "one", "1")
}

func testTemplateActiveVersion(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	putNew(t, s, "promo", "one", "1")
	putNew(t, s, "promo", "two", "2")
	v3 := putNew(t, s, "promo", "three", "3")

	must(t, "SetActiveTemplateVersion", s.SetActiveTemplateVersion(ctx, "promo", "3"))
	wantActive(t, s, "promo", v3)
	v4 := putNew(t, s, "promo", "four", "4")
	wantActive(t, s, "promo", v3)
	must(t, "SetActiveTemplateVersion", s.SetActiveTemplateVersion(ctx, "promo", "4"))
	wantActive(t, s, "promo", v4)

	for _, v := range []string{"5", "0", "", "x"} {
		err := s.SetActiveTemplateVersion(ctx, "promo", v)
		wantCode(t, "SetActiveTemplateVersion to missing version "+v, err, inapp.ENOTFOUND)
	}
	wantActive(t, s, "promo", v4)
	err := s.SetActiveTemplateVersion(ctx, "missing", "1")
	wantCode(t, "SetActiveTemplateVersion of a missing template", err, inapp.ENOTFOUND)
}

func testTemplateOverwrite(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	v1 := putNew(t, s, "promo", "one", "1")
	putNew(t, s, "promo", "two", "2")
	v3 := putNew(t, s, "promo", "three", "3")

	over := templateDoc("promo", "two, rewritten")
	over.Layout = "OVERLAYS"
	over.Version = "2"
	must(t, "PutTemplate overwrite", s.PutTemplate(ctx, over, false))
	if over.Version != "2" {
		t.Errorf("PutTemplate overwrite set Version %q, want 2", over.Version)
	}
	sameJSON(t, "overwritten version", getTemplate(t, s, "promo", "2"), over)
	sameJSON(t, "version 1", getTemplate(t, s, "promo", "1"), v1)
	sameJSON(t, "version 3", getTemplate(t, s, "promo", "3"), v3)
	wantLatest(t, s, "promo", "3")
	wantActive(t, s, "promo", v1)
	versions, _, err := s.ListTemplateVersions(ctx, "promo", inapp.Page{})
	must(t, "ListTemplateVersions", err)
	sameIDs(t, "versions after an overwrite", versions, templateVersion, "3", "2", "1")

	// Overwriting the active version changes what the active version reads.
	over1 := templateDoc("promo", "one, rewritten")
	over1.Version = "1"
	must(t, "PutTemplate overwrite active", s.PutTemplate(ctx, over1, false))
	wantActive(t, s, "promo", over1)

	for _, v := range []string{"4", "0"} {
		missing := templateDoc("promo", "nowhere")
		missing.Version = v
		wantCode(t, "PutTemplate overwrite of missing version "+v, s.PutTemplate(ctx, missing, false), inapp.ENOTFOUND)
	}
	missing := templateDoc("missing", "nowhere")
	missing.Version = "1"
	wantCode(t, "PutTemplate overwrite of a missing template", s.PutTemplate(ctx, missing, false), inapp.ENOTFOUND)
	wantLatest(t, s, "promo", "3")
	_, err = s.GetTemplate(ctx, "missing", "")
	wantCode(t, "template after a failed overwrite", err, inapp.ENOTFOUND)
}

func testTemplateMissing(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	putNew(t, s, "promo", "one", "1")
	for _, v := range []string{"", "1"} {
		_, err := s.GetTemplate(ctx, "missing", v)
		wantCode(t, "GetTemplate of a missing template, version "+v, err, inapp.ENOTFOUND)
	}
	for _, v := range []string{"2", "0", "-1", "one"} {
		_, err := s.GetTemplate(ctx, "promo", v)
		wantCode(t, "GetTemplate of missing version "+v, err, inapp.ENOTFOUND)
	}
	_, err := s.LatestTemplateVersion(ctx, "missing")
	wantCode(t, "LatestTemplateVersion of a missing template", err, inapp.ENOTFOUND)
	_, _, err = s.ListTemplateVersions(ctx, "missing", inapp.Page{})
	wantCode(t, "ListTemplateVersions of a missing template", err, inapp.ENOTFOUND)
	wantCode(t, "DeleteTemplate of a missing template", s.DeleteTemplate(ctx, "missing", ""), inapp.ENOTFOUND)
	wantCode(t, "DeleteTemplate of a missing version", s.DeleteTemplate(ctx, "promo", "2"), inapp.ENOTFOUND)
}

func testTemplateListVersions(t *testing.T, s inapp.Store) {
	var docs []*inapp.Template
	for _, v := range []string{"1", "2", "3", "4", "5"} {
		docs = append(docs, putNew(t, s, "promo", "text "+v, v))
	}
	putNew(t, s, "other", "x", "1")
	list := func(p inapp.Page) ([]*inapp.Template, string, error) {
		return s.ListTemplateVersions(t.Context(), "promo", p)
	}
	pages := allPages(t, "ListTemplateVersions", 2, list)
	wantSizes(t, "ListTemplateVersions size 2", pages, 2, 2, 1)
	got := flatten(pages)
	sameIDs(t, "ListTemplateVersions newest first", got, templateVersion, "5", "4", "3", "2", "1")
	if len(got) == 5 {
		sameJSON(t, "listed version 4", got[1], docs[3])
	}
	wantSizes(t, "ListTemplateVersions size 5", allPages(t, "ListTemplateVersions", 5, list), 5)
}

func testTemplateDeleteVersion(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	v1 := putNew(t, s, "promo", "one", "1")
	putNew(t, s, "promo", "two", "2")
	v3 := putNew(t, s, "promo", "three", "3")

	must(t, "DeleteTemplate version 2", s.DeleteTemplate(ctx, "promo", "2"))
	_, err := s.GetTemplate(ctx, "promo", "2")
	wantCode(t, "GetTemplate of a deleted version", err, inapp.ENOTFOUND)
	sameJSON(t, "version 3", getTemplate(t, s, "promo", "3"), v3)
	wantActive(t, s, "promo", v1)
	versions, _, err := s.ListTemplateVersions(ctx, "promo", inapp.Page{})
	must(t, "ListTemplateVersions", err)
	sameIDs(t, "versions after deleting one", versions, templateVersion, "3", "1")
	wantCode(t, "DeleteTemplate of a deleted version", s.DeleteTemplate(ctx, "promo", "2"), inapp.ENOTFOUND)

	// Deleting the last remaining versions one by one deletes the template.
	must(t, "DeleteTemplate version 3", s.DeleteTemplate(ctx, "promo", "3"))
	must(t, "DeleteTemplate version 1", s.DeleteTemplate(ctx, "promo", "1"))
	_, err = s.GetTemplate(ctx, "promo", "")
	wantCode(t, "GetTemplate once every version is deleted", err, inapp.ENOTFOUND)
	listed, _, err := s.ListTemplates(ctx, "", inapp.Page{})
	must(t, "ListTemplates", err)
	sameIDs(t, "ListTemplates once every version is deleted", listed, templateVersion)
}

func testTemplateDeleteActive(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	putNew(t, s, "promo", "one", "1")
	putNew(t, s, "promo", "two", "2")
	v3 := putNew(t, s, "promo", "three", "3")
	v4 := putNew(t, s, "promo", "four", "4")
	must(t, "SetActiveTemplateVersion", s.SetActiveTemplateVersion(ctx, "promo", "2"))

	must(t, "DeleteTemplate active version 2", s.DeleteTemplate(ctx, "promo", "2"))
	wantActive(t, s, "promo", v4)
	must(t, "DeleteTemplate active version 4", s.DeleteTemplate(ctx, "promo", "4"))
	wantActive(t, s, "promo", v3)
	wantLatest(t, s, "promo", "3")
}

func testTemplateDeleteAll(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	putNew(t, s, "promo", "one", "1")
	putNew(t, s, "promo", "two", "2")
	other := putNew(t, s, "other", "x", "1")

	must(t, "DeleteTemplate all versions", s.DeleteTemplate(ctx, "promo", ""))
	for _, v := range []string{"", "1", "2"} {
		_, err := s.GetTemplate(ctx, "promo", v)
		wantCode(t, "GetTemplate after deleting all versions, version "+v, err, inapp.ENOTFOUND)
	}
	_, err := s.LatestTemplateVersion(ctx, "promo")
	wantCode(t, "LatestTemplateVersion after deleting all versions", err, inapp.ENOTFOUND)
	_, _, err = s.ListTemplateVersions(ctx, "promo", inapp.Page{})
	wantCode(t, "ListTemplateVersions after deleting all versions", err, inapp.ENOTFOUND)
	wantCode(t, "DeleteTemplate twice", s.DeleteTemplate(ctx, "promo", ""), inapp.ENOTFOUND)
	wantActive(t, s, "other", other)

	// The name starts again at version 1.
	again := putNew(t, s, "promo", "again", "1")
	wantActive(t, s, "promo", again)
}

func testTemplateListByPrefix(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	list := func(prefix string) lister[inapp.Template] {
		return func(p inapp.Page) ([]*inapp.Template, string, error) { return s.ListTemplates(ctx, prefix, p) }
	}
	name := func(t *inapp.Template) string { return t.TemplateName }
	wantSizes(t, "ListTemplates with no templates", allPages(t, "ListTemplates", 0, list("")), 0)

	putNew(t, s, "promo-b", "b", "1")
	putNew(t, s, "welcome", "w", "1")
	putNew(t, s, "promo-a", "a1", "1")
	a2 := putNew(t, s, "promo-a", "a2", "2")
	putNew(t, s, "50%_off", "p", "1")
	putNew(t, s, "50 off", "q", "1")
	putNew(t, s, "PROMO-c", "c", "1")

	pages := allPages(t, "ListTemplates", 2, list(""))
	wantSizes(t, "ListTemplates size 2", pages, 2, 2, 2)
	sameIDs(t, "ListTemplates in creation order", flatten(pages), name, "promo-b", "welcome", "promo-a", "50%_off", "50 off", "PROMO-c")

	pages = allPages(t, "ListTemplates promo-", 1, list("promo-"))
	wantSizes(t, "ListTemplates promo- size 1", pages, 1, 1)
	got := flatten(pages)
	sameIDs(t, "ListTemplates promo- (case-sensitive)", got, name, "promo-b", "promo-a")
	// Listings show the active version: version 1 of promo-a, not 2.
	sameIDs(t, "ListTemplates versions", got, templateVersion, "1", "1")

	must(t, "SetActiveTemplateVersion", s.SetActiveTemplateVersion(ctx, "promo-a", "2"))
	got = flatten(allPages(t, "ListTemplates promo-a", 0, list("promo-a")))
	if len(got) != 1 {
		t.Fatalf("ListTemplates promo-a: %d templates, want 1", len(got))
	}
	sameJSON(t, "ListTemplates shows the active version", got[0], a2)

	// A prefix is plain text, not a pattern.
	sameIDs(t, "ListTemplates 50%", flatten(allPages(t, "ListTemplates", 0, list("50%"))), name, "50%_off")
	sameIDs(t, "ListTemplates 50_", flatten(allPages(t, "ListTemplates", 0, list("50_"))), name)
	sameIDs(t, "ListTemplates nomatch", flatten(allPages(t, "ListTemplates", 0, list("nomatch"))), name)
}
