package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/e2etest"
)

// skipf skips the test, or fails it in strict mode (e2etest.Skipf).
var skipf = e2etest.Skipf

// startServer runs the real server, as `inappd serve` does, on a loopback
// port with a fresh data directory, and stops it when the test ends.
func startServer(t testing.TB) *Main {
	t.Helper()
	m := newTestMain(t)
	m.Config.CORSOrigins = []string{"http://localhost:5173"}
	useTestBackend(t, m) // INAPPD_TEST_BACKEND=postgres: a throwaway PostgreSQL database
	runTestMain(t, m)
	return m
}

// newTestMain is a Main set up as the tests' servers are, not started: a
// loopback port the system picks, a data directory of its own, the test
// root key, no banner, logs at warn (info with -v) on stderr.
func newTestMain(t testing.TB) *Main {
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DataDir = t.TempDir()
	m.Config.RootAccessKeyID = "AKIATESTROOT00000000"
	m.Config.RootSecretAccessKey = "test-root-secret-0000000000000000000000"
	m.Stdout = io.Discard
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	return m
}

// runTestMain starts m and closes it when the test ends.
func runTestMain(t testing.TB, m *Main) {
	t.Helper()
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start inappd: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close inappd: %v", err)
		}
	})
}

// client returns an aws-sdk-go-v2 Pinpoint client for the server, signing
// with the given key (the root key when nil). Retries are off so that
// tests see every error as the server sent it.
func client(m *Main, key *inapp.AccessKey) *pinpoint.Client {
	if key == nil {
		key = m.RootKey
	}
	return pinpoint.New(pinpoint.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(m.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(key.ID, key.Secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   http.DefaultClient,
	})
}
