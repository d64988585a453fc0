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
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	chromiumPath = "/usr/bin/chromium"
	sizeBudget   = 12 * 1024
)

// strict is set by .ci/run: a test that would skip for want of an outside
// tool fails instead.
var strict = os.Getenv("INAPPD_TEST_STRICT") == "1"

func skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	if strict {
		t.Fatalf("strict mode: "+format, args...)
	}
	t.Skipf(format, args...)
}

// repo is the repository root (tests run in test/websdk).
func repo(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sdkDir(t testing.TB) string { return filepath.Join(repo(t), "sdk", "web") }

// requireNode skips unless node, npm and the SDK's npm packages are there.
func requireNode(t testing.TB) {
	t.Helper()
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			skipf(t, "%s not found on PATH: install Node.js 20+ (Debian: apt-get install -y nodejs npm)", bin)
		}
	}
	for _, pkg := range []string{"typescript", "esbuild", "playwright-core", "aws-amplify"} {
		if _, err := os.Stat(filepath.Join(sdkDir(t), "node_modules", pkg, "package.json")); err != nil {
			skipf(t, "npm package %s missing in sdk/web/node_modules: run `npm ci` in sdk/web", pkg)
		}
	}
}

func requireChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		skipf(t, "%s not found: apt-get install -y chromium", chromiumPath)
	}
}

// run runs a command in dir and returns its combined output; it fails the
// test with that output when the command fails or outlives timeout.
func run(t testing.TB, timeout time.Duration, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("%s %s did not finish within %v; output:\n%s", name, strings.Join(args, " "), timeout, out.String())
	}
	if err != nil {
		t.Fatalf("%s %s failed (%v) after %v; output:\n%s", name, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out.String())
	}
	return out.String()
}

func TestSDKUnit(t *testing.T) {
	requireNode(t)
	out := run(t, 3*time.Minute, sdkDir(t), nil, "npm", "test", "--silent")
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
)

// buildSDK builds sdk/web/dist once per test binary.
func buildSDK(t testing.TB) string {
	t.Helper()
	requireNode(t)
	buildOnce.Do(func() {
		cmd := exec.Command("node", "scripts/build.mjs")
		cmd.Dir = sdkDir(t)
		out, err := cmd.CombinedOutput()
		buildOut, buildErr = string(out), err
	})
	if buildErr != nil {
		t.Fatalf("build the SDK (node scripts/build.mjs in sdk/web): %v\n%s", buildErr, buildOut)
	}
	return buildOut
}

func TestSDKBundleSize(t *testing.T) {
	out := buildSDK(t)
	for _, f := range []string{"inappd.js", "inappd.mjs"} {
		b, err := os.ReadFile(filepath.Join(sdkDir(t), "dist", f))
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

// ---------------------------------------------------------------------------
// A real inappd, as a subprocess.

type server struct {
	URL          string
	DataDir      string
	RootID, Root string
}

// buildInappd builds ./cmd/inappd into the test's temporary directory.
func buildInappd(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "inappd")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/inappd")
	cmd.Dir = repo(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/inappd: %v\n%s", err, out)
	}
	return bin
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startInappd runs `inappd serve` on a free loopback port with a fresh data
// directory, allowing the given browser origins; it is stopped when the
// test ends.
func startInappd(t testing.TB, corsOrigins ...string) *server {
	t.Helper()
	bin := buildInappd(t)
	s := &server{DataDir: t.TempDir(), RootID: "AKIAWEBSDKTESTROOT00", Root: "websdk-test-root-secret-000000000000000000"}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.URL = "http://" + addr
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", s.DataDir, "--cors-origins", strings.Join(corsOrigins, ","), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "INAPPD_ROOT_ACCESS_KEY_ID="+s.RootID, "INAPPD_ROOT_SECRET_ACCESS_KEY="+s.Root)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start inappd: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("inappd log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case <-done:
			t.Fatalf("inappd exited early:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("inappd not healthy after 20 s (%v):\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
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
