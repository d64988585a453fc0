package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
)

// changes starts db's change feed for the test and returns a function
// that waits (up to within) for the app ID want, and fails the test if it
// does not come. It returns how long after since it came.
func changes(t *testing.T, db *DB) func(want string, since time.Time, within time.Duration) time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := db.Changes(ctx)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		for range ch { // closed once the feed stopped
		}
	})
	return func(want string, start time.Time, within time.Duration) time.Duration {
		t.Helper()
		timeout := time.After(within)
		for {
			select {
			case got := <-ch:
				if got == want {
					return time.Since(start)
				}
			case <-timeout:
				t.Fatalf("change of %q not reported within %v", want, within)
				return 0
			}
		}
	}
}

// announce records a change as the triggers do (an operator may, after
// editing the snapshot tables with the triggers disabled).
func announce(ctx context.Context, db *DB, appID string) error {
	_, err := db.pool.Exec(ctx, `SELECT inappd_changed(ARRAY[$1::text])`, appID)
	return err
}

// Every write that changes what a delivery snapshot is built from is
// reported to the other nodes, through LISTEN/NOTIFY, promptly.
func TestPostgresChangeFeed(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	writer, reader := open(t, dsn), open(t, dsn)
	wait := changes(t, reader)

	app := &inapp.App{ID: inapp.NewID(), Name: "feed"}
	if err := writer.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	const bound = time.Second
	steps := []struct {
		name  string
		want  string // app ID the change must be reported under
		write func() error
	}{
		{"PutAppSettings", app.ID, func() error {
			return writer.PutAppSettings(ctx, &inapp.AppSettings{ApplicationID: app.ID, Limits: &inapp.CampaignLimits{Daily: new(3)}})
		}},
		{"PutSegment", app.ID, func() error {
			return writer.PutSegment(ctx, &inapp.Segment{ApplicationID: app.ID, ID: "seg", Version: 1, Name: "s"})
		}},
		{"PutCampaign", app.ID, func() error {
			return writer.PutCampaign(ctx, &inapp.Campaign{ApplicationID: app.ID, ID: "camp", Version: 1, Name: "c"})
		}},
		{"PutCampaign v2", app.ID, func() error {
			return writer.PutCampaign(ctx, &inapp.Campaign{ApplicationID: app.ID, ID: "camp", Version: 2, Name: "c", IsPaused: true})
		}},
		{"DeleteCampaign", app.ID, func() error { _, err := writer.DeleteCampaign(ctx, app.ID, "camp"); return err }},
		{"DeleteSegment", app.ID, func() error { _, err := writer.DeleteSegment(ctx, app.ID, "seg"); return err }},
		{"PutTemplate (every app)", "", func() error {
			return writer.PutTemplate(ctx, &inapp.Template{TemplateName: "tpl", TemplateType: "INAPP"}, true)
		}},
		{"SetActiveTemplateVersion (every app)", "", func() error {
			if err := writer.PutTemplate(ctx, &inapp.Template{TemplateName: "tpl", TemplateType: "INAPP"}, true); err != nil {
				return err
			}
			return writer.SetActiveTemplateVersion(ctx, "tpl", "2")
		}},
		{"inappd_changed (by hand)", app.ID, func() error { return announce(ctx, writer, app.ID) }},
		{"DeleteApp", app.ID, func() error { _, err := writer.DeleteApp(ctx, app.ID); return err }},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		d := wait(s.want, start, bound)
		t.Logf("%s: reported after %v", s.name, d.Round(time.Microsecond))
	}

	// A write that changes nothing a snapshot reads is not announced:
	// endpoints and events are read per request.
	if err := writer.CreateApp(ctx, &inapp.App{ID: "quiet", Name: "q"}); err != nil {
		t.Fatal(err)
	}
	if err := writer.UpdateEndpoints(ctx, "quiet", []string{"ep"}, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		return &inapp.Endpoint{ApplicationID: "quiet", ID: id, ChannelType: "IN_APP"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := writer.pool.QueryRow(ctx, `SELECT count(*) FROM app_changes WHERE app_id = 'quiet'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("app_changes rows for an app with only an endpoint: %d (%v), want 0", n, err)
	}
}

// The poll finds changes whose notification never arrived, and a broken
// LISTEN connection is re-made, with every snapshot reported stale once.
func TestPostgresChangeFeedSafetyNet(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	writer, reader := open(t, dsn), open(t, dsn)
	wait := changes(t, reader)

	// A version moved without a notification (as when the notification
	// was lost): the poll reports it within about pollInterval.
	start := time.Now()
	if _, err := writer.pool.Exec(ctx, `INSERT INTO app_changes (app_id, version) VALUES ('silent', 1)`); err != nil {
		t.Fatal(err)
	}
	d := wait("silent", start, 2*pollInterval+time.Second)
	t.Logf("silent change found by the poll after %v", d.Round(time.Millisecond))
	if d > time.Second {
		t.Errorf("the poll took %v, want at most 1s", d)
	}

	// The LISTEN connection is killed: the feed reports "" (every app),
	// then notifications flow again.
	var dbname string
	if err := writer.pool.QueryRow(ctx, `SELECT current_database()`).Scan(&dbname); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, pgtest.AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	start = time.Now()
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = $1 AND query LIKE 'LISTEN%'`, dbname); err != nil {
		t.Fatal(err)
	}
	d = wait("", start, 3*time.Second)
	t.Logf("LISTEN connection re-made after %v", d.Round(time.Millisecond))
	// Give the new connection its LISTEN, then check it carries changes.
	time.Sleep(100 * time.Millisecond)
	start = time.Now()
	if err := announce(ctx, writer, "after"); err != nil {
		t.Fatal(err)
	}
	d = wait("after", start, time.Second)
	t.Logf("notification on the new connection after %v", d.Round(time.Microsecond))
}

// A lease is held by one holder at a time; it is taken over only once it
// expired (by the database's clock), and released leases are free at once.
func TestPostgresLeases(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	a, b := open(t, dsn), open(t, dsn)
	const ttl = 700 * time.Millisecond
	must := func(ok bool, err error) bool {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !must(a.AcquireLease(ctx, "job", "A", ttl)) {
		t.Fatal("A could not take a free lease")
	}
	if must(b.AcquireLease(ctx, "job", "B", ttl)) {
		t.Fatal("B took a lease A holds")
	}
	if !must(a.AcquireLease(ctx, "job", "A", ttl)) {
		t.Fatal("A could not take again the lease it holds")
	}
	if !must(a.RenewLease(ctx, "job", "A", ttl)) {
		t.Fatal("A could not renew its lease")
	}
	time.Sleep(ttl + 100*time.Millisecond)
	if !must(b.AcquireLease(ctx, "job", "B", ttl)) {
		t.Fatal("B could not take an expired lease")
	}
	if must(a.RenewLease(ctx, "job", "A", ttl)) {
		t.Fatal("A renewed a lease B took over")
	}
	if err := a.ReleaseLease(ctx, "job", "A"); err != nil {
		t.Fatal(err)
	}
	if must(a.AcquireLease(ctx, "job", "A", ttl)) {
		t.Fatal("A's release freed B's lease")
	}
	if err := b.ReleaseLease(ctx, "job", "B"); err != nil {
		t.Fatal(err)
	}
	if !must(a.AcquireLease(ctx, "job", "A", ttl)) {
		t.Fatal("a released lease is not free")
	}
}
