package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
)

// TestBackupCommand: `inappd backup` copies the database of a running
// server; a server started on the copy serves what was stored, and a
// second backup into the same directory is refused.
func TestBackupCommand(t *testing.T) {
	t.Parallel()
	m := newTestMain(t) // the embedded SQLite whatever INAPPD_TEST_BACKEND says
	runTestMain(t, m)
	c := client(m, nil)
	app := createApp(t, c, "backed-up")
	deviceEvents(t, c, app, "d1", []string{"e1", "e2"}, time.Now())

	// A generated root key, as a server started without one keeps it.
	key := []byte(`{"AccessKeyId":"AKIAGENERATED0000000","SecretAccessKey":"generated"}` + "\n")
	if err := os.WriteFile(filepath.Join(m.Config.DataDir, rootKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "copy")
	backup := func() (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"backup", "--data", m.Config.DataDir, "--to", to}, &out, io.Discard)
		return out.String(), err
	}
	out, err := backup()
	if err != nil {
		t.Fatalf("inappd backup: %v", err)
	}
	if !strings.Contains(out, "inappd.events.db") {
		t.Errorf("inappd backup said %q; want it to name both files", out)
	}
	if b, err := os.ReadFile(filepath.Join(to, rootKeyFile)); err != nil || !bytes.Equal(b, key) {
		t.Errorf("the copy's %s: %q, %v; want the generated key", rootKeyFile, b, err)
	} else if fi, _ := os.Stat(filepath.Join(to, rootKeyFile)); fi.Mode().Perm() != 0o600 {
		t.Errorf("the copy's %s has mode %v, want 0600", rootKeyFile, fi.Mode().Perm())
	}

	restored := newTestMain(t)
	restored.Config.DataDir = to
	runTestMain(t, restored)
	got, err := client(restored, nil).GetApp(t.Context(), &pinpoint.GetAppInput{ApplicationId: aws.String(app)})
	if err != nil || str(got.ApplicationResponse.Name) != "backed-up" {
		t.Fatalf("GetApp on the copy: %v", err)
	}
	if n := len(listEvents(t, restored, app, "d1", "").Events); n != 2 {
		t.Errorf("the copy holds %d of the endpoint's events, want 2", n)
	}

	if _, err := backup(); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second backup into %s: %v; want it refused", to, err)
	}
	if err := run(t.Context(), []string{"backup", "--data", m.Config.DataDir}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("backup without --to: %v; want it to ask for --to", err)
	}
}
