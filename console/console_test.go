package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServesIndex(t *testing.T) {
	w := get(t, Handler(), "GET", "/console/")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /console/: %d", w.Code)
	}
	if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := w.Header().Get("Content-Security-Policy"); got != CSP {
		t.Errorf("Content-Security-Policy %q, want %q", got, CSP)
	}
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-src 'self'"} {
		if !strings.Contains(CSP, want) {
			t.Errorf("CSP lacks %s", want)
		}
	}
	body := w.Body.String()
	if !strings.Contains(body, `<script type="module" src="app.js"></script>`) || !strings.Contains(body, `href="console.css"`) {
		t.Errorf("index.html does not load app.js and console.css:\n%s", body)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options: nosniff")
	}
	// /console/index.html is the same file.
	if w2 := get(t, Handler(), "GET", "/console/index.html"); w2.Code != 200 || w2.Body.String() != body {
		t.Errorf("/console/index.html: %d", w2.Code)
	}
}

func TestContentTypes(t *testing.T) {
	for target, want := range map[string]string{
		"/console/app.js":            "text/javascript; charset=utf-8",
		"/console/api.js":            "text/javascript; charset=utf-8",
		"/console/pages/apps.js":     "text/javascript; charset=utf-8",
		"/console/vendor/inappd.mjs": "text/javascript; charset=utf-8",
		"/console/console.css":       "text/css; charset=utf-8",
		"/console/preview.html":      "text/html; charset=utf-8",
		"/console/favicon.svg":       "image/svg+xml",
	} {
		w := get(t, Handler(), "GET", target)
		if w.Code != 200 {
			t.Errorf("GET %s: %d", target, w.Code)
			continue
		}
		if got := w.Header().Get("Content-Type"); got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", target, got, want)
		}
		if w.Header().Get("Content-Security-Policy") != CSP {
			t.Errorf("GET %s: no CSP", target)
		}
	}
}

func TestCaching(t *testing.T) {
	w := get(t, Handler(), "GET", "/console/vendor/inappd.mjs")
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("vendor Cache-Control %q, want a long max-age", cc)
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("vendor SDK without Access-Control-Allow-Origin: web apps on other origins cannot import it")
	}
	w = get(t, Handler(), "GET", "/console/app.js")
	if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("app.js Cache-Control %q, want no-cache", cc)
	}
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if w := get(t, Handler(), "GET", "/console/app.js", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", w.Code)
	}
}

func TestNotFound(t *testing.T) {
	for _, target := range []string{
		"/console/nope.js",
		"/console/pages/",  // no directory listings
		"/console/pages",   //
		"/console/vendor/", //
		"/console/static/app.js",
		"/console/../go.mod",
		"/console/pages/../app.js", // only clean paths
		"/console//app.js",
		"/console/console.go",
	} {
		w := get(t, Handler(), "GET", target)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, w.Code)
		}
	}
	if w := get(t, Handler(), "POST", "/console/"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /console/: %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
	if w := get(t, Handler(), "HEAD", "/console/app.js"); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
}

// TestMount checks that the console takes /console and /console/… only:
// every other path reaches the API handler untouched.
func TestMount(t *testing.T) {
	var apiGot []string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiGot = append(apiGot, r.Method+" "+r.URL.Path)
		w.WriteHeader(299)
	})
	h := Mount(api)
	for _, target := range []string{
		"/healthz", "/v1/apps", "/v1/apps/x/campaigns", "/inappd/v1/apps/x/keys", "/", "/consoles",
		"/v1/console/", "/console.js", "//console/", "/v1/apps//segments", "/v1/tags/arn%3Aaws%3Amobiletargeting",
	} {
		apiGot = nil
		w := get(t, h, "GET", target)
		if w.Code != 299 || len(apiGot) != 1 {
			t.Errorf("GET %s: %d, API saw %v; the console must not take it", target, w.Code, apiGot)
		}
		if w.Header().Get("Content-Security-Policy") != "" {
			t.Errorf("GET %s: the console's CSP leaked onto an API answer", target)
		}
	}
	// Only GET and HEAD of /console redirect; anything else is the API's to answer.
	if w := get(t, h, "POST", "/console"); w.Code != 299 {
		t.Errorf("POST /console: %d, want the API's answer", w.Code)
	}
	w := get(t, h, "GET", "/console")
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/console/" {
		t.Errorf("GET /console: %d Location %q", w.Code, w.Header().Get("Location"))
	}
	apiGot = nil
	if w := get(t, h, "GET", "/console/app.js"); w.Code != 200 || len(apiGot) != 0 {
		t.Errorf("GET /console/app.js through Mount: %d, API saw %v", w.Code, apiGot)
	}
}

var (
	staticImport  = regexp.MustCompile(`(?m)^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}/[^']+)'`)
	dynamicImport = regexp.MustCompile(`import\('(\.{1,2}/[^']+)'\)`)
	pageModules   = regexp.MustCompile(`PAGE_MODULES = \[([^\]]*)\]`)
)

// TestModulesResolve: every relative import of every console module names
// an embedded file, so no page breaks on a missing or misnamed module
// (there is no build step to catch it).
func TestModulesResolve(t *testing.T) {
	for name, f := range files {
		if path.Ext(name) != ".js" {
			continue
		}
		src := string(f.body)
		for _, m := range append(staticImport.FindAllStringSubmatch(src, -1), dynamicImport.FindAllStringSubmatch(src, -1)...) {
			target := path.Join(path.Dir(name), m[1])
			if files[target] == nil {
				t.Errorf("%s imports %s: %s is not embedded", name, m[1], target)
			}
		}
	}
	m := pageModules.FindStringSubmatch(string(files["app.js"].body))
	if m == nil {
		t.Fatal("app.js: no PAGE_MODULES list")
	}
	for _, p := range strings.Split(m[1], ",") {
		p = strings.Trim(strings.TrimSpace(p), "'")
		if files["pages/"+p+".js"] == nil {
			t.Errorf("app.js loads pages/%s.js, which is not embedded", p)
		}
	}
}

// TestNoInlineCode: the CSP forbids inline scripts and styles, so the
// HTML must not hold any (a browser would refuse them silently).
func TestNoInlineCode(t *testing.T) {
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		b, _ := static.ReadFile(p)
		s := string(b)
		if inlineScript.MatchString(s) {
			t.Errorf("%s has an inline <script>", p)
		}
		if strings.Contains(s, "<style") || strings.Contains(s, " style=") {
			t.Errorf("%s has an inline style", p)
		}
		if strings.Contains(s, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(s) {
			t.Errorf("%s has an inline event handler", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
