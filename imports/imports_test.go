package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

func floatp(v float64) *float64 { return &v }

// sameEndpoint compares the members an import sets, as JSON.
func sameEndpoint(t *testing.T, got *inapp.Endpoint, want *inapp.Endpoint) {
	t.Helper()
	g := *got
	g.CreationDate, g.EffectiveDate, g.CohortID = "", "", ""
	w := *want
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("endpoint %s:\n got %s\nwant %s", want.ID, gb, wb)
	}
}

func wantJob(t *testing.T, job *inapp.ImportJob, status string, pieces, processed, failures int, msgs ...string) {
	t.Helper()
	if job.JobStatus != status {
		t.Errorf("JobStatus = %s, want %s (failures %q)", job.JobStatus, status, job.Failures)
	}
	if status == inapp.JobCompleted && (job.CompletedPieces != pieces || job.TotalPieces != pieces) {
		t.Errorf("CompletedPieces/TotalPieces = %d/%d, want %d/%d", job.CompletedPieces, job.TotalPieces, pieces, pieces)
	}
	if job.TotalProcessed != processed || job.TotalFailures != failures {
		t.Errorf("TotalProcessed = %d, TotalFailures = %d; want %d, %d", job.TotalProcessed, job.TotalFailures, processed, failures)
	}
	if !slices.Equal(job.Failures, msgs) {
		t.Errorf("Failures:\n got %s\nwant %s", strings.Join(job.Failures, "\n     "), strings.Join(msgs, "\n     "))
	}
	if job.CompletionDate == "" {
		t.Errorf("no CompletionDate")
	}
}

func TestCSVEveryColumn(t *testing.T) {
	e := newEnv(t, 0)
	csv := "\xef\xbb\xbfId,ChannelType,Address,EffectiveDate,EndpointStatus,OptOut,RequestId,User.UserId, User.UserAttributes.name ,User.UserAttributes.tags,User.UserAttributes.tags," +
		"Attributes.interests,Attributes.interests,Attributes.plan,Metrics.sessions,Metrics.spend," +
		"Demographic.AppVersion,Demographic.Locale,Demographic.Make,Demographic.Model,Demographic.ModelVersion,Demographic.Platform,Demographic.PlatformVersion,Demographic.Timezone," +
		"Location.City,Location.Country,Location.Latitude,Location.Longitude,Location.PostalCode,Location.Region\n" +
		`ep-1,IN_APP,,2025-01-02T03:04:05Z,ACTIVE,NONE,req-9,user-1,Ana,a,b,shoes,"hats, caps",pro,12,0.5,1.2.3,fr_FR,Apple,iPhone,15,ios,17.1,Europe/Paris,Paris,FR,48.85,2.35,75001,IDF` + "\n" +
		// Empty cells set nothing; a new endpoint without Id gets one from
		// its channel and address.
		`,EMAIL,ana@example.com,,,ALL,,,,,,,,,,,,,,,,,,,,,,,,` + "\n"
	job := e.submit(e.job("CSV", e.file("every.csv", csv), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 1, 2, 0)
	sameEndpoint(t, e.endpoint("ep-1"), &inapp.Endpoint{
		Address: "", ApplicationID: e.app, ChannelType: "IN_APP", EndpointStatus: "ACTIVE", ID: "ep-1", OptOut: "NONE", RequestID: "req-9",
		Attributes: map[string][]string{"interests": {"shoes", "hats, caps"}, "plan": {"pro"}},
		Metrics:    map[string]float64{"sessions": 12, "spend": 0.5},
		User:       &inapp.EndpointUser{UserID: "user-1", UserAttributes: map[string][]string{"name": {"Ana"}, "tags": {"a", "b"}}},
		Demographic: &inapp.Demographic{AppVersion: "1.2.3", Locale: "fr_FR", Make: "Apple", Model: "iPhone", ModelVersion: "15",
			Platform: "ios", PlatformVersion: "17.1", Timezone: "Europe/Paris"},
		Location: &inapp.Location{City: "Paris", Country: "FR", Latitude: floatp(48.85), Longitude: floatp(2.35), PostalCode: "75001", Region: "IDF"},
	})
	if got := e.endpoint("ep-1").EffectiveDate; got != "2025-01-02T03:04:05Z" {
		t.Errorf("EffectiveDate = %q", got)
	}
	id := derivedID("EMAIL", "ana@example.com")
	sameEndpoint(t, e.endpoint(id), &inapp.Endpoint{
		Address: "ana@example.com", ApplicationID: e.app, ChannelType: "EMAIL", EndpointStatus: "ACTIVE", ID: id, OptOut: "ALL",
	})
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := &inapp.SegmentImport{ChannelCounts: map[string]int{"IN_APP": 1, "EMAIL": 1}, Format: "CSV", RoleArn: "arn:aws:iam::1:role/r", S3Url: job.Definition.S3Url, Size: 2}
	if g, w := mustJSON(seg.ImportDefinition), mustJSON(want); g != w {
		t.Errorf("ImportDefinition:\n got %s\nwant %s", g, w)
	}
	if seg.SegmentType != "IMPORT" || seg.Name != "imported" || seg.Version != 1 || seg.Arn != inapp.SegmentArn(e.app, "seg") {
		t.Errorf("segment: %s", mustJSON(seg))
	}
	if got := <-e.invalid; got != e.app {
		t.Errorf("Invalidate(%q), want the app", got)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestJSONEveryMember(t *testing.T) {
	e := newEnv(t, 0)
	body := `{"Id":"ep-1","ChannelType":"IN_APP","Address":"tok","OptOut":"NONE","RequestId":"r","EndpointStatus":"INACTIVE","EffectiveDate":"2025-01-02T03:04:05Z",` +
		`"Attributes":{"interests":["shoes","hats"]},"Metrics":{"sessions":3},"User":{"UserId":"u1","UserAttributes":{"name":["Ana"]}},` +
		`"Demographic":{"Platform":"android","Make":"Google","Timezone":"UTC"},"Location":{"Country":"US","Latitude":1.5,"Longitude":-2}}` + "\n" +
		"\n   \n" + // blank lines are skipped, and counted
		`{"ChannelType":"SMS","Address":"+15550100"}` + "\n" +
		`{"Id":"ep-3"}` // no final newline
	job := e.submit(e.job("JSON", e.file("every.json", body), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 3, 0)
	sameEndpoint(t, e.endpoint("ep-1"), &inapp.Endpoint{
		Address: "tok", ApplicationID: e.app, ChannelType: "IN_APP", EndpointStatus: "INACTIVE", ID: "ep-1", OptOut: "NONE", RequestID: "r",
		Attributes: map[string][]string{"interests": {"shoes", "hats"}}, Metrics: map[string]float64{"sessions": 3},
		User:        &inapp.EndpointUser{UserID: "u1", UserAttributes: map[string][]string{"name": {"Ana"}}},
		Demographic: &inapp.Demographic{Platform: "android", Make: "Google", Timezone: "UTC"},
		Location:    &inapp.Location{Country: "US", Latitude: floatp(1.5), Longitude: floatp(-2)},
	})
	e.endpoint(derivedID("SMS", "+15550100"))
	e.endpoint("ep-3")
}

func TestBadRowsAreReportedAndSkipped(t *testing.T) {
	e := newEnv(t, 3)
	long := strings.Repeat("x", 101)
	csv := "Id,ChannelType,Address,OptOut,Metrics.n,Attributes.a,Location.Latitude,EffectiveDate\n" +
		"ok-1,IN_APP,,,,,,\n" + // line 2
		",IN_APP,,,,,,\n" + // line 3: no Id, no Address
		"bad-ch,FAX,,,,,,\n" + // line 4
		"bad-n,IN_APP,,,many,,,\n" + // line 5
		"ok-2,IN_APP,,,1,x,,\n" + // line 6
		"short,IN_APP\n" + // line 7
		"bad-opt,IN_APP,,SOME,,,,\n" + // line 8
		"bad-len,IN_APP,,,,\"" + long + "\",,\n" + // line 9
		"bad{id},IN_APP,,,,,,\n" + // line 10
		"bad-lat,IN_APP,,,,,91,\n" + // line 11
		"bad-date,IN_APP,,,,,,yesterday\n" + // line 12
		"ok-3,IN_APP,,,,,,\n" // line 13
	job := e.submit(e.job("CSV", e.file("bad.csv", csv), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 4, 12, 9,
		"line 3: Id is missing: a new endpoint needs ChannelType and Address (or give the Id of an existing endpoint)",
		`line 4: ChannelType: "FAX" is not one of PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, CUSTOM, IN_APP.`,
		`line 5: Metrics.n: "many" is not a number`,
		"line 7: 2 fields, but the header has 8 columns",
		`line 8: OptOut: "SOME" is not one of ALL, NONE.`,
		"line 9: Attributes.a has a value of 101 characters; the limit is 100.",
		`line 10: Endpoint ID "bad{id}" is not valid: it must not be empty or contain $, { or }.`,
		"line 11: Location.Latitude must be from -90 to 90, got 91.",
		`line 12: EffectiveDate: "yesterday" is not an ISO 8601 date and time`,
	)
	for _, id := range []string{"ok-1", "ok-2", "ok-3"} {
		e.endpoint(id)
	}
	for _, id := range []string{"bad-ch", "bad-n", "short", "bad-opt", "bad-len", "bad{id}", "bad-lat", "bad-date"} {
		e.noEndpoint(id)
	}
	if n, _ := e.db.CountSegmentMembers(t.Context(), e.app, "seg"); n != 3 {
		t.Errorf("segment has %d members, want the 3 good rows", n)
	}
	seg, _ := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if seg == nil || seg.ImportDefinition.Size != 3 {
		t.Errorf("segment size: %s", mustJSON(seg))
	}
}

func TestJSONBadRows(t *testing.T) {
	e := newEnv(t, 0)
	body := `{"Id":"ok"}` + "\n" +
		`{"Id":"typo","Adress":"x"}` + "\n" +
		`{"Id":"m","Metrics":{"n":"three"}}` + "\n" +
		`["not","an","object"]` + "\n" +
		`{"ChannelType":"IN_APP"}` + "\n"
	job := e.submit(e.job("JSON", e.file("bad.json", body), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 5, 4,
		`line 2: unknown member "Adress"; an endpoint definition has the members of an UpdateEndpointsBatch item (Id, ChannelType, Address, Attributes, User, …)`,
		"line 3: invalid value for Metrics: expected a number, got JSON string",
		"line 4: an endpoint definition must be a JSON object, got JSON array",
		"line 5: Id is missing: a new endpoint needs ChannelType and Address (or give the Id of an existing endpoint)",
	)
	e.endpoint("ok")
}

func TestMalformedFilesFailTheJob(t *testing.T) {
	for _, c := range []struct {
		name, format, body, msg string
	}{
		{"empty csv", "CSV", "", "line 1: the file is empty: a CSV file starts with a header that names its columns (Id, ChannelType, Address, User.UserId, Attributes.<name>, …)"},
		{"no id column", "CSV", "Address,Attributes.a\nx,y\n", "line 1: the header has no Id column (nor ChannelType and Address columns, nor User.UserId for a list of users): each row needs the Id of an endpoint, or the ChannelType and Address of a new one; the header is Address,Attributes.a"},
		{"unknown column", "CSV", "Id,Colour\nx,y\n", `line 1: column 2: unknown column "Colour"; columns are ` + columnList},
		{"repeated column", "CSV", "Id,Address,Address\nx,y,z\n", `line 1: column "Address" appears more than once; only custom attribute columns (Attributes.<name>, User.UserAttributes.<name>) may repeat, one value per column`},
		{"bare quote", "CSV", "Id,Address\na,b\nc,d\"e\n", `line 3: the file is not valid CSV: bare " in non-quoted-field`},
		{"unterminated quote", "CSV", "Id,Address\na,\"b\nc,d\n", `line 2: the file is not valid CSV: extraneous or missing " in quoted-field`},
		{"header only", "CSV", "Id,Address\n", "the source file://FILE holds no endpoint definitions"},
		{"bad json line", "JSON", "{\"Id\":\"a\"}\n{\"Id\":\"b\"}\n{\"Id\": \"c\"\n{\"Id\":\"d\"}\n", "line 3: the line is not valid JSON (unexpected end of JSON input): a JSON file holds one endpoint definition, a JSON object, per line"},
		{"empty json", "JSON", "\n\n", "the source file://FILE holds no endpoint definitions"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, 1)
			url := e.file("f", c.body)
			job := e.submit(e.job(c.format, url, true, "seg", true))
			msg := strings.ReplaceAll(c.msg, "file://FILE", url)
			if c.name == "header only" || c.name == "empty json" {
				msg = strings.ReplaceAll(c.msg, "the source file://FILE", url)
			}
			wantJob(t, job, inapp.JobFailed, 0, 0, 0, msg)
			if job.CompletedPieces != 0 {
				t.Errorf("CompletedPieces = %d", job.CompletedPieces)
			}
			// Nothing was written: the file is checked whole first.
			e.noEndpoint("a")
			e.noEndpoint("x")
			if _, err := e.db.GetSegment(t.Context(), e.app, "seg", 0); inapp.ErrorCode(err) != inapp.ENOTFOUND {
				t.Errorf("segment of a failed job: %v", err)
			}
		})
	}
}

func TestUserIDRows(t *testing.T) {
	e := newEnv(t, 0)
	e.submit(e.job("CSV", e.file("eps.csv", "Id,ChannelType,User.UserId\na1,IN_APP,alice\na2,EMAIL,alice\nb1,IN_APP,bob\nc1,IN_APP,carol\n"), true, "", false))
	job := e.submit(e.job("CSV", e.file("users.csv", "User.UserId\nalice bob\nnobody\ncarol\n"), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 1, 3, 1, fmt.Sprintf(`line 3: user "nobody" has no endpoints in application %s: import endpoints first, then their user IDs`, e.app))
	for ep, want := range map[string]bool{"a1": true, "a2": true, "b1": true, "c1": true} {
		got, _ := e.db.SegmentMemberships(t.Context(), e.app, ep)
		if slices.Contains(got, "seg") != want {
			t.Errorf("%s member: %v, want %v", ep, got, want)
		}
	}
	seg, _ := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if seg.ImportDefinition.Size != 4 || mustJSON(seg.ImportDefinition.ChannelCounts) != `{"EMAIL":1,"IN_APP":3}` {
		t.Errorf("segment: %s", mustJSON(seg.ImportDefinition))
	}
	// JSON too.
	job = e.submit(e.job("JSON", e.file("users.json", `{"User":{"UserId":"bob"}}`+"\n"), false, "seg2", true))
	wantJob(t, job, inapp.JobCompleted, 1, 1, 0)
	if n, _ := e.db.CountSegmentMembers(t.Context(), e.app, "seg2"); n != 1 {
		t.Errorf("seg2 has %d members", n)
	}
}

func TestRegisterEndpointsFalse(t *testing.T) {
	e := newEnv(t, 0)
	job := e.submit(e.job("CSV", e.file("a.csv", "Id,ChannelType\nx,IN_APP\ny,SMS\n"), false, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 1, 2, 0)
	e.noEndpoint("x")
	if n, _ := e.db.CountSegmentMembers(t.Context(), e.app, "seg"); n != 2 {
		t.Errorf("segment has %d members, want 2", n)
	}
}

func TestUpdateExistingSegment(t *testing.T) {
	e := newEnv(t, 0)
	first := e.submit(e.job("CSV", e.file("a.csv", "Id,ChannelType\nx,IN_APP\ny,SMS\n"), true, "seg", true))
	wantJob(t, first, inapp.JobCompleted, 1, 2, 0)
	<-e.invalid
	second := e.job("CSV", e.file("b.csv", "Id,ChannelType\ny,SMS\nz,IN_APP\n"), true, "seg", false)
	second = e.submit(second)
	wantJob(t, second, inapp.JobCompleted, 1, 2, 0)
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if err != nil {
		t.Fatal(err)
	}
	if seg.Version != 2 || seg.ImportDefinition.Size != 3 || seg.ImportDefinition.S3Url != second.Definition.S3Url ||
		mustJSON(seg.ImportDefinition.ChannelCounts) != `{"IN_APP":2,"SMS":2}` || seg.CreationDate != first.CreationDate {
		t.Errorf("segment after the second import: %s", mustJSON(seg))
	}
	<-e.invalid
	jobs, _, _ := e.db.ListImportJobs(t.Context(), e.app, "seg", inapp.Page{})
	if len(jobs) != 2 || jobs[0].ID != second.ID {
		t.Errorf("jobs of the segment: %v", jobs)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, 4)
	var b strings.Builder
	b.WriteString("Id,ChannelType,User.UserId\n")
	for i := range 17 {
		fmt.Fprintf(&b, "ep-%02d,IN_APP,crowded\n", i)
	}
	fmt.Fprintf(&b, "ep-03,IN_APP,crowded\n") // already the user's: fine
	job := e.submit(e.job("CSV", e.file("users.csv", b.String()), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 5, 18, 2,
		`line 17: Exceeded maximum endpoint per user count 15 (user "crowded" would have 16).`,
		`line 18: Exceeded maximum endpoint per user count 15 (user "crowded" would have 16).`)
	e.noEndpoint("ep-15")
	e.endpoint("ep-14")

	// Too many attributes: that row alone fails.
	attrs := map[string][]string{}
	for i := range 251 {
		attrs[fmt.Sprint("a", i)] = []string{"v"}
	}
	fat, _ := json.Marshal(map[string]any{"Id": "fat", "Attributes": attrs})
	job = e.submit(e.job("JSON", e.file("fat.json", `{"Id":"thin"}`+"\n"+string(fat)+"\n"), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 1, 2, 1, `line 2: Endpoint "fat" would have 251 attributes and metrics; the limit is 250.`)
	e.noEndpoint("fat")
	e.endpoint("thin")
}

func TestDirectorySource(t *testing.T) {
	e := newEnv(t, 2)
	e.file("batch/b.csv", "Id,ChannelType\nb1,IN_APP\nb2,FAX\n")
	e.file("batch/a.csv", "Id,ChannelType\na1,IN_APP\n")
	e.file("batch/sub/c.csv", "Id\nc1\n")
	e.file("batch/ignored.json", "{}\n")
	e.file("batch/.hidden.csv", "nonsense\n")
	job := e.submit(e.job("CSV", "file://"+filepath.Join(e.importDir, "batch"), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 2, 4, 1, `b.csv line 3: ChannelType: "FAX" is not one of PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, CUSTOM, IN_APP.`)
	for _, id := range []string{"a1", "b1", "c1"} {
		e.endpoint(id)
	}
	// A malformed file of the directory fails the job, naming the file.
	e.file("batch2/x.csv", "Id\nok\n")
	e.file("batch2/y.csv", "Colour\nred\n")
	job = e.submit(e.job("CSV", "file://"+filepath.Join(e.importDir, "batch2"), true, "", false))
	if job.JobStatus != inapp.JobFailed || len(job.Failures) != 1 || !strings.HasPrefix(job.Failures[0], `y.csv line 1: column 1: unknown column "Colour"`) {
		t.Errorf("job: %s %q", job.JobStatus, job.Failures)
	}
	e.noEndpoint("ok")
}

func TestCheckSource(t *testing.T) {
	e := newEnv(t, 0)
	inside := e.file("in.csv", "Id\nx\n")
	outside := filepath.Join(t.TempDir(), "out.csv")
	os.WriteFile(outside, []byte("Id\nx\n"), 0o644)
	link := filepath.Join(e.importDir, "link.csv")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ url, want string }{
		{inside, ""},
		{"file://in.csv", ""}, // relative to the import directory
		{"https://example.com/x.csv", ""},
		{"s3://bucket/prefix/", "inappd cannot read from Amazon S3"},
		{"file://" + outside, "is outside the import directory"},
		{"file://" + link, "is outside the import directory"},
		{"file://" + e.importDir + "/../out.csv", "is outside the import directory"},
		{"file://" + filepath.Join(e.importDir, "missing.csv"), "does not exist"},
		{"ftp://example.com/x.csv", "inappd reads file://, http:// and https:// URLs, not ftp://"},
		{"just words", "is not a URL"},
		{"http:///x", "has no host"},
	} {
		err := e.runner.CheckSource(c.url, "CSV")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.url, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || inapp.ErrorCode(err) != inapp.EINVALID):
			t.Errorf("%s: %v, want EINVALID with %q", c.url, err, c.want)
		}
	}
	off := &Runner{Store: e.db, Dir: t.TempDir()}
	if err := off.CheckSource(inside, "CSV"); err == nil || !strings.Contains(err.Error(), "--import-dir") {
		t.Errorf("file:// without an import directory: %v", err)
	}
}

// TestResumeAfterCrash stops the runner between writing a piece's
// endpoints and recording the piece, as a crash would, and starts a new
// runner on the same store and directory.
func TestResumeAfterCrash(t *testing.T) {
	e := newEnv(t, 2)
	csv := "Id,ChannelType,Attributes.n\n" +
		"e1,IN_APP,1\ne2,IN_APP,2\n" + // piece 1
		"e3,IN_APP,3\n,FAX,\n" + // piece 2: one bad row
		"e5,IN_APP,5\ne6,IN_APP,6\n" + // piece 3: written, then the crash
		"e7,IN_APP,7\n" // piece 4
	url := e.file("resume.csv", csv)
	job := e.job("CSV", url, true, "seg", true)
	e.crashAt(job, 2)
	stopped, err := e.db.GetImportJob(t.Context(), e.app, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.JobStatus != inapp.JobProcessing || stopped.CompletedPieces != 2 || stopped.TotalPieces != 4 || stopped.TotalProcessed != 4 {
		t.Fatalf("after the crash: %s %d/%d pieces, %d rows", stopped.JobStatus, stopped.CompletedPieces, stopped.TotalPieces, stopped.TotalProcessed)
	}
	e.endpoint("e5") // piece 3's endpoints were written
	e.noEndpoint("e7")

	again := e.newRunner(2)
	if err := again.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	done := e.wait(job.ID)
	wantJob(t, done, inapp.JobCompleted, 4, 7, 1, "line 5: Id is missing: a new endpoint needs ChannelType and Address (or give the Id of an existing endpoint)")
	for i, id := range []string{"e1", "e2", "e3", "e5", "e6", "e7"} {
		ep := e.endpoint(id)
		if i > 0 && ep.Attributes["n"][0] != id[1:] {
			t.Errorf("%s: %v", id, ep.Attributes)
		}
	}
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if err != nil {
		t.Fatal(err)
	}
	if seg.Version != 1 || seg.ImportDefinition.Size != 6 || mustJSON(seg.ImportDefinition.ChannelCounts) != `{"IN_APP":6}` {
		t.Errorf("segment: %s", mustJSON(seg))
	}
}

func TestResumeSourceGone(t *testing.T) {
	e := newEnv(t, 1)
	url := e.file("gone.csv", "Id\na\nb\nc\n")
	job := e.job("CSV", url, true, "seg", true)
	e.crashAt(job, 2)
	os.Remove(strings.TrimPrefix(url, "file://"))
	again := e.newRunner(1)
	if err := again.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	done := e.wait(job.ID)
	if done.JobStatus != inapp.JobFailed || len(done.Failures) != 1 {
		t.Fatalf("job: %s %q", done.JobStatus, done.Failures)
	}
	msg := done.Failures[0]
	for _, want := range []string{"the source is gone", "so the job cannot resume", "2 of 3 pieces were applied before this, 2 rows: 2 imported, 0 failed; what was imported stays"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q does not say %q", msg, want)
		}
	}
	// What was applied is kept, and the segment holds it.
	if seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0); err != nil || seg.ImportDefinition.Size != 2 {
		t.Errorf("segment after the failure: %v %v", seg, err)
	}
}

func TestHTTPSource(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/eps.csv":
			fmt.Fprint(w, "Id,ChannelType\nh1,IN_APP\nh2,IN_APP\nh3,IN_APP\n")
		case "/big.csv":
			fmt.Fprint(w, "Id\n"+strings.Repeat("abcdefgh\n", 100))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	e := newEnv(t, 1)
	job := e.job("CSV", srv.URL+"/eps.csv", true, "", false)
	e.crashAt(job, 1)
	again := e.newRunner(1)
	if err := again.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	wantJob(t, e.wait(job.ID), inapp.JobCompleted, 3, 3, 0)
	if n := hits.Load(); n != 1 {
		t.Errorf("%d downloads, want 1 (the restart reads the copy)", n)
	}
	if entries, _ := os.ReadDir(e.dataDir); len(entries) != 0 {
		t.Errorf("the copy was not removed: %v", entries)
	}

	e.runner = again
	missing := e.submit(e.job("CSV", srv.URL+"/missing.csv", true, "", false))
	wantJob(t, missing, inapp.JobFailed, 0, 0, 0, "could not download "+srv.URL+"/missing.csv: the server answered 404 Not Found")
	again.MaxBytes = 500
	big := e.submit(e.job("CSV", srv.URL+"/big.csv", true, "", false))
	if big.JobStatus != inapp.JobFailed || !strings.Contains(big.Failures[0], "at most 500 bytes (Pinpoint's limit of 1 GB per job)") {
		t.Errorf("big download: %s %q", big.JobStatus, big.Failures)
	}
}

func TestStrayFilesRemovedAtStart(t *testing.T) {
	e := newEnv(t, 0)
	e.runner.Close()
	os.WriteFile(filepath.Join(e.dataDir, "orphan"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(e.dataDir, "half.part"), []byte("x"), 0o600)
	r := e.newRunner(0)
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if entries, _ := os.ReadDir(e.dataDir); len(entries) != 0 {
		t.Errorf("strays left: %v", entries)
	}
}

// crashAt submits the job and stops the runner as a crash would: once the
// endpoints of the piece after the first pieces completed pieces are
// written, before that piece is recorded.
func (e *env) crashAt(job *inapp.ImportJob, pieces int) {
	e.t.Helper()
	crashed := make(chan struct{})
	e.runner.hook = func(stage string, j *inapp.ImportJob) {
		if stage == "endpoints" && j.CompletedPieces == pieces {
			e.runner.cancel()
			close(crashed)
		}
	}
	if err := e.runner.Submit(e.t.Context(), job); err != nil {
		e.t.Fatal(err)
	}
	select {
	case <-crashed:
	case <-time.After(30 * time.Second):
		e.t.Fatal("the job never reached the crash point")
	}
	e.runner.Close()
}

// TestFailuresInFileOrder: rows are applied in sorted windows, yet
// Failures holds the first 100 failed rows in file order.
func TestFailuresInFileOrder(t *testing.T) {
	e := newEnv(t, 10)
	e.runner.SortWindow = 30
	var b strings.Builder
	b.WriteString("Id,ChannelType\n")
	var want []string
	for i := range 250 {
		// IDs out of order: the sort moves rows around.
		fmt.Fprintf(&b, "%03d-ep,FAX\n", (i*7919)%1000)
		if i < 100 {
			want = append(want, fmt.Sprintf(`line %d: ChannelType: "FAX" is not one of %s.`, i+2, strings.Join(inapp.ChannelTypes, ", ")))
		}
	}
	b.WriteString("last,IN_APP\n")
	job := e.submit(e.job("CSV", e.file("many.csv", b.String()), true, "", false))
	wantJob(t, job, inapp.JobCompleted, 26, 251, 250, want...)
	e.endpoint("last")
}

// TestSegmentDeletedMidJob: the segment a job adds to goes away between
// pieces: the job fails with the piece counted as failed, saying so.
func TestSegmentDeletedMidJob(t *testing.T) {
	e := newEnv(t, 1)
	first := e.submit(e.job("CSV", e.file("a.csv", "Id\nx\n"), true, "seg", true))
	wantJob(t, first, inapp.JobCompleted, 1, 1, 0)
	e.runner.hook = func(stage string, job *inapp.ImportJob) {
		if stage == "endpoints" && job.CompletedPieces == 0 {
			e.db.DeleteSegment(t.Context(), e.app, "seg")
		}
	}
	job := e.submit(e.job("CSV", e.file("b.csv", "Id\ny1\ny2\ny3\n"), true, "seg", false))
	if job.JobStatus != inapp.JobFailed || job.FailedPieces != 1 || job.CompletedPieces != 1 || len(job.Failures) != 1 {
		t.Fatalf("job: %s %d failed, %d completed, %q", job.JobStatus, job.FailedPieces, job.CompletedPieces, job.Failures)
	}
	want := "piece 2 of 3 could not be applied: segment seg was deleted while the job ran (1 of 3 pieces were applied before this, 1 rows: 1 imported, 0 failed; what was imported stays, and importing the file again is harmless); the segment could not be updated: segment seg was deleted while the job ran"
	if job.Failures[0] != want {
		t.Errorf("failure:\n got %s\nwant %s", job.Failures[0], want)
	}
}

// TestWindowsCutByBytes: a window that reaches its byte budget ends at a
// piece boundary, so the job still has ceil(rows/size) whole pieces.
func TestWindowsCutByBytes(t *testing.T) {
	defer func(old int) { windowBytes = old }(windowBytes)
	windowBytes = 100 // a few rows
	e := newEnv(t, 3)
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, `{"Id":"w-%02d","ChannelType":"IN_APP","Attributes":{"pad":["%s"]}}`+"\n", 19-i, strings.Repeat("x", i))
	}
	job := e.submit(e.job("JSON", e.file("w.json", b.String()), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 7, 20, 0)
	if n, _ := e.db.CountSegmentMembers(t.Context(), e.app, "seg"); n != 20 {
		t.Errorf("%d members", n)
	}
}

// writeSizes is the store with the size of each UpdateEndpoints and
// AddSegmentMembers call recorded.
type writeSizes struct {
	*sqlite.DB
	mu                 sync.Mutex
	endpoints, members []int
}

func (w *writeSizes) UpdateEndpoints(ctx context.Context, appID string, ids []string, fn inapp.EndpointUpdate) error {
	w.mu.Lock()
	w.endpoints = append(w.endpoints, len(ids))
	w.mu.Unlock()
	return w.DB.UpdateEndpoints(ctx, appID, ids, fn)
}

func (w *writeSizes) AddSegmentMembers(ctx context.Context, appID, segmentID string, ids []string) error {
	w.mu.Lock()
	w.members = append(w.members, len(ids))
	w.mu.Unlock()
	return w.DB.AddSegmentMembers(ctx, appID, segmentID, ids)
}

// TestImportWritesInChunks: a piece's endpoints and segment members are
// written in transactions of at most writeChunk each, so that an admin
// write waits for one of them rather than for the piece, and the import
// is the same as in one: every endpoint and member is there.
func TestImportWritesInChunks(t *testing.T) {
	e := newEnv(t, 0)
	if err := e.runner.Close(); err != nil {
		t.Fatal(err)
	}
	sizes := &writeSizes{DB: e.db}
	e.runner = e.newRunner(0)
	e.runner.Store = sizes
	if err := e.runner.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	const rows = 2*writeChunk + 500
	var csv strings.Builder
	csv.WriteString("Id,ChannelType,Attributes.plan\n")
	for i := range rows {
		fmt.Fprintf(&csv, "ep-%05d,IN_APP,gold\n", i)
	}
	job := e.submit(e.job("CSV", e.file("chunks.csv", csv.String()), true, "seg", true))
	wantJob(t, job, inapp.JobCompleted, 1, rows, 0)
	sizes.mu.Lock()
	defer sizes.mu.Unlock()
	want := []int{writeChunk, writeChunk, 500}
	if !slices.Equal(sizes.endpoints, want) {
		t.Errorf("UpdateEndpoints calls of %v endpoints, want %v", sizes.endpoints, want)
	}
	if !slices.Equal(sizes.members, want) {
		t.Errorf("AddSegmentMembers calls of %v members, want %v", sizes.members, want)
	}
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if err != nil {
		t.Fatal(err)
	}
	if seg.ImportDefinition == nil || seg.ImportDefinition.Size != rows {
		t.Errorf("segment: %s; want %d endpoints", mustJSON(seg), rows)
	}
	for _, id := range []string{"ep-00000", "ep-00999", "ep-01000", "ep-02499"} {
		if ep := e.endpoint(id); ep.Attributes["plan"][0] != "gold" {
			t.Errorf("endpoint %s: %s", id, mustJSON(ep))
		}
	}
}
