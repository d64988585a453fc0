//go:build unix

// Package websdk tests the browser SDK (sdk/web) and the real Amplify JS
// in-app messaging client against a real inappd:
//
//   - TestSDKUnit runs the SDK's unit tests (npm test);
//   - TestSDKBundleSize builds it and checks the 12 KB min+gzip budget;
//   - TestBrowser starts inappd (built from ./cmd/inappd, as a subprocess),
//     a static server on another origin for the pages (with a strict
//     Content-Security-Policy), and drives headless Chromium through
//     sdk/web/e2e/run.mjs (playwright-core); then it checks on the server
//     that the events landed and the caps counted.
//
// Node, the npm packages (sdk/web/node_modules) and /usr/bin/chromium are
// needed; without them the tests skip, or fail under INAPPD_TEST_STRICT=1.
// Screenshots go to $INAPPD_ARTIFACTS (default: a temporary directory).
package websdk

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inappd/inappd/internal/e2etest"
)

const sizeBudget = 12 * 1024

// requireNode skips unless node, npm and the SDK's npm packages are there.
func requireNode(t testing.TB) {
	t.Helper()
	e2etest.RequireNodeCommands(t, "node", "npm")
	e2etest.RequireSDKPackages(t, "typescript", "esbuild", "playwright-core", "aws-amplify")
}

func TestSDKUnit(t *testing.T) {
	requireNode(t)
	out := e2etest.MustRun(t, 3*time.Minute, e2etest.SDKDir(t), nil, "npm", "test", "--silent")
	// node --test closes with "# pass N" / "# fail N".
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# tests") || strings.HasPrefix(line, "# pass") || strings.HasPrefix(line, "# fail") {
			t.Log("sdk unit:", strings.TrimPrefix(line, "# "))
		}
	}
	if testing.Verbose() {
		t.Log(out)
	}
}

var (
	buildOnce sync.Once
	buildOut  string
	buildErr  error
	// builtVendor is the console's copy of the SDK (console/static/vendor/
	// inappd.mjs) as this build makes it; the build writes it to a
	// temporary file, so that the committed copy stays as committed.
	builtVendor []byte
)

// buildSDK builds sdk/web/dist once per test binary.
func buildSDK(t testing.TB) string {
	t.Helper()
	requireNode(t)
	buildOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "inappd-vendor-")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(tmp)
		cmd := exec.Command("node", "scripts/build.mjs")
		cmd.Dir = e2etest.SDKDir(t)
		cmd.Env = append(os.Environ(), "INAPPD_CONSOLE_VENDOR="+filepath.Join(tmp, "inappd.mjs"))
		out, err := cmd.CombinedOutput()
		buildOut, buildErr = string(out), err
		if err == nil {
			builtVendor, buildErr = os.ReadFile(filepath.Join(tmp, "inappd.mjs"))
		}
	})
	if buildErr != nil {
		t.Fatalf("build the SDK (node scripts/build.mjs in sdk/web): %v\n%s", buildErr, buildOut)
	}
	return buildOut
}

func TestSDKBundleSize(t *testing.T) {
	out := buildSDK(t)
	for _, f := range []string{"inappd.js", "inappd.mjs"} {
		b, err := os.ReadFile(filepath.Join(e2etest.SDKDir(t), "dist", f))
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(b)
		w.Close()
		t.Logf("size: dist/%s %d B min, %d B min+gzip (budget %d B)", f, len(b), gz.Len(), sizeBudget)
		if gz.Len() > sizeBudget {
			t.Errorf("dist/%s is %d B min+gzip, over the %d B budget", f, gz.Len(), sizeBudget)
		}
	}
	if !strings.Contains(out, "size:") {
		t.Errorf("the build printed no size line:\n%s", out)
	}
}

// lines splits output for logging.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
