//go:build unix

// Package e2etest is the harness the browser end-to-end tests share
// (test/websdk, test/console): they run the real inappd binary and a real
// Chromium driven by a Node.js script, so they need tools a plain `go test`
// machine may lack, and they must say how to get them rather than fail
// obscurely. Only _test files import it; the testing import stays out of
// the inappd binary.
package e2etest

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ChromiumPath is Debian's Chromium, the browser CI has; the scripts are
// told to launch this one rather than a downloaded build.
const ChromiumPath = "/usr/bin/chromium"

// Region is what requests are signed for: inappd accepts any, but the
// Pinpoint clients in the browser and in Go must agree with the signer.
const Region = "us-east-1"

// RepoRoot is the repository root: the nearest folder above the test's
// working directory (its package folder) that holds go.mod. The tests
// serve pages, run scripts and build the binary from paths relative to it.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = up
	}
}

// SDKDir is the browser SDK's folder (sdk/web): its node_modules hold
// playwright-core, which every browser script needs.
func SDKDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "sdk", "web")
}

// RequireNodeCommands skips the test unless each Node.js command (node,
// npm) is on PATH.
func RequireNodeCommands(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			Skipf(t, "%s not found on PATH: install Node.js 20+ (Debian: apt-get install -y nodejs npm)", name)
		}
	}
}

// RequireSDKPackages skips the test unless each npm package is installed in
// sdk/web/node_modules: they come from `npm ci`, which a fresh checkout has
// not run.
func RequireSDKPackages(t testing.TB, packages ...string) {
	t.Helper()
	for _, pkg := range packages {
		if _, err := os.Stat(filepath.Join(SDKDir(t), "node_modules", pkg, "package.json")); err != nil {
			Skipf(t, "npm package %s missing in sdk/web/node_modules: run `npm ci` in sdk/web", pkg)
		}
	}
}

// RequireChromium skips the test unless ChromiumPath is there.
func RequireChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		Skipf(t, "%s not found: apt-get install -y chromium", ChromiumPath)
	}
}

// ArtifactsDir is where the browser scripts put their screenshots, each
// suite in its own subfolder: $INAPPD_ARTIFACTS (relative to the repository
// root, as .ci/run sets it) so that CI can keep them, else a temporary
// directory that lives as long as the test.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("INAPPD_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		return filepath.Join(RepoRoot(t), dir)
	}
	return dir
}
