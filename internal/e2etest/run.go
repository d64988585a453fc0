//go:build unix

package e2etest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inappd/inappd/internal/syncbuf"
)

// Run runs a command (node with a browser script, npm) in dir, with env
// added to the test's own, and returns its combined output. The command
// gets its own process group, killed at the timeout, so that the Chromium
// a script launched dies with it instead of holding the output open. The
// error says how it failed: exit status and time taken, or the timeout.
func Run(timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return out.String(), fmt.Errorf("%s %s did not finish within %v", name, strings.Join(args, " "), timeout)
	}
	if err != nil {
		return out.String(), fmt.Errorf("%s %s failed (%v) after %v", name, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond))
	}
	return out.String(), nil
}

// MustRun is Run for a test that has nothing to read from a failed run's
// output but the output itself: it fails the test with it.
func MustRun(t testing.TB, timeout time.Duration, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := Run(timeout, dir, env, name, args...)
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, out)
	}
	return out
}
