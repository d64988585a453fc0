// Package console serves inappd's web console: plain ES modules and CSS
// under static/, embedded in the binary, so `inappd serve` needs no build
// step and no files beside it. The console talks to the server only
// through the public API (SigV4-signed in the browser), so this package
// holds no server logic: it is a static file handler with a strict
// Content-Security-Policy.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Prefix is where the console is mounted.
const Prefix = "/console/"

// CSP allows only the console's own files: no inline script or style (the
// pages set styles through the CSSOM), images from anywhere over https
// (template images), API calls and the preview frame on the same origin.
const CSP = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'"

// contentTypes is explicit rather than mime.TypeByExtension, which reads
// the system's tables: a module script served as anything but JavaScript
// is refused by the browser.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

type file struct {
	body        []byte
	etag        string
	contentType string
}

// files is static/ read once: the embedded files never change, so their
// ETags are computed at start-up.
var files = func() map[string]*file {
	root, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	m := map[string]*file{}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentTypes[path.Ext(name)]
		if !ok {
			return nil // not something the console serves
		}
		b, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[name] = &file{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: ct}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return m
}()

// Handler serves the console for requests under /console/: index.html for
// /console/ itself, the embedded file otherwise, 404 for anything else
// (no directory listings, no fallback page: routes live in the URL's
// fragment, which never reaches the server).
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if name == "" {
		name = "index.html"
	}
	f := files[name]
	if f == nil || name != path.Clean(name) {
		http.NotFound(w, r)
		return
	}
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	if strings.HasPrefix(name, "vendor/") {
		// The built SDK changes only with a new inappd release; a week
		// keeps repeat visits fast, the ETag makes the check cheap after.
		h.Set("Cache-Control", "public, max-age=604800")
		// The SDK is public code: web apps on other origins may load it
		// from here (the client-key snippet does), which a module script
		// fetch allows only with CORS.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	} else {
		// The console's own modules: always revalidate (cheap with the
		// ETag), so an upgraded server never mixes old and new modules.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}

// Mount puts the console in front of the API: /console/… to the console,
// /console to /console/, everything else to api untouched (no path
// cleaning or redirects of a ServeMux, which would change how the API
// answers odd paths).
func Mount(api http.Handler) http.Handler {
	console := Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, Prefix):
			console.ServeHTTP(w, r)
		case p == "/console" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		default:
			api.ServeHTTP(w, r)
		}
	})
}
