//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The real AWS clients, as Debian packages them, against the real server:
// test/awscli/walkthrough.sh types the seed walk-through into the AWS CLI,
// test/boto3/walkthrough.py runs it and the in-app semantics through boto3.
// Both read the KPIs of the events they sent and put a file:// event
// stream under the server's --stream-dir.
// `aws` and `python3` on PATH may be pyenv shims, so the Debian binaries
// are named by absolute path.
const (
	debianAWS     = "/usr/bin/aws"
	debianPython3 = "/usr/bin/python3"
	// Each script gets clientTimeout, so that a hung client cannot hang
	// the suite. The CLI script makes about 105 AWS CLI calls at ~0.4 s of
	// CPU each: a busy machine may set INAPPD_CLIENT_TEST_TIMEOUT (a Go
	// duration) to give it longer.
	clientTimeout = 6 * time.Minute
)

func clientScriptTimeout(t *testing.T) time.Duration {
	if s := os.Getenv("INAPPD_CLIENT_TEST_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("INAPPD_CLIENT_TEST_TIMEOUT=%q: want a positive Go duration such as 5m", s)
		}
		return d
	}
	return clientTimeout
}

func TestAWSCLIWalkthrough(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command(debianAWS, "--version").CombinedOutput(); err != nil {
		skipf(t, "AWS CLI not installed (%s --version: %v %s): apt-get install awscli", debianAWS, err, bytes.TrimSpace(out))
	}
	runClientScript(t, "/bin/bash", scriptPath(t, "test/awscli/walkthrough.sh"))
}

func TestBoto3Walkthrough(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command(debianPython3, "-c", "import boto3").CombinedOutput(); err != nil {
		skipf(t, "boto3 not installed (%s -c 'import boto3': %v %s): apt-get install python3-boto3", debianPython3, err, bytes.TrimSpace(out))
	}
	runClientScript(t, debianPython3, scriptPath(t, "test/boto3/walkthrough.py"))
}

// scriptPath finds a script by its path from the repository root (tests
// run in cmd/inappd).
func scriptPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("client script: %v", err)
	}
	return p
}

// runClientScript starts a server and runs the script against it with the
// root key, in a clean environment (no inherited AWS_* settings or
// profiles: a temporary HOME). The server has a --stream-dir of its own,
// which the script gets as INAPPD_STREAM_DIR to put file:// event streams
// under. It fails with the script's whole output when the script exits
// non-zero or outlives clientTimeout.
func runClientScript(t *testing.T, interpreter, script string) {
	t.Helper()
	streamDir := t.TempDir()
	m, _ := streamNode(t, t.TempDir(), testDSN(t), streamDir)
	home := t.TempDir()
	timeout := clientScriptTimeout(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, interpreter, script)
	cmd.Dir = home
	cmd.Env = []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		// Seed 002 stamps events with local time and no zone, which the
		// server reads as UTC: keep the clients' local time UTC too.
		"TZ=UTC",
		"INAPPD_URL=" + m.URL(),
		"INAPPD_STREAM_DIR=" + streamDir,
		"AWS_ACCESS_KEY_ID=" + m.RootKey.ID,
		"AWS_SECRET_ACCESS_KEY=" + m.RootKey.Secret,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONUNBUFFERED=1",
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// The script and every client it starts share a process group, killed
	// as a whole on timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Round(time.Millisecond)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("%s did not finish within %v (INAPPD_CLIENT_TEST_TIMEOUT); output so far:\n%s", filepath.Base(script), timeout, out.String())
	}
	if err != nil {
		t.Fatalf("%s failed (%v) after %v; output:\n%s", filepath.Base(script), err, elapsed, out.String())
	}
	if testing.Verbose() {
		t.Logf("%s passed in %v; output:\n%s", filepath.Base(script), elapsed, out.String())
	}
}
