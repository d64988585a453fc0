//go:build unix

// Package jssdk runs the seed walk-through through the real AWS SDK for
// JavaScript v3 Pinpoint client (@aws-sdk/client-pinpoint, the npm
// package apps that used Pinpoint from JavaScript have) against a real
// inappd, built from ./cmd/inappd and run as a subprocess with a
// --stream-dir, so that the event stream part runs too.
//
// Node 20+ and the npm packages (`npm ci` in test/jssdk) are needed;
// without them the test skips, or fails under INAPPD_TEST_STRICT=1.
package jssdk

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inappd/inappd/internal/e2etest"
)

// The walk-through makes about 40 calls and waits for the stream file
// (a quarter of a second's polling); a minute is plenty even on a busy
// machine, and a hung client cannot hang the suite.
const timeout = 2 * time.Minute

// minChecks is how many checks the whole walk-through makes, event
// streams included: fewer means the script skipped or lost a part.
const minChecks = 47

var passLine = regexp.MustCompile(`(?m)^PASS: JS SDK walk-through .*: (\d+) checks$`)

func TestJSSDKWalkthrough(t *testing.T) {
	dir := filepath.Join(e2etest.RepoRoot(t), "test", "jssdk")
	requireNode(t, dir)

	// The server writes file:// event streams under this directory, and
	// the script reads them back from there.
	streams := t.TempDir()
	t.Setenv("INAPPD_STREAM_DIR", streams)
	s := e2etest.StartInappd(t, e2etest.Config{
		RootID: "AKIAJSSDKTESTROOT000", RootSecret: "jssdk-test-root-secret-00000000000000000",
	})

	// The script passes its keys and region to the client itself; empty
	// AWS config files keep a developer's profile (retries, endpoints) out.
	home := t.TempDir()
	env := []string{
		"INAPPD_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=" + s.RootID,
		"AWS_SECRET_ACCESS_KEY=" + s.RootSecret,
		"INAPPD_STREAM_DIR=" + streams,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
	}
	out := e2etest.MustRun(t, timeout, dir, env, "node", "walkthrough.mjs")
	if testing.Verbose() {
		t.Log(out)
	}
	m := passLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the walk-through exited 0 without its PASS line; output:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < minChecks {
		t.Fatalf("the walk-through made %d checks, want at least %d (did it skip a part?); output:\n%s", n, minChecks, out)
	}
	if strings.Contains(out, "\nskip:") {
		t.Fatalf("the walk-through skipped a part although it was given a stream directory; output:\n%s", out)
	}
	t.Log(strings.TrimSpace(m[0]))
}

// requireNode skips (fails in strict mode) unless node is Node.js 20 or
// later and the walk-through's npm packages are installed.
func requireNode(t *testing.T, dir string) {
	t.Helper()
	e2etest.RequireNodeCommands(t, "node")
	v, err := exec.Command("node", "--version").Output()
	if err != nil {
		e2etest.Skipf(t, "node --version: %v", err)
	}
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(strings.TrimSpace(string(v)), "v"), ".", 2)[0])
	if major < 20 {
		e2etest.Skipf(t, "node %s is too old: the walk-through needs Node.js 20+", strings.TrimSpace(string(v)))
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-pinpoint", "package.json")); err != nil {
		e2etest.Skipf(t, "@aws-sdk/client-pinpoint missing in test/jssdk/node_modules: run `npm ci` in test/jssdk")
	}
}
