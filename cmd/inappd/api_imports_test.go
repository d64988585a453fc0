package main

// Import jobs end to end, through aws-sdk-go-v2: CreateImportJob from a
// file:// source under --import-dir and from an http:// URL, progress
// through GetImportJob, the IMPORT segment and a campaign that targets it,
// the upload extension, and the requests refused.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
)

// startImportServer is startServer with an import directory (returned).
func startImportServer(t *testing.T) (*Main, string) {
	t.Helper()
	dir := t.TempDir()
	m := newTestMain(t)
	m.Config.ImportDir = dir
	useTestBackend(t, m)
	runTestMain(t, m)
	return m, dir
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const testRole = "arn:aws:iam::123456789012:role/PinpointImport"

func createImportJob(t *testing.T, c *pinpoint.Client, app string, req *types.ImportJobRequest) *types.ImportJobResponse {
	t.Helper()
	out, err := c.CreateImportJob(t.Context(), &pinpoint.CreateImportJobInput{ApplicationId: aws.String(app), ImportJobRequest: req})
	if err != nil {
		t.Fatalf("CreateImportJob %s: %v", str(req.S3Url), err)
	}
	wantStatus(t, out.ResultMetadata, 201)
	return out.ImportJobResponse
}

// waitImportJob polls GetImportJob until the job is COMPLETED or FAILED,
// checking on the way that its progress only moves forward.
func waitImportJob(t *testing.T, c *pinpoint.Client, app, id string, limit time.Duration) *types.ImportJobResponse {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last int32
	for {
		out, err := c.GetImportJob(t.Context(), &pinpoint.GetImportJobInput{ApplicationId: aws.String(app), JobId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetImportJob: %v", err)
		}
		j := out.ImportJobResponse
		if n := i32(j.CompletedPieces); n < last {
			t.Errorf("CompletedPieces went back from %d to %d", last, n)
		} else {
			last = n
		}
		if j.JobStatus == types.JobStatusCompleted || j.JobStatus == types.JobStatusFailed {
			return j
		}
		if !slices.Contains([]types.JobStatus{types.JobStatusCreated, types.JobStatusInitializing, types.JobStatusProcessing, types.JobStatusCompleting}, j.JobStatus) {
			t.Fatalf("JobStatus %q", j.JobStatus)
		}
		if time.Now().After(deadline) {
			t.Fatalf("import job %s still %s after %v", id, j.JobStatus, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportJobFromFile(t *testing.T) {
	m, dir := startImportServer(t)
	c := client(m, nil)
	app := createApp(t, c, "imports")
	path := writeFile(t, dir, "vip.csv", "Id,ChannelType,Address,User.UserId,Attributes.tier,Attributes.tier,Demographic.Timezone\n"+
		"vip-1,IN_APP,,u1,gold,black,Europe/Paris\n"+
		"vip-2,IN_APP,,u2,gold,,\n"+
		"vip-3,FAX,,,,,\n"+ // line 4: refused
		",EMAIL,vip@example.com,u1,,,\n")
	created := createImportJob(t, c, app, &types.ImportJobRequest{
		Format: types.FormatCsv, S3Url: aws.String("file://" + path), RoleArn: aws.String(testRole),
		DefineSegment: aws.Bool(true), SegmentName: aws.String("VIPs"), RegisterEndpoints: aws.Bool(true), ExternalId: aws.String("ext-1"),
	})
	if str(created.ApplicationId) != app || str(created.Type) != "IMPORT" || created.JobStatus != types.JobStatusCreated || str(created.Id) == "" {
		t.Errorf("CreateImportJob answered %s", mustJSON(t, created))
	}
	wantISOTime(t, "CreationDate", str(created.CreationDate))
	def := created.Definition
	segID := str(def.SegmentId)
	if def.Format != types.FormatCsv || str(def.S3Url) != "file://"+path || str(def.RoleArn) != testRole || str(def.ExternalId) != "ext-1" ||
		!aws.ToBool(def.DefineSegment) || !aws.ToBool(def.RegisterEndpoints) || str(def.SegmentName) != "VIPs" || segID == "" {
		t.Errorf("Definition: %s", mustJSON(t, def))
	}

	job := waitImportJob(t, c, app, str(created.Id), time.Minute)
	if job.JobStatus != types.JobStatusCompleted || i32(job.TotalPieces) != 1 || i32(job.CompletedPieces) != 1 || i32(job.FailedPieces) != 0 ||
		i32(job.TotalProcessed) != 4 || i32(job.TotalFailures) != 1 {
		t.Errorf("job: %s", mustJSON(t, job))
	}
	wantISOTime(t, "CompletionDate", str(job.CompletionDate))
	wantIDs(t, "Failures", job.Failures, []string{`line 4: ChannelType: "FAX" is not one of PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, CUSTOM, IN_APP.`})

	// The endpoints, multi-valued attributes included.
	ep := getEndpoint(t, c, app, "vip-1")
	if got := ep.Attributes["tier"]; !slices.Equal(got, []string{"gold", "black"}) || ep.Demographic == nil || str(ep.Demographic.Timezone) != "Europe/Paris" {
		t.Errorf("vip-1: %s", mustJSON(t, ep))
	}
	endpointMissing(t, c, app, "vip-3")
	users, err := c.GetUserEndpoints(t.Context(), &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(app), UserId: aws.String("u1")})
	if err != nil || len(users.EndpointsResponse.Item) != 2 {
		t.Errorf("GetUserEndpoints u1: %v %v", users, err)
	}

	// The IMPORT segment.
	seg, err := c.GetSegment(t.Context(), &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(segID)})
	if err != nil {
		t.Fatalf("GetSegment: %v", err)
	}
	s := seg.SegmentResponse
	imp := s.ImportDefinition
	if s.SegmentType != types.SegmentTypeImport || str(s.Name) != "VIPs" || i32(s.Version) != 1 || imp == nil ||
		i32(imp.Size) != 3 || imp.Format != types.FormatCsv || str(imp.S3Url) != "file://"+path || str(imp.RoleArn) != testRole || str(imp.ExternalId) != "ext-1" ||
		imp.ChannelCounts["IN_APP"] != 2 || imp.ChannelCounts["EMAIL"] != 1 {
		t.Errorf("segment: %s", mustJSON(t, s))
	}

	// A campaign on it delivers to the imported endpoints only.
	putEndpoint(t, c, app, "outsider", inAppEndpoint("u9", nil))
	camp := createCampaign(t, c, app, campaignRequest("for VIPs", segID, 1))
	wantIDs(t, "vip-1's campaigns", deliveredIDs(t, c, app, "vip-1"), []string{str(camp.Id)})
	wantIDs(t, "vip-2's campaigns", deliveredIDs(t, c, app, "vip-2"), []string{str(camp.Id)})
	wantIDs(t, "outsider's campaigns", deliveredIDs(t, c, app, "outsider"), []string{})

	// Listings.
	all, err := c.GetImportJobs(t.Context(), &pinpoint.GetImportJobsInput{ApplicationId: aws.String(app)})
	if err != nil || len(all.ImportJobsResponse.Item) != 1 || str(all.ImportJobsResponse.Item[0].Id) != str(created.Id) || all.ImportJobsResponse.NextToken != nil {
		t.Errorf("GetImportJobs: %v %v", mustJSON(t, all), err)
	}
	bySeg, err := c.GetSegmentImportJobs(t.Context(), &pinpoint.GetSegmentImportJobsInput{ApplicationId: aws.String(app), SegmentId: aws.String(segID)})
	if err != nil || len(bySeg.ImportJobsResponse.Item) != 1 {
		t.Errorf("GetSegmentImportJobs: %v %v", mustJSON(t, bySeg), err)
	}
	// The wire: integers, no state, Failures as a list.
	r := rawCall(t, m, nil, "GET", "/v1/apps/"+app+"/jobs/import/"+str(created.Id), nil)
	wantRawStatus(t, r, 200)
	body := r.object(t)
	for _, k := range []string{"ApplicationId", "CompletedPieces", "CompletionDate", "CreationDate", "Definition", "FailedPieces", "Failures", "Id", "JobStatus", "TotalFailures", "TotalPieces", "TotalProcessed", "Type"} {
		if _, ok := body[k]; !ok {
			t.Errorf("GetImportJob body has no %s: %s", k, r.Body)
		}
	}
	if len(body) != 13 {
		t.Errorf("GetImportJob body has members beyond the model's: %s", r.Body)
	}
}

func TestImportJobFromHTTPAndIntoASegment(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/first.json":
			fmt.Fprint(w, `{"Id":"h1","ChannelType":"IN_APP","User":{"UserId":"hu1"}}`+"\n"+`{"Id":"h2","ChannelType":"IN_APP"}`+"\n")
		case "/second.json":
			fmt.Fprint(w, `{"Id":"h3","ChannelType":"IN_APP","Attributes":{"plan":["pro"]}}`+"\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	m, _ := startImportServer(t)
	c := client(m, nil)
	app := createApp(t, c, "http imports")
	first := createImportJob(t, c, app, &types.ImportJobRequest{
		Format: types.FormatJson, S3Url: aws.String(srv.URL + "/first.json"), RoleArn: aws.String(testRole),
		DefineSegment: aws.Bool(true), RegisterEndpoints: aws.Bool(true), // no name: the file's
	})
	job := waitImportJob(t, c, app, str(first.Id), time.Minute)
	if job.JobStatus != types.JobStatusCompleted || i32(job.TotalProcessed) != 2 {
		t.Fatalf("first job: %s", mustJSON(t, job))
	}
	segID := str(first.Definition.SegmentId)
	if str(first.Definition.SegmentName) != "first" {
		t.Errorf("default segment name %q, want the file's name", str(first.Definition.SegmentName))
	}

	// Add to the segment: a new version, bigger.
	second := createImportJob(t, c, app, &types.ImportJobRequest{
		Format: types.FormatJson, S3Url: aws.String(srv.URL + "/second.json"), RoleArn: aws.String(testRole),
		SegmentId: aws.String(segID), RegisterEndpoints: aws.Bool(true),
	})
	if waitImportJob(t, c, app, str(second.Id), time.Minute).JobStatus != types.JobStatusCompleted {
		t.Fatal("second job failed")
	}
	seg, err := c.GetSegment(t.Context(), &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(segID)})
	if err != nil {
		t.Fatal(err)
	}
	if i32(seg.SegmentResponse.Version) != 2 || i32(seg.SegmentResponse.ImportDefinition.Size) != 3 || str(seg.SegmentResponse.ImportDefinition.S3Url) != srv.URL+"/second.json" {
		t.Errorf("segment after the second job: %s", mustJSON(t, seg.SegmentResponse))
	}
	camp := createCampaign(t, c, app, campaignRequest("imported", segID, 1))
	for _, ep := range []string{"h1", "h2", "h3"} {
		wantIDs(t, ep+"'s campaigns", deliveredIDs(t, c, app, ep), []string{str(camp.Id)})
	}
	jobs, err := c.GetSegmentImportJobs(t.Context(), &pinpoint.GetSegmentImportJobsInput{ApplicationId: aws.String(app), SegmentId: aws.String(segID), PageSize: aws.String("1")})
	if err != nil || len(jobs.ImportJobsResponse.Item) != 1 || str(jobs.ImportJobsResponse.Item[0].Id) != str(second.Id) || jobs.ImportJobsResponse.NextToken == nil {
		t.Fatalf("GetSegmentImportJobs page 1: %v %v", mustJSON(t, jobs), err)
	}
	jobs, err = c.GetSegmentImportJobs(t.Context(), &pinpoint.GetSegmentImportJobsInput{ApplicationId: aws.String(app), SegmentId: aws.String(segID), PageSize: aws.String("1"), Token: jobs.ImportJobsResponse.NextToken})
	if err != nil || len(jobs.ImportJobsResponse.Item) != 1 || str(jobs.ImportJobsResponse.Item[0].Id) != str(first.Id) {
		t.Fatalf("GetSegmentImportJobs page 2: %v %v", mustJSON(t, jobs), err)
	}

	// A download that fails fails the job, saying why.
	bad := createImportJob(t, c, app, &types.ImportJobRequest{Format: types.FormatCsv, S3Url: aws.String(srv.URL + "/nope.csv"), RoleArn: aws.String(testRole), RegisterEndpoints: aws.Bool(true)})
	failed := waitImportJob(t, c, app, str(bad.Id), time.Minute)
	if failed.JobStatus != types.JobStatusFailed || len(failed.Failures) != 1 || !strings.Contains(failed.Failures[0], "404 Not Found") {
		t.Errorf("failed job: %s", mustJSON(t, failed))
	}
}

// upload sends a file to the upload extension, signed with the root key.
// declare sets X-Amz-Content-Sha256 (signed, as S3 clients do).
func upload(t *testing.T, m *Main, app, query string, body []byte, declare string) rawResponse {
	t.Helper()
	req := newRawRequest(t, m, "POST", "/inappd/v1/apps/"+app+"/imports?"+query, body)
	req.Header.Set("Content-Type", "text/csv")
	if declare != "" {
		req.Header.Set("X-Amz-Content-Sha256", declare)
	}
	signAt(t, req, m.RootKey, body, time.Now())
	return doRaw(t, req)
}

func TestImportUpload(t *testing.T) {
	m, _ := startImportServer(t)
	c := client(m, nil)
	app := createApp(t, c, "uploads")
	body := []byte("Id,ChannelType,Attributes.src\nup-1,IN_APP,upload\nup-2,IN_APP,upload\n")

	r := upload(t, m, app, "format=CSV&segment-name=uploaded", body, "")
	wantRawStatus(t, r, 201)
	var job struct {
		Id, JobStatus string
		Definition    struct{ S3Url, SegmentId, SegmentName, Format string }
	}
	if err := json.Unmarshal(r.Body, &job); err != nil {
		t.Fatal(err)
	}
	if job.JobStatus != "CREATED" || job.Definition.S3Url != "upload://"+job.Id || job.Definition.SegmentName != "uploaded" || job.Definition.Format != "CSV" {
		t.Errorf("upload answered %s", r.Body)
	}
	done := waitImportJob(t, c, app, job.Id, time.Minute)
	if done.JobStatus != types.JobStatusCompleted || i32(done.TotalProcessed) != 2 {
		t.Fatalf("upload job: %s", mustJSON(t, done))
	}
	if ep := getEndpoint(t, c, app, "up-2"); ep.Attributes["src"][0] != "upload" {
		t.Errorf("up-2: %s", mustJSON(t, ep))
	}
	seg, err := c.GetSegment(t.Context(), &pinpoint.GetSegmentInput{ApplicationId: aws.String(app), SegmentId: aws.String(job.Definition.SegmentId)})
	if err != nil || i32(seg.SegmentResponse.ImportDefinition.Size) != 2 {
		t.Errorf("uploaded segment: %v", err)
	}
	// The copy is gone once the job ended.
	if entries, _ := os.ReadDir(filepath.Join(m.Config.DataDir, "imports")); len(entries) != 0 {
		t.Errorf("upload copies left: %v", entries)
	}

	// With a signed X-Amz-Content-Sha256, into the same segment.
	more := []byte("Id,ChannelType\nup-3,IN_APP\n")
	sum := sha256.Sum256(more)
	r = upload(t, m, app, "format=CSV&segment-id="+job.Definition.SegmentId+"&register-endpoints=true", more, hex.EncodeToString(sum[:]))
	wantRawStatus(t, r, 201)
	var second struct{ Id string }
	json.Unmarshal(r.Body, &second)
	if waitImportJob(t, c, app, second.Id, time.Minute).JobStatus != types.JobStatusCompleted {
		t.Error("second upload failed")
	}
	getEndpoint(t, c, app, "up-3")

	// UNSIGNED-PAYLOAD, as S3 allows: the request is signed, the body not.
	req0 := newRawRequest(t, m, "POST", "/inappd/v1/apps/"+app+"/imports?format=CSV&segment-id="+job.Definition.SegmentId, []byte("Id\nup-4\n"))
	req0.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: m.RootKey.ID, SecretAccessKey: m.RootKey.Secret}, req0, "UNSIGNED-PAYLOAD", testService, testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	r = doRaw(t, req0)
	wantRawStatus(t, r, 201)
	json.Unmarshal(r.Body, &second)
	if waitImportJob(t, c, app, second.Id, time.Minute).JobStatus != types.JobStatusCompleted {
		t.Error("unsigned-payload upload failed")
	}
	getEndpoint(t, c, app, "up-4")

	// A body that does not match its declared hash.
	wrong := sha256.Sum256([]byte("something else"))
	r = upload(t, m, app, "format=CSV&segment-name=x", more, hex.EncodeToString(wrong[:]))
	wantRawError(t, r, "ForbiddenException") // the signature covers the body's real hash
	// Unsigned, or signed by a client key: refused, nothing kept.
	r = unsignedCall(t, m, "POST", "/inappd/v1/apps/"+app+"/imports?format=CSV", body)
	wantRawError(t, r, "ForbiddenException")
	key := createClientKey(t, m, app)
	req := newRawRequest(t, m, "POST", "/inappd/v1/apps/"+app+"/imports?format=CSV", body)
	signAt(t, req, key, body, time.Now())
	wantRawError(t, doRaw(t, req), "ForbiddenException")
	// Bad parameters.
	for _, q := range []string{"", "format=XML", "format=CSV&register-endpoints=maybe", "format=CSV&segment-name=a&segment-id=b", "format=CSV&register-endpoints=false", "format=CSV&segment-id=nope"} {
		wantRawError(t, upload(t, m, app, q, body, ""), "BadRequestException")
	}
	wantRawError(t, upload(t, m, "0123456789abcdef0123456789abcdef", "format=CSV", body, ""), "NotFoundException")
	if entries, _ := os.ReadDir(filepath.Join(m.Config.DataDir, "imports")); len(entries) != 0 {
		t.Errorf("refused uploads left files: %v", entries)
	}
	jobs, err := c.GetImportJobs(t.Context(), &pinpoint.GetImportJobsInput{ApplicationId: aws.String(app)})
	if err != nil || len(jobs.ImportJobsResponse.Item) != 3 {
		t.Errorf("jobs after the refused uploads: %v", err)
	}
}

func TestImportJobRejected(t *testing.T) {
	m, dir := startImportServer(t)
	c := client(m, nil)
	app := createApp(t, c, "rejections")
	putEndpoint(t, c, app, "keep", inAppEndpoint("u", map[string][]string{"a": {"1"}}))
	dimensional := createSegment(t, c, app, attrSegment("dim", "a", "1"))
	inside := writeFile(t, dir, "ok.csv", "Id\nnew-1\n")
	outsideDir := t.TempDir()
	outside := writeFile(t, outsideDir, "secret.csv", "Id\nnew-2\n")
	os.Symlink(outside, filepath.Join(dir, "link.csv"))

	snapshot := func() string {
		jobs, err := c.GetImportJobs(t.Context(), &pinpoint.GetImportJobsInput{ApplicationId: aws.String(app)})
		if err != nil {
			t.Fatal(err)
		}
		segs, err := c.GetSegments(t.Context(), &pinpoint.GetSegmentsInput{ApplicationId: aws.String(app)})
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(t, []any{jobs.ImportJobsResponse, segs.SegmentsResponse, getEndpoint(t, c, app, "keep")})
	}
	before := snapshot()
	req := func(mod func(*types.ImportJobRequest)) *types.ImportJobRequest {
		r := &types.ImportJobRequest{Format: types.FormatCsv, S3Url: aws.String("file://" + inside), RoleArn: aws.String(testRole), RegisterEndpoints: aws.Bool(true), DefineSegment: aws.Bool(true), SegmentName: aws.String("s")}
		mod(r)
		return r
	}
	for name, r := range map[string]*types.ImportJobRequest{
		"s3 source":       req(func(r *types.ImportJobRequest) { r.S3Url = aws.String("s3://bucket/endpoints/") }),
		"outside the dir": req(func(r *types.ImportJobRequest) { r.S3Url = aws.String("file://" + outside) }),
		"link out":        req(func(r *types.ImportJobRequest) { r.S3Url = aws.String("file://" + filepath.Join(dir, "link.csv")) }),
		"dot-dot": req(func(r *types.ImportJobRequest) {
			r.S3Url = aws.String("file://" + dir + "/../" + filepath.Base(outsideDir) + "/secret.csv")
		}),
		"missing file":       req(func(r *types.ImportJobRequest) { r.S3Url = aws.String("file://" + dir + "/nope.csv") }),
		"ftp":                req(func(r *types.ImportJobRequest) { r.S3Url = aws.String("ftp://example.com/x.csv") }),
		"bad format":         req(func(r *types.ImportJobRequest) { r.Format = "XML" }),
		"unknown segment":    req(func(r *types.ImportJobRequest) { r.SegmentId = aws.String("0123456789abcdef0123456789abcdef") }),
		"dimensional":        req(func(r *types.ImportJobRequest) { r.SegmentId = dimensional.Id }),
		"name without defin": req(func(r *types.ImportJobRequest) { r.DefineSegment = nil }),
		"nothing to do": req(func(r *types.ImportJobRequest) {
			r.DefineSegment, r.SegmentName, r.RegisterEndpoints = nil, nil, aws.Bool(false)
		}),
	} {
		_, err := c.CreateImportJob(t.Context(), &pinpoint.CreateImportJobInput{ApplicationId: aws.String(app), ImportJobRequest: r})
		e := wantBadRequest(t, err)
		t.Logf("%s: %s", name, e.ErrorMessage())
		if name == "s3 source" && !strings.Contains(e.ErrorMessage(), "cannot read from Amazon S3") {
			t.Errorf("s3: %s", e.ErrorMessage())
		}
	}
	// Required members, which the SDK checks itself: sent raw.
	for _, body := range []string{`{"S3Url":"file:///x","RoleArn":"r"}`, `{"Format":"CSV","RoleArn":"r"}`, `{"Format":"CSV","S3Url":"file:///x"}`} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/jobs/import", []byte(body))
		if msg := wantRawError(t, r, "BadRequestException")["Message"].(string); !strings.HasPrefix(msg, "Missing required member") {
			t.Errorf("%s: %s", body, msg)
		}
	}
	_, err := c.CreateImportJob(t.Context(), &pinpoint.CreateImportJobInput{ApplicationId: aws.String("0123456789abcdef0123456789abcdef"), ImportJobRequest: req(func(*types.ImportJobRequest) {})})
	wantNotFound(t, err)
	_, err = c.GetImportJob(t.Context(), &pinpoint.GetImportJobInput{ApplicationId: aws.String(app), JobId: aws.String("nope")})
	wantNotFound(t, err)
	_, err = c.GetSegmentImportJobs(t.Context(), &pinpoint.GetSegmentImportJobsInput{ApplicationId: aws.String(app), SegmentId: aws.String("nope")})
	wantNotFound(t, err)
	_, err = c.GetImportJobs(t.Context(), &pinpoint.GetImportJobsInput{ApplicationId: aws.String(app), Token: aws.String("junk")})
	wantBadRequest(t, err)
	if after := snapshot(); after != before {
		t.Errorf("refused requests changed what is stored:\nbefore %s\nafter  %s", before, after)
	}
	// A client key may not create jobs.
	key := createClientKey(t, m, app)
	_, err = client(m, key).CreateImportJob(t.Context(), &pinpoint.CreateImportJobInput{ApplicationId: aws.String(app), ImportJobRequest: req(func(*types.ImportJobRequest) {})})
	wantForbidden(t, err)
}

// TestImportFileSourcesOff: without --import-dir, file:// is refused with
// a message saying how to allow it.
func TestImportFileSourcesOff(t *testing.T) {
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "no import dir")
	_, err := c.CreateImportJob(t.Context(), &pinpoint.CreateImportJobInput{ApplicationId: aws.String(app), ImportJobRequest: &types.ImportJobRequest{
		Format: types.FormatCsv, S3Url: aws.String("file:///etc/passwd"), RoleArn: aws.String(testRole), RegisterEndpoints: aws.Bool(true),
	}})
	if e := wantBadRequest(t, err); !strings.Contains(e.ErrorMessage(), "--import-dir") {
		t.Errorf("message does not say how to allow file://: %s", e.ErrorMessage())
	}
}

// TestImportMillionSubprocess measures an import of INAPPD_IMPORT_ROWS
// generated endpoints through the real binary (`inappd serve` as a
// subprocess): the time from CreateImportJob to COMPLETED and the
// server's peak RSS (VmHWM), and how long an admin write meanwhile takes
// to show in GetInAppMessages. It runs only when the variable is set, on
// a throwaway PostgreSQL database with INAPPD_TEST_BACKEND=postgres:
//
//	INAPPD_IMPORT_ROWS=1000000 go test ./cmd/inappd -run TestImportMillionSubprocess -v -timeout 20m
func TestImportMillionSubprocess(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("INAPPD_IMPORT_ROWS"))
	if n <= 0 {
		t.Skip("set INAPPD_IMPORT_ROWS (e.g. 1000000) to measure a large import through the binary")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "inappd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	importDir := filepath.Join(root, "in")
	os.MkdirAll(importDir, 0o755)
	csvPath := filepath.Join(importDir, "million.csv")
	f, _ := os.Create(csvPath)
	w := &bytes.Buffer{}
	w.WriteString("Id,ChannelType,User.UserId,User.UserAttributes.plan,Attributes.interests,Attributes.interests,Demographic.Platform,Demographic.Timezone,Location.Country,Metrics.sessions\n")
	for i := range n {
		h := sha256.Sum256([]byte(strconv.Itoa(i)))
		id := hex.EncodeToString(h[:16])
		fmt.Fprintf(w, "%s-%s-%s-%s-%s,IN_APP,user-%s,%s,shoes,hats,%s,Europe/Paris,FR,%d\n", id[:8], id[8:12], id[12:16], id[16:20], id[20:], id[:12],
			[]string{"free", "pro", "team"}[i%3], []string{"ios", "android", "web"}[i%3], i%50)
		if w.Len() > 1<<20 {
			f.Write(w.Bytes())
			w.Reset()
		}
	}
	f.Write(w.Bytes())
	info, _ := f.Stat()
	f.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port for the server
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"serve", "--addr", addr, "--data", filepath.Join(root, "data"), "--import-dir", importDir, "--log-level", "warn"}
	if os.Getenv("INAPPD_TEST_BACKEND") == "postgres" {
		args = append(args, "--postgres", pgtest.NewDatabase(t))
	}
	if p := os.Getenv("INAPPD_IMPORT_PPROF"); p != "" {
		args = append(args, "--pprof", p) // then: go tool pprof http://$p/debug/pprof/profile
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "INAPPD_ROOT_ACCESS_KEY_ID=AKIATESTROOT00000000", "INAPPD_ROOT_SECRET_ACCESS_KEY=test-root-secret-0000000000000000000000")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	c := pinpoint.New(pinpoint.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("AKIATESTROOT00000000", "test-root-secret-0000000000000000000000", ""), Retryer: aws.NopRetryer{}})
	var app string
	for deadline := time.Now().Add(30 * time.Second); ; {
		out, err := c.CreateApp(t.Context(), &pinpoint.CreateAppInput{CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String("million")}})
		if err == nil {
			app = str(out.ApplicationResponse.Id)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A marketer at work during the import: a campaign paused and resumed
	// every 200 ms, each time until GetInAppMessages shows it.
	seg, err := c.CreateSegment(t.Context(), &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: attrSegment("watched", "plan", "gold")})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := c.CreateCampaign(t.Context(), &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: campaignRequest("watched", str(seg.SegmentResponse.Id), 1)})
	if err != nil {
		t.Fatal(err)
	}
	putEndpoint(t, c, app, "watcher", inAppEndpoint("", map[string][]string{"plan": {"gold"}}))
	imported := make(chan struct{})
	writes := make(chan []time.Duration, 1)
	go func() { writes <- adminWritesUntil(t, c, app, str(camp.CampaignResponse.Id), "watcher", imported) }()

	start := time.Now()
	job := createImportJob(t, c, app, &types.ImportJobRequest{Format: types.FormatCsv, S3Url: aws.String("file://" + csvPath), RoleArn: aws.String(testRole),
		DefineSegment: aws.Bool(true), SegmentName: aws.String("million"), RegisterEndpoints: aws.Bool(true)})
	done := waitImportJob(t, c, app, str(job.Id), 20*time.Minute)
	elapsed := time.Since(start)
	close(imported)
	if took := <-writes; len(took) > 0 {
		slices.Sort(took)
		t.Logf("admin writes during the import: %d, visible to GetInAppMessages after median %v, p90 %v, max %v", len(took),
			took[len(took)/2].Round(100*time.Microsecond), took[len(took)*9/10].Round(100*time.Microsecond), took[len(took)-1].Round(100*time.Microsecond))
	}
	if done.JobStatus != types.JobStatusCompleted || int(i32(done.TotalProcessed)) != n || i32(done.TotalFailures) != 0 {
		t.Fatalf("job: %s", mustJSON(t, done))
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)); err == nil {
		// Fields 14 and 15 (after the command name): user and system time in clock ticks.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		ut, _ := strconv.Atoi(f[11])
		st, _ := strconv.Atoi(f[12])
		t.Logf("server CPU: user %.1f s, system %.1f s", float64(ut)/100, float64(st)/100)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	hwm := ""
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	t.Logf("imported %d endpoints (%.0f MB of CSV) in %v (%.0f rows/s), %d pieces; server peak RSS (VmHWM) %s",
		n, float64(info.Size())/1e6, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), i32(done.TotalPieces), hwm)
	if out := os.Getenv("INAPPD_IMPORT_REPORT"); out != "" {
		os.WriteFile(out, fmt.Appendf(nil, "rows=%d seconds=%.1f vmhwm=%q\n", n, elapsed.Seconds(), hwm), 0o644)
	}

	// The console's segment size estimate over everything just imported.
	rootKey := &inapp.AccessKey{ID: "AKIATESTROOT00000000", Secret: "test-root-secret-0000000000000000000000"}
	for _, e := range []struct{ what, criteria string }{
		{"1 dimension (plan = pro)", `{"Dimensions":{"UserAttributes":{"plan":{"AttributeType":"INCLUSIVE","Values":["pro"]}}}}`},
		{"4 dimensions (plan, platform, country, metric)", `{"Dimensions":{"UserAttributes":{"plan":{"AttributeType":"INCLUSIVE","Values":["free","team"]}},` +
			`"Demographic":{"Platform":{"DimensionType":"INCLUSIVE","Values":["ios"]}},"Location":{"Country":{"DimensionType":"INCLUSIVE","Values":["FR"]}},` +
			`"Metrics":{"sessions":{"ComparisonOperator":"GREATER_THAN","Value":10}}}}`},
	} {
		body := []byte(e.criteria)
		req, err := http.NewRequest("POST", "http://"+addr+"/inappd/v1/apps/"+app+"/segments/estimate", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		signAt(t, req, rootKey, body, time.Now())
		start := time.Now()
		resp := doRaw(t, req)
		took := time.Since(start)
		wantRawStatus(t, resp, http.StatusOK)
		got := resp.object(t)
		t.Logf("segment size estimate, %s: %v of %v endpoints in %v", e.what, got["Estimate"], got["EndpointsScanned"], took.Round(time.Millisecond))
	}
}

// adminWritesUntil pauses and resumes a campaign every 200 ms until done
// is closed, and returns how long each write took to show in
// GetInAppMessages for an endpoint of its segment.
func adminWritesUntil(t *testing.T, c *pinpoint.Client, app, campaign, endpoint string, done <-chan struct{}) []time.Duration {
	var took []time.Duration
	for paused := true; ; paused = !paused {
		select {
		case <-done:
			return took
		case <-time.After(200 * time.Millisecond):
		}
		start := time.Now()
		_, err := c.UpdateCampaign(t.Context(), &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(campaign),
			WriteCampaignRequest: &types.WriteCampaignRequest{IsPaused: aws.Bool(paused)}})
		if err != nil {
			t.Errorf("UpdateCampaign during the import: %v", err)
			return took
		}
		for {
			out, err := c.GetInAppMessages(t.Context(), &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String(endpoint)})
			if err != nil {
				t.Errorf("GetInAppMessages during the import: %v", err)
				return took
			}
			if shown := len(out.InAppMessagesResponse.InAppMessageCampaigns) == 1; shown != paused {
				break
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("a campaign paused=%v during the import did not show in 10 s", paused)
				return took
			}
		}
		took = append(took, time.Since(start))
	}
}

// TestImportEndpointRules: an import applies the rules UpdateEndpoint and
// UpdateEndpointsBatch apply beyond the row itself, as if each row were
// one such call, in file order: 15 endpoints per user (a 16th push
// endpoint retires the user's oldest, any other 16th fails with the API's
// message), and an endpoint whose Address another takes becomes INACTIVE.
// The same rows sent with UpdateEndpointsBatch, one per call, to another
// app leave the same endpoints.
func TestImportEndpointRules(t *testing.T) {
	m, dir := startImportServer(t)
	c := client(m, nil)
	ctx := t.Context()
	imported, viaAPI := createApp(t, c, "imported"), createApp(t, c, "via the API")
	// Both apps start with an endpoint whose Address a row takes.
	for _, app := range []string{imported, viaAPI} {
		putEndpoint(t, c, app, "mail-old", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("a@example.com")})
	}

	type item struct{ id, channel, address, user string }
	var items []item
	for i := 1; i <= 16; i++ { // web-16 fails
		items = append(items, item{fmt.Sprintf("web-%02d", i), "IN_APP", "", "web-user"})
	}
	for i := 1; i <= 16; i++ { // phone-16 retires phone-01
		items = append(items, item{fmt.Sprintf("phone-%02d", i), []string{"GCM", "APNS"}[i%2], fmt.Sprintf("token-%02d", i), "phone-user"})
	}
	items = append(items,
		item{"mail-new", "EMAIL", "a@example.com", ""}, // mail-old: INACTIVE
		item{"sms-b", "SMS", "+15550100", ""},          // INACTIVE after sms-a, next, takes the number
		item{"sms-a", "SMS", "+15550100", ""},
	)
	var csv strings.Builder
	csv.WriteString("Id,ChannelType,Address,User.UserId\n")
	for _, it := range items {
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", it.id, it.channel, it.address, it.user)
	}
	path := writeFile(t, dir, "rules.csv", csv.String())
	job := createImportJob(t, c, imported, &types.ImportJobRequest{Format: types.FormatCsv, S3Url: aws.String("file://" + path), RoleArn: aws.String(testRole),
		DefineSegment: aws.Bool(true), SegmentName: aws.String("rules"), RegisterEndpoints: aws.Bool(true)})
	done := waitImportJob(t, c, imported, str(job.Id), time.Minute)

	var refused []string
	for i, it := range items {
		bi := types.EndpointBatchItem{Id: aws.String(it.id), ChannelType: types.ChannelType(it.channel)}
		if it.address != "" {
			bi.Address = aws.String(it.address)
		}
		if it.user != "" {
			bi.User = &types.EndpointUser{UserId: aws.String(it.user)}
		}
		_, err := c.UpdateEndpointsBatch(ctx, &pinpoint.UpdateEndpointsBatchInput{ApplicationId: aws.String(viaAPI),
			EndpointBatchRequest: &types.EndpointBatchRequest{Item: []types.EndpointBatchItem{bi}}})
		if err != nil {
			refused = append(refused, fmt.Sprintf("line %d: %s", i+2, wantBadRequest(t, err).ErrorMessage()))
		}
	}
	want := []string{`line 17: Exceeded maximum endpoint per user count 15 (user "web-user" would have 16).`}
	if !slices.Equal(refused, want) {
		t.Errorf("UpdateEndpointsBatch refused %q, want %q", refused, want)
	}
	if done.JobStatus != types.JobStatusCompleted || i32(done.TotalProcessed) != int32(len(items)) || i32(done.TotalFailures) != 1 {
		t.Errorf("job: %s", mustJSON(t, done))
	}
	wantIDs(t, "Failures", done.Failures, want)

	statuses := map[string]string{}
	for _, id := range append([]string{"mail-old"}, func() (ids []string) {
		for _, it := range items {
			ids = append(ids, it.id)
		}
		return
	}()...) {
		if id == "web-16" {
			endpointMissing(t, c, imported, id)
			endpointMissing(t, c, viaAPI, id)
			continue
		}
		got, want := getEndpoint(t, c, imported, id), getEndpoint(t, c, viaAPI, id)
		statuses[id] = str(got.EndpointStatus)
		for _, e := range []*types.EndpointResponse{got, want} {
			e.ApplicationId, e.CreationDate, e.EffectiveDate = nil, nil, nil
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Errorf("endpoint %s:\n imported %s\n API      %s", id, g, w)
		}
	}
	for id, w := range map[string]string{"web-15": "ACTIVE", "phone-01": "INACTIVE", "phone-02": "ACTIVE", "phone-16": "ACTIVE",
		"mail-old": "INACTIVE", "mail-new": "ACTIVE", "sms-b": "INACTIVE", "sms-a": "ACTIVE"} {
		if statuses[id] != w {
			t.Errorf("%s: EndpointStatus %q, want %q", id, statuses[id], w)
		}
	}
	// The user keeps 15 endpoints that are not INACTIVE, the new one
	// among them.
	out, err := c.GetUserEndpoints(ctx, &pinpoint.GetUserEndpointsInput{ApplicationId: aws.String(imported), UserId: aws.String("phone-user")})
	if err != nil {
		t.Fatalf("GetUserEndpoints: %v", err)
	}
	active := 0
	for _, e := range out.EndpointsResponse.Item {
		if str(e.EndpointStatus) != "INACTIVE" {
			active++
		}
	}
	if len(out.EndpointsResponse.Item) != 16 || active != 15 {
		t.Errorf("phone-user has %d endpoints, %d not INACTIVE; want 16 and 15", len(out.EndpointsResponse.Item), active)
	}
}
