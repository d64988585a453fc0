package postgres

import (
	"context"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

func TestPostgresEndpointCaps(t *testing.T) {
	storetest.EndpointCaps(t, open(t, pgtest.NewDatabase(t)))
}

func TestPostgresLatestVersions(t *testing.T) {
	storetest.LatestVersions(t, open(t, pgtest.NewDatabase(t)))
}

// ChangeVersion moves with every change of an app's snapshot inputs,
// including the account's templates, and not with another app's.
func TestPostgresChangeVersion(t *testing.T) {
	ctx := context.Background()
	db := open(t, pgtest.NewDatabase(t))
	version := func(appID string) int64 {
		t.Helper()
		v, err := db.ChangeVersion(ctx, appID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := version("never-seen"); v != 0 {
		t.Errorf("ChangeVersion of an app that never changed: %d, want 0", v)
	}
	for _, id := range []string{"app", "other"} {
		if err := db.CreateApp(ctx, &inapp.App{ID: id, Name: id, CreationDate: "2026-11-21T00:00:00.000Z"}); err != nil {
			t.Fatal(err)
		}
	}
	v0 := version("app")
	settings := &inapp.AppSettings{ApplicationID: "app", LastModifiedDate: "2026-11-21T00:00:00.000Z"}
	if err := db.PutAppSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	v1 := version("app")
	if v1 <= v0 {
		t.Errorf("settings written: version %d, was %d", v1, v0)
	}
	other := &inapp.AppSettings{ApplicationID: "other", LastModifiedDate: "2026-11-21T00:00:00.000Z"}
	if err := db.PutAppSettings(ctx, other); err != nil {
		t.Fatal(err)
	}
	if v := version("app"); v != v1 {
		t.Errorf("another app's write moved the version: %d, was %d", v, v1)
	}
	tmpl := &inapp.Template{TemplateName: "welcome", TemplateType: "INAPP", Layout: "TOP_BANNER",
		CreationDate: "2026-11-21T00:00:00.000Z", LastModifiedDate: "2026-11-21T00:00:00.000Z"}
	if err := db.PutTemplate(ctx, tmpl, true); err != nil {
		t.Fatal(err)
	}
	if v := version("app"); v <= v1 {
		t.Errorf("a template written: version %d, was %d", v, v1)
	}
}
