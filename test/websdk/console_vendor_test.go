//go:build unix

package websdk

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/inappd/inappd/internal/e2etest"
)

// TestConsoleVendorFresh: the web console (package console) has no build
// step and embeds the SDK as built and committed in
// console/static/vendor/inappd.mjs; it must be byte for byte what the SDK's
// sources build today, or the console's preview and signing would drift
// from the SDK customers run.
func TestConsoleVendorFresh(t *testing.T) {
	buildSDK(t)
	committed, err := os.ReadFile(filepath.Join(e2etest.RepoRoot(t), "console", "static", "vendor", "inappd.mjs"))
	if err != nil {
		t.Fatalf("console/static/vendor/inappd.mjs: %v (run `npm --prefix sdk/web run build`)", err)
	}
	if !bytes.Equal(committed, builtVendor) {
		t.Fatalf("console/static/vendor/inappd.mjs is stale: run `npm --prefix sdk/web run build` (committed %d B, fresh build %d B)", len(committed), len(builtVendor))
	}
	dist, err := os.ReadFile(filepath.Join(e2etest.SDKDir(t), "dist", "inappd.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dist, builtVendor) {
		t.Error("the console's copy differs from dist/inappd.mjs: scripts/build.mjs should copy the ESM build unchanged")
	}
}
