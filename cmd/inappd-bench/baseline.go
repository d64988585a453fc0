package main

// The baseline: a bare net/http server in a child process of its own (the
// bench's executable started again with INAPPD_BENCH_BASELINE set), so it
// runs like the server under test does: its own process and Go runtime,
// the same loopback, the same client. It answers GET with a fixed body of
// the size of the mean GetInAppMessages answer and POST (after reading the
// body) with a real PutEvents answer, verifying nothing: the ceiling of
// net/http plus the client on this machine.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

func (b *bench) baselinePostFile() string { return filepath.Join(b.tmp, "baseline-post.json") }

const baselineEnv = "INAPPD_BENCH_BASELINE" // "addr|get-body-file|post-body-file"

// The files the bare handler answers with; the POST answer is read on
// every request, so it can be given once a real PutEvents answer is known.

// baselineChild serves the baseline when this process was started as one;
// it reports whether it was (and then never returns unless it fails).
func baselineChild() (bool, error) {
	v := os.Getenv(baselineEnv)
	if v == "" {
		return false, nil
	}
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		return true, fmt.Errorf("%s: want addr|get-file|post-file, got %q", baselineEnv, v)
	}
	getBody, err := os.ReadFile(parts[1])
	if err != nil {
		return true, err
	}
	ln, err := net.Listen("tcp", parts[0])
	if err != nil {
		return true, err
	}
	getLen := strconv.Itoa(len(getBody))
	// The POST answer appears once the bench has a real one.
	var post atomic.Pointer[[]byte]
	loadPost := func() []byte {
		if p := post.Load(); p != nil {
			return *p
		}
		b, err := os.ReadFile(parts[2])
		if err != nil {
			return nil
		}
		post.Store(&b)
		return b
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			io.WriteString(w, "ok\n")
			return
		}
		io.Copy(io.Discard, r.Body)
		hd := w.Header()
		hd.Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			postBody := loadPost()
			hd.Set("Content-Length", strconv.Itoa(len(postBody)))
			w.WriteHeader(http.StatusAccepted)
			w.Write(postBody)
			return
		}
		hd.Set("Content-Length", getLen)
		w.Write(getBody)
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return true, err
}

// startBaseline starts the baseline child answering GET with getBody (and
// POST with the file baselinePostFile names, once it exists).
func startBaseline(dir string, getBody []byte) (*process, string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	getFile, postFile := filepath.Join(dir, "baseline-get.json"), filepath.Join(dir, "baseline-post.json")
	if err := os.WriteFile(getFile, getBody, 0o600); err != nil {
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	env := append(envWithout(baselineEnv+"="), baselineEnv+"="+addr+"|"+getFile+"|"+postFile)
	p, err := startProcess("baseline", exe, nil, env, filepath.Join(dir, "baseline.log"))
	if err != nil {
		return nil, "", err
	}
	return p, "http://" + addr, nil
}

// sized returns body repeated or cut to n bytes (the bare handler's answer
// has the mean size of the real answers; its bytes are real answer bytes).
func sized(body []byte, n int) []byte {
	if len(body) == 0 {
		body = []byte(" ")
	}
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, body[:min(len(body), n-len(out))]...)
	}
	return out
}
