package imports

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestImportMillion measures the import of a generated CSV file: time and
// peak RSS (VmHWM). It runs only when INAPPD_IMPORT_ROWS is set:
//
//	INAPPD_IMPORT_ROWS=1000000 go test ./imports -run TestImportMillion -v -timeout 10m
func TestImportMillion(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("INAPPD_IMPORT_ROWS"))
	if n <= 0 {
		t.Skip("set INAPPD_IMPORT_ROWS (e.g. 1000000) to measure a large import")
	}
	e := newEnv(t, pieceSizeFromEnv())
	e.runner.SortWindow, _ = strconv.Atoi(os.Getenv("INAPPD_IMPORT_WINDOW"))
	start := time.Now()
	format := "CSV"
	path := filepath.Join(e.importDir, "million.csv")
	if os.Getenv("INAPPD_IMPORT_FORMAT") == "JSON" {
		format, path = "JSON", filepath.Join(e.importDir, "million.json")
	}
	size := writeFile(t, path, format, n)
	t.Logf("generated %d rows (%.1f MB) in %v", n, float64(size)/1e6, time.Since(start).Round(time.Millisecond))
	runtime.GC()
	hwmBefore := vmHWM()

	start = time.Now()
	job := e.job(format, "file://"+path, true, "seg-million", true)
	if err := e.runner.Submit(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	if d, err := time.ParseDuration(os.Getenv("INAPPD_IMPORT_POLL")); err == nil {
		// As a client polling GetImportJob would.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(d):
					e.db.GetImportJob(t.Context(), e.app, job.ID)
				}
			}
		}()
	}
	job = e.waitFor(job.ID, 10*time.Minute)
	elapsed := time.Since(start)
	if job.JobStatus != "COMPLETED" || job.TotalProcessed != n || job.TotalFailures != 0 {
		t.Fatalf("job: %s, %d processed, %d failures: %q", job.JobStatus, job.TotalProcessed, job.TotalFailures, job.Failures)
	}
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg-million", 0)
	if err != nil {
		t.Fatal(err)
	}
	if seg.ImportDefinition.Size != n {
		t.Errorf("segment size %d, want %d", seg.ImportDefinition.Size, n)
	}
	hwm := vmHWM()
	io, _ := os.ReadFile("/proc/self/io")
	t.Logf("io: %s", strings.ReplaceAll(string(io), "\n", " "))
	t.Logf("imported %d endpoints in %v (%.0f rows/s), %d pieces; peak RSS (VmHWM) %d MB (%d MB before the import)",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), job.TotalPieces, hwm>>10, hwmBefore>>10)
	if out := os.Getenv("INAPPD_IMPORT_REPORT"); out != "" {
		os.WriteFile(out, fmt.Appendf(nil, "rows=%d seconds=%.1f rss_mb=%d file_mb=%.0f cpus=%d\n", n, elapsed.Seconds(), hwm>>10, float64(size)/1e6, runtime.NumCPU()), 0o644)
	}
}

// writeFile writes n endpoint definitions with most kinds of column, as CSV
// or newline-delimited JSON.
func writeFile(t testing.TB, path, format string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if format == "CSV" {
		w.WriteString("Id,ChannelType,Address,User.UserId,User.UserAttributes.plan,Attributes.interests,Attributes.interests,Demographic.Platform,Demographic.Timezone,Location.Country,Metrics.sessions\n")
	}
	plans := []string{"free", "pro", "team"}
	platforms := []string{"ios", "android", "web"}
	// INAPPD_IMPORT_ADDRESSES=1: every row carries an address (an e-mail
	// list), so the Address rule looks up who holds each one.
	withAddress := os.Getenv("INAPPD_IMPORT_ADDRESSES") == "1"
	for i := range n {
		// IDs in no order, as devices make them (UUIDs): inserts land all
		// over the indexes, not at their ends.
		h := sha256.Sum256([]byte(strconv.Itoa(i)))
		x := hex.EncodeToString(h[:16])
		id := x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
		address := ""
		if withAddress {
			address = "u" + x[:12] + "@example.com"
		}
		if format == "CSV" {
			fmt.Fprintf(w, "%s,IN_APP,%s,user-%s,%s,shoes,hats,%s,Europe/Paris,FR,%d\n", id, address, x[:12], plans[i%3], platforms[i%3], i%50)
		} else {
			fmt.Fprintf(w, `{"Id":"%s","ChannelType":"IN_APP","User":{"UserId":"user-%s","UserAttributes":{"plan":["%s"]}},"Attributes":{"interests":["shoes","hats"]},"Demographic":{"Platform":"%s","Timezone":"Europe/Paris"},"Location":{"Country":"FR"},"Metrics":{"sessions":%d}}`+"\n",
				id, x[:12], plans[i%3], platforms[i%3], i%50)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	return info.Size()
}

// vmHWM is the process's peak resident set size in kB (Linux; 0 elsewhere).
func vmHWM() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

func pieceSizeFromEnv() int {
	n, _ := strconv.Atoi(os.Getenv("INAPPD_IMPORT_PIECE"))
	return n
}
