package e2etest

import (
	"os"
	"testing"
)

// strict is set by .ci/run (INAPPD_TEST_STRICT=1): there a missing tool or
// service must fail the run, or CI would pass without testing what needs
// it (the browser, the AWS CLI, PostgreSQL, NATS).
var strict = os.Getenv("INAPPD_TEST_STRICT") == "1"

// Skipf skips the test, or fails it in strict mode. Every test that needs
// an outside client or service calls it when that is missing, saying what
// to install.
func Skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	if strict {
		t.Fatalf("strict mode (INAPPD_TEST_STRICT=1): "+format, args...)
	}
	t.Skipf(format, args...)
}
