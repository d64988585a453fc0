// Package storetest is the test suite every inapp.Store backend runs, the
// Litestream way: one body of tests, written against the interface only,
// so that SQLite today and PostgreSQL later are held to the same contract.
//
// A backend's test calls RunSuite with a function that opens an empty
// store:
//
//	func TestStore(t *testing.T) {
//		storetest.RunSuite(t, func(t *testing.T) inapp.Store {
//			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "inappd.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { db.Close() })
//			return db
//		})
//	}
package storetest

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

// test is one leaf of the suite. Each gets a store of its own.
type test struct {
	name string
	run  func(t *testing.T, s inapp.Store)
}

// RunSuite runs every test of the suite as a subtest. open must return an
// empty store each time it is called, and close it itself (t.Cleanup).
func RunSuite(t *testing.T, open func(t *testing.T) inapp.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Apps", appTests},
		{"Endpoints", endpointTests},
		{"Segments", versionedTests(segmentKind)},
		{"Campaigns", versionedTests(campaignKind)},
		{"Templates", templateTests},
		{"Events", eventTests},
		{"Analytics", analyticsTests},
		{"Tags", tagTests},
		{"Keys", keyTests},
		{"Imports", importTests},
		{"TestSends", testSendTests},
		{"EventStreams", streamTests},
		{"Retention", retentionTests},
	}
	t.Run("Ping", func(t *testing.T) {
		if err := open(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
			}
		})
	}
}
