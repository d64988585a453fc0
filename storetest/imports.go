package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	inapp "github.com/inappd/inappd"
)

// Import jobs and IMPORT segment members (inapp.ImportStore). A backend
// that does not implement ImportStore skips these, saying so.

var importTests = []test{
	{"CreateGetRoundTrip", importStore(testImportJobRoundTrip)},
	{"CreateRejected", importStore(testImportJobRejected)},
	{"UpdateAndUnfinished", importStore(testImportJobUpdate)},
	{"ListNewestFirst", importStore(testImportJobList)},
	{"ListBySegment", importStore(testImportJobListBySegment)},
	{"Members", importStore(testSegmentMembers)},
	{"DeleteSegmentRemovesMembers", importStore(testDeleteSegmentMembers)},
	{"DeleteAppRemovesJobsAndMembers", importStore(testDeleteAppImports)},
	{"UserEndpointIDs", testUserEndpointIDs},
}

type importStoreT interface {
	inapp.Store
	inapp.ImportStore
}

func importStore(run func(t *testing.T, s importStoreT)) func(t *testing.T, s inapp.Store) {
	return func(t *testing.T, s inapp.Store) {
		is, ok := s.(importStoreT)
		if !ok {
			t.Skipf("%T does not implement inapp.ImportStore: import jobs are not available on this backend", s)
		}
		run(t, is)
	}
}

func importJobDoc(appID, id, segmentID, status string) *inapp.ImportJob {
	return &inapp.ImportJob{
		ApplicationID:   appID,
		CompletedPieces: 2,
		CreationDate:    created,
		Definition: &inapp.ImportJobResource{
			DefineSegment: true, ExternalID: "ext", Format: "CSV", RegisterEndpoints: true,
			RoleArn: "arn:aws:iam::000000000000:role/import", S3Url: "file:///imports/" + id + ".csv",
			SegmentID: segmentID, SegmentName: "imported " + id,
		},
		FailedPieces:   0,
		Failures:       []string{"line 3: Id is missing", "line 9: ChannelType: \"FAX\" is not one of PUSH"},
		ID:             id,
		JobStatus:      status,
		TotalFailures:  2,
		TotalPieces:    5,
		TotalProcessed: 20000,
		Type:           "IMPORT",
		State: &inapp.ImportState{
			Source: "/data/imports/" + id, Owned: true, SourceSize: 123456, SourceModTime: 1700000000123456789,
			Rows: 50000, PieceSize: 10000, NewSegment: true, ChannelCounts: map[string]int{"IN_APP": 19990, "EMAIL": 8},
		},
	}
}

func importJobID(j *inapp.ImportJob) string { return j.ID }

func sameJob(t *testing.T, what string, got, want *inapp.ImportJob) {
	t.Helper()
	sameJSON(t, what, got, want)
	sameJSON(t, what+" state", got.State, want.State)
}

func testImportJobRoundTrip(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app := newApp(t, s)
	job := importJobDoc(app.ID, "job-1", "seg-1", inapp.JobProcessing)
	must(t, "CreateImportJob", s.CreateImportJob(ctx, job))
	got, err := s.GetImportJob(ctx, app.ID, "job-1")
	must(t, "GetImportJob", err)
	sameJob(t, "GetImportJob", got, job)

	// A job without state comes back with an empty state, never nil.
	bare := importJobDoc(app.ID, "job-2", "", inapp.JobCreated)
	bare.State, bare.Failures = nil, nil
	must(t, "CreateImportJob without state", s.CreateImportJob(ctx, bare))
	got, err = s.GetImportJob(ctx, app.ID, "job-2")
	must(t, "GetImportJob", err)
	sameJSON(t, "job without state", got, bare)
	if got.State == nil {
		t.Errorf("GetImportJob returned a nil State")
	}
}

func testImportJobRejected(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app := newApp(t, s)
	must(t, "CreateImportJob", s.CreateImportJob(ctx, importJobDoc(app.ID, "job-1", "", inapp.JobCreated)))
	wantCode(t, "CreateImportJob with a taken ID", s.CreateImportJob(ctx, importJobDoc(app.ID, "job-1", "", inapp.JobCreated)), inapp.ECONFLICT)
	wantCode(t, "CreateImportJob in a missing app", s.CreateImportJob(ctx, importJobDoc("no-such-app", "job-1", "", inapp.JobCreated)), inapp.ENOTFOUND)
	_, err := s.GetImportJob(ctx, app.ID, "job-2")
	wantCode(t, "GetImportJob of a missing job", err, inapp.ENOTFOUND)
	other := newApp(t, s)
	_, err = s.GetImportJob(ctx, other.ID, "job-1")
	wantCode(t, "GetImportJob through another app", err, inapp.ENOTFOUND)
	wantCode(t, "UpdateImportJob of a missing job", s.UpdateImportJob(ctx, importJobDoc(app.ID, "job-9", "", inapp.JobFailed)), inapp.ENOTFOUND)
}

func testImportJobUpdate(t *testing.T, s importStoreT) {
	ctx := t.Context()
	a, b := newApp(t, s), newApp(t, s)
	for _, j := range []*inapp.ImportJob{
		importJobDoc(a.ID, "a1", "", inapp.JobCreated),
		importJobDoc(b.ID, "b1", "", inapp.JobProcessing),
		importJobDoc(a.ID, "a2", "", inapp.JobCompleted),
		importJobDoc(a.ID, "a3", "", inapp.JobInitializing),
		importJobDoc(b.ID, "b2", "", inapp.JobFailed),
	} {
		must(t, "CreateImportJob "+j.ID, s.CreateImportJob(ctx, j))
	}
	unfinished, err := s.UnfinishedImportJobs(ctx)
	must(t, "UnfinishedImportJobs", err)
	sameIDs(t, "UnfinishedImportJobs (oldest first, every app)", unfinished, importJobID, "a1", "b1", "a3")

	// Finish one, move another on: doc, state and status all change.
	j := importJobDoc(b.ID, "b1", "seg-x", inapp.JobCompleted)
	j.CompletedPieces, j.TotalProcessed, j.CompletionDate = 5, 50000, created
	j.Failures = append(j.Failures, "line 49999: Id is missing")
	j.State.ChannelCounts["SMS"] = 1
	j.State.Source = ""
	must(t, "UpdateImportJob", s.UpdateImportJob(ctx, j))
	got, err := s.GetImportJob(ctx, b.ID, "b1")
	must(t, "GetImportJob", err)
	sameJob(t, "updated job", got, j)
	unfinished, err = s.UnfinishedImportJobs(ctx)
	must(t, "UnfinishedImportJobs", err)
	sameIDs(t, "UnfinishedImportJobs after finishing b1", unfinished, importJobID, "a1", "a3")
	jobs, _, err := s.ListImportJobs(ctx, b.ID, "seg-x", inapp.Page{})
	must(t, "ListImportJobs by the updated segment", err)
	sameIDs(t, "jobs of seg-x after the update", jobs, importJobID, "b1")
}

func testImportJobList(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("job-%d", i)
		must(t, "CreateImportJob", s.CreateImportJob(ctx, importJobDoc(app.ID, id, "", inapp.JobCompleted)))
		want = append([]string{id}, want...) // newest first
	}
	must(t, "CreateImportJob in another app", s.CreateImportJob(ctx, importJobDoc(other.ID, "elsewhere", "", inapp.JobCompleted)))
	pages := allPages(t, "ListImportJobs", 3, func(p inapp.Page) ([]*inapp.ImportJob, string, error) {
		return s.ListImportJobs(ctx, app.ID, "", p)
	})
	wantSizes(t, "ListImportJobs pages", pages, 3, 3, 1)
	sameIDs(t, "ListImportJobs", flatten(pages), importJobID, want...)
	all, next, err := s.ListImportJobs(ctx, app.ID, "", inapp.Page{})
	must(t, "ListImportJobs default page", err)
	if next != "" || len(all) != 7 {
		t.Errorf("ListImportJobs with the default size: %d jobs, next %q", len(all), next)
	}
	sameJob(t, "listed job", all[0], importJobDoc(app.ID, "job-6", "", inapp.JobCompleted))

	empty := newApp(t, s)
	jobs, next, err := s.ListImportJobs(ctx, empty.ID, "", inapp.Page{})
	must(t, "ListImportJobs of an app without jobs", err)
	if len(jobs) != 0 || jobs == nil || next != "" {
		t.Errorf("ListImportJobs of an app without jobs = %v (nil %v), %q; want an empty list", jobs, jobs == nil, next)
	}
	_, _, err = s.ListImportJobs(ctx, "no-such-app", "", inapp.Page{})
	wantCode(t, "ListImportJobs of a missing app", err, inapp.ENOTFOUND)
	_, _, err = s.ListImportJobs(ctx, app.ID, "", inapp.Page{Token: "not a token"})
	wantCode(t, "ListImportJobs with a made-up token", err, inapp.EINVALID)
}

func testImportJobListBySegment(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app := newApp(t, s)
	for i, seg := range []string{"s1", "s2", "s1", "", "s1"} {
		must(t, "CreateImportJob", s.CreateImportJob(ctx, importJobDoc(app.ID, fmt.Sprintf("job-%d", i), seg, inapp.JobCompleted)))
	}
	pages := allPages(t, "ListImportJobs s1", 2, func(p inapp.Page) ([]*inapp.ImportJob, string, error) {
		return s.ListImportJobs(ctx, app.ID, "s1", p)
	})
	sameIDs(t, "jobs of s1", flatten(pages), importJobID, "job-4", "job-2", "job-0")
	jobs, _, err := s.ListImportJobs(ctx, app.ID, "s2", inapp.Page{})
	must(t, "ListImportJobs s2", err)
	sameIDs(t, "jobs of s2", jobs, importJobID, "job-1")
	jobs, _, err = s.ListImportJobs(ctx, app.ID, "s3", inapp.Page{})
	must(t, "ListImportJobs of a segment without jobs", err)
	sameIDs(t, "jobs of s3", jobs, importJobID)
}

func testSegmentMembers(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	must(t, "AddSegmentMembers", s.AddSegmentMembers(ctx, app.ID, "s1", []string{"e1", "e2", "e3"}))
	// Again, overlapping, with a duplicate in the call: harmless.
	must(t, "AddSegmentMembers again", s.AddSegmentMembers(ctx, app.ID, "s1", []string{"e3", "e2", "e4", "e4"}))
	must(t, "AddSegmentMembers s2", s.AddSegmentMembers(ctx, app.ID, "s2", []string{"e2"}))
	must(t, "AddSegmentMembers in another app", s.AddSegmentMembers(ctx, other.ID, "s3", []string{"e1"}))
	must(t, "AddSegmentMembers of nobody", s.AddSegmentMembers(ctx, app.ID, "s1", nil))
	// Many at once (backends batch their inserts).
	many := make([]string, 1234)
	for i := range many {
		many[i] = fmt.Sprintf("bulk-%04d", i)
	}
	must(t, "AddSegmentMembers bulk", s.AddSegmentMembers(ctx, app.ID, "bulk", many))

	for _, c := range []struct {
		app, endpoint string
		want          []string
	}{
		{app.ID, "e1", []string{"s1"}},
		{app.ID, "e2", []string{"s1", "s2"}},
		{app.ID, "e4", []string{"s1"}},
		{app.ID, "bulk-1233", []string{"bulk"}},
		{app.ID, "nobody", []string{}},
		{other.ID, "e1", []string{"s3"}},
		{other.ID, "e2", []string{}},
	} {
		got, err := s.SegmentMemberships(ctx, c.app, c.endpoint)
		must(t, "SegmentMemberships", err)
		if got == nil {
			t.Errorf("SegmentMemberships(%s) = nil, want an empty list", c.endpoint)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("SegmentMemberships(%s) = %q, want %q", c.endpoint, got, c.want)
		}
	}
	for seg, want := range map[string]int{"s1": 4, "s2": 1, "bulk": 1234, "none": 0} {
		n, err := s.CountSegmentMembers(ctx, app.ID, seg)
		must(t, "CountSegmentMembers", err)
		if n != want {
			t.Errorf("CountSegmentMembers(%s) = %d, want %d", seg, n, want)
		}
	}
	for _, c := range []struct {
		app, seg string
		want     []string
	}{
		{app.ID, "s1", []string{"e1", "e2", "e3", "e4"}},
		{app.ID, "s2", []string{"e2"}},
		{app.ID, "bulk", many},
		{app.ID, "none", nil},
		{other.ID, "s3", []string{"e1"}},
		{other.ID, "s1", nil},
	} {
		var got []string
		batches := 0
		must(t, "ListSegmentMembers", s.ListSegmentMembers(ctx, c.app, c.seg, func(ids []string) error {
			if len(ids) == 0 {
				t.Errorf("ListSegmentMembers(%s) handed over an empty batch", c.seg)
			}
			batches++
			got = append(got, ids...)
			return nil
		}))
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("ListSegmentMembers(%s) = %d IDs (%q…), want %d", c.seg, len(got), got[:min(len(got), 3)], len(c.want))
		}
		if len(c.want) > 1000 && batches < 2 {
			t.Errorf("ListSegmentMembers(%s): %d IDs in %d batch: not batched", c.seg, len(got), batches)
		}
	}
	stop := errors.New("enough")
	if err := s.ListSegmentMembers(ctx, app.ID, "bulk", func([]string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ListSegmentMembers: fn's error came back as %v", err)
	}
	wantCode(t, "AddSegmentMembers in a missing app", s.AddSegmentMembers(ctx, "no-such-app", "s1", []string{"e1"}), inapp.ENOTFOUND)
}

func importSegmentDoc(appID, id string) *inapp.Segment {
	return &inapp.Segment{
		ApplicationID: appID, Arn: inapp.SegmentArn(appID, id), CreationDate: created, ID: id,
		LastModifiedDate: created, Name: "imported", SegmentType: "IMPORT", Version: 1,
		ImportDefinition: &inapp.SegmentImport{
			ChannelCounts: map[string]int{"IN_APP": 2}, ExternalID: "ext", Format: "CSV",
			RoleArn: "arn:aws:iam::000000000000:role/import", S3Url: "file:///imports/x.csv", Size: 2,
		},
	}
}

func testDeleteSegmentMembers(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app := newApp(t, s)
	for _, id := range []string{"keep", "drop"} {
		seg := importSegmentDoc(app.ID, id)
		must(t, "PutSegment", s.PutSegment(ctx, seg))
		got, err := s.GetSegment(ctx, app.ID, id, 0)
		must(t, "GetSegment", err)
		sameJSON(t, "IMPORT segment", got, seg)
		must(t, "AddSegmentMembers", s.AddSegmentMembers(ctx, app.ID, id, []string{"e1", "e2"}))
	}
	_, err := s.DeleteSegment(ctx, app.ID, "drop")
	must(t, "DeleteSegment", err)
	got, err := s.SegmentMemberships(ctx, app.ID, "e1")
	must(t, "SegmentMemberships", err)
	if !slices.Equal(got, []string{"keep"}) {
		t.Errorf("memberships of e1 after deleting segment drop = %q, want [keep]", got)
	}
	if n, err := s.CountSegmentMembers(ctx, app.ID, "drop"); err != nil || n != 0 {
		t.Errorf("CountSegmentMembers(drop) after DeleteSegment = %d, %v; want 0", n, err)
	}
	// A new segment under the old ID starts empty.
	must(t, "PutSegment again", s.PutSegment(ctx, importSegmentDoc(app.ID, "drop")))
	if n, err := s.CountSegmentMembers(ctx, app.ID, "drop"); err != nil || n != 0 {
		t.Errorf("CountSegmentMembers of a re-created segment = %d, %v; want 0", n, err)
	}
}

func testDeleteAppImports(t *testing.T, s importStoreT) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	for _, a := range []*inapp.App{app, other} {
		must(t, "CreateImportJob", s.CreateImportJob(ctx, importJobDoc(a.ID, "job", "s1", inapp.JobProcessing)))
		must(t, "AddSegmentMembers", s.AddSegmentMembers(ctx, a.ID, "s1", []string{"e1"}))
	}
	_, err := s.DeleteApp(ctx, app.ID)
	must(t, "DeleteApp", err)
	unfinished, err := s.UnfinishedImportJobs(ctx)
	must(t, "UnfinishedImportJobs", err)
	sameIDs(t, "unfinished jobs after DeleteApp", unfinished, func(j *inapp.ImportJob) string { return j.ApplicationID }, other.ID)

	// The app comes back under the same ID: nothing of the old one.
	must(t, "CreateApp again", s.CreateApp(ctx, appDoc(app.ID, "again")))
	_, err = s.GetImportJob(ctx, app.ID, "job")
	wantCode(t, "GetImportJob after DeleteApp", err, inapp.ENOTFOUND)
	jobs, _, err := s.ListImportJobs(ctx, app.ID, "", inapp.Page{})
	must(t, "ListImportJobs", err)
	sameIDs(t, "jobs after DeleteApp", jobs, importJobID)
	got, err := s.SegmentMemberships(ctx, app.ID, "e1")
	must(t, "SegmentMemberships", err)
	if len(got) != 0 {
		t.Errorf("memberships after DeleteApp = %q, want none", got)
	}
	if got, err := s.SegmentMemberships(ctx, other.ID, "e1"); err != nil || !slices.Equal(got, []string{"s1"}) {
		t.Errorf("the other app's memberships after DeleteApp = %q, %v; want [s1]", got, err)
	}
}

func testUserEndpointIDs(t *testing.T, s inapp.Store) {
	l, ok := s.(inapp.UserEndpointIDLister)
	if !ok {
		t.Skipf("%T does not implement inapp.UserEndpointIDLister (optional)", s)
	}
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	put := func(appID, id, user, status string) {
		e := endpointDoc(appID, id, user)
		e.EndpointStatus = status
		must(t, "UpdateEndpoints", s.UpdateEndpoints(ctx, appID, []string{id}, func(string, *inapp.Endpoint) (*inapp.Endpoint, error) { return e, nil }))
	}
	put(app.ID, "a1", "ana", "ACTIVE")
	put(app.ID, "a2", "ana", "ACTIVE")
	put(app.ID, "a3", "ana", "INACTIVE") // does not count toward the limit
	put(app.ID, "b1", "bob", "INACTIVE")
	put(app.ID, "n1", "", "ACTIVE")
	put(other.ID, "c1", "cy", "ACTIVE")
	users := []string{"ana", "bob", "cy", "nobody"}
	for i := range 600 { // more than one query's worth
		users = append(users, fmt.Sprintf("u%d", i))
	}
	got, err := l.UserEndpointIDs(ctx, app.ID, users)
	must(t, "UserEndpointIDs", err)
	for u := range got {
		slices.Sort(got[u])
	}
	if want := map[string][]string{"ana": {"a1", "a2"}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("UserEndpointIDs = %v, want %v", got, want)
	}
}
