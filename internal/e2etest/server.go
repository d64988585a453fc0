//go:build unix

package e2etest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/inappd/inappd/internal/syncbuf"
)

// Config is what a suite's inappd runs with.
type Config struct {
	// RootID and RootSecret are the root key, given as an operator gives
	// it (INAPPD_ROOT_ACCESS_KEY_ID, INAPPD_ROOT_SECRET_ACCESS_KEY); each
	// suite has its own so that a log line says which one it came from.
	RootID, RootSecret string
	// CORSOrigins are the origins the test's pages are served from
	// (--cors-origins): the browser's calls are cross-origin, as a
	// customer's site's are.
	CORSOrigins []string
}

// Server is a running inappd.
type Server struct {
	URL string
	// DataDir is its --data directory, so that a test can open the
	// database and check what landed.
	DataDir            string
	RootID, RootSecret string
}

// BuildInappd builds ./cmd/inappd into the test's temporary directory: the
// browser talks to the binary users run, not to a server in the test
// process.
func BuildInappd(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "inappd")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/inappd")
	cmd.Dir = RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/inappd: %v\n%s", err, out)
	}
	return bin
}

// StartInappd builds inappd and runs `inappd serve` on a free loopback
// port with a fresh data directory, and returns once /healthz answers.
// When the test ends it is stopped with SIGTERM (its graceful shutdown,
// killed after 10 s), and its log is shown if the test failed: the log
// level is warn, so that log is what went wrong on the server's side.
func StartInappd(t testing.TB, c Config) *Server {
	t.Helper()
	bin := BuildInappd(t)
	s := &Server{DataDir: t.TempDir(), RootID: c.RootID, RootSecret: c.RootSecret}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.URL = "http://" + addr
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", s.DataDir, "--cors-origins", strings.Join(c.CORSOrigins, ","), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "INAPPD_ROOT_ACCESS_KEY_ID="+s.RootID, "INAPPD_ROOT_SECRET_ACCESS_KEY="+s.RootSecret)
	var logs syncbuf.Buffer
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

// freePort picks a loopback port for the subprocess to listen on; inappd
// is told an address rather than reporting the one it got.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Call sends a request signed with the root key (SigV4, by the AWS SDK's
// signer, not inappd's own) and returns the status and the body. It is for
// the calls no Pinpoint client has: inappd's extension endpoints.
func (s *Server) Call(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: s.RootID, SecretAccessKey: s.RootSecret}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "mobiletargeting", Region, time.Now()); err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
