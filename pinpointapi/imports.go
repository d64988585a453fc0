package pinpointapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Import jobs: CreateImportJob, GetImportJob, GetImportJobs and
// GetSegmentImportJobs as in Pinpoint, and an extension that takes the
// file as the request body (for the console, and for anyone without a
// place to put the file).

// Importer runs import jobs in the background (package imports).
type Importer interface {
	// Submit checks the job's source, stores the job (CREATED) and queues
	// it. A job whose State.Source is set (an upload) skips the URL check.
	Submit(ctx context.Context, job *inapp.ImportJob) error
	// UploadFile creates the file an upload for the job is written to.
	UploadFile(jobID string) (*os.File, error)
	// UploadLimit is the most bytes an upload may hold.
	UploadLimit() int64
}

// hashVerifier verifies a signature against the hash of a body that is not
// held in memory (sigv4.Verifier does).
type hashVerifier interface {
	VerifyHash(r *http.Request, payloadHash string, payloadLen int64) (*inapp.AccessKey, error)
}

// upload is an uploaded body, written to a file by prepareUpload.
type upload struct {
	jobID string
	path  string
}

func (s *Server) importStore() (inapp.ImportStore, error) {
	is, ok := s.Store.(inapp.ImportStore)
	if !ok || s.Imports == nil {
		return nil, inapp.Errorf(inapp.EUNAVAIL, "Import jobs are not available on this server (its storage keeps no import jobs).")
	}
	return is, nil
}

func (s *Server) createImportJob(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	if _, err := s.importStore(); err != nil {
		return err
	}
	var req inapp.ImportJobResource
	if err := c.decode(&req); err != nil {
		return err
	}
	switch {
	case req.Format == "":
		return missing("Format")
	case req.S3Url == "":
		return missing("S3Url")
	case req.RoleArn == "":
		return missing("RoleArn")
	}
	job, err := s.newImportJob(c.r.Context(), appID, &req, "")
	if err != nil {
		return err
	}
	if err := s.Imports.Submit(c.r.Context(), job); err != nil {
		return err
	}
	return c.json(http.StatusCreated, job)
}

// newImportJob checks a job definition and returns the job to submit. A
// job that defines a new segment gets the segment's ID now, in
// Definition.SegmentId: the segment appears under it when the job ends.
func (s *Server) newImportJob(ctx context.Context, appID string, def *inapp.ImportJobResource, jobID string) (*inapp.ImportJob, error) {
	if err := oneOf("Format", def.Format, "CSV", "JSON"); err != nil {
		return nil, err
	}
	st := &inapp.ImportState{}
	switch {
	case def.SegmentID != "":
		seg, err := s.Store.GetSegment(ctx, appID, def.SegmentID, 0)
		if inapp.ErrorCode(err) == inapp.ENOTFOUND {
			return nil, inapp.Errorf(inapp.EINVALID, "SegmentId: segment %q does not exist in application %s.", def.SegmentID, appID)
		}
		if err != nil {
			return nil, err
		}
		if seg.SegmentType != "IMPORT" {
			return nil, inapp.Errorf(inapp.EINVALID, "SegmentId: segment %q is a %s segment; an import job adds endpoints to IMPORT segments only. Leave SegmentId out and set DefineSegment (and SegmentName) to create one.", def.SegmentID, seg.SegmentType)
		}
	case def.DefineSegment:
		st.NewSegment = true
		def.SegmentID = inapp.NewID()
		if strings.TrimSpace(def.SegmentName) == "" {
			def.SegmentName = defaultSegmentName(def.S3Url)
		}
	case def.SegmentName != "":
		return nil, inapp.Errorf(inapp.EINVALID, "SegmentName names the segment the job creates when DefineSegment is true: set DefineSegment, or leave SegmentName out.")
	case !def.RegisterEndpoints:
		return nil, inapp.Errorf(inapp.EINVALID, "The job would do nothing: set RegisterEndpoints to register the endpoints, DefineSegment to create a segment of them, or SegmentId to add them to an imported segment.")
	}
	if jobID == "" {
		jobID = inapp.NewID()
	}
	return &inapp.ImportJob{
		ApplicationID: appID, CreationDate: s.now(), Definition: def, ID: jobID,
		JobStatus: inapp.JobCreated, Type: "IMPORT", State: st,
	}, nil
}

// defaultSegmentName is the file's name without its extension, as
// Pinpoint's console names an imported segment.
func defaultSegmentName(raw string) string {
	name := raw
	if u, err := url.Parse(raw); err == nil && u.Path != "" {
		name = path.Base(strings.TrimSuffix(u.Path, "/"))
	}
	if ext := path.Ext(name); ext != "" && ext != name {
		name = strings.TrimSuffix(name, ext)
	}
	if name == "" || name == "." || name == "/" {
		return "imported segment"
	}
	return name
}

func (s *Server) getImportJob(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	is, err := s.importStore()
	if err != nil {
		return err
	}
	job, err := is.GetImportJob(c.r.Context(), appID, c.path("job-id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, job)
}

func (s *Server) getImportJobs(c *call) error {
	return s.listImportJobs(c, "")
}

func (s *Server) getSegmentImportJobs(c *call) error {
	return s.listImportJobs(c, c.path("segment-id"))
}

func (s *Server) listImportJobs(c *call, segmentID string) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	is, err := s.importStore()
	if err != nil {
		return err
	}
	page, err := c.page("token")
	if err != nil {
		return err
	}
	jobs, next, err := is.ListImportJobs(c.r.Context(), appID, segmentID, page)
	if err != nil {
		return err
	}
	if segmentID != "" && len(jobs) == 0 && page.Token == "" {
		// No job names it: a segment that does not exist is a 404.
		if _, err := s.Store.GetSegment(c.r.Context(), appID, segmentID, 0); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, listBody{"Item": nonNil(jobs), "NextToken": next})
}

// ---- uploads (extension) ----

// uploadImportJob answers POST /inappd/v1/apps/{application-id}/imports:
// the body is the file (CSV or newline-delimited JSON), the query says
// what to do with it:
//
//	format=CSV|JSON            required
//	segment-name=NAME          create an IMPORT segment of the endpoints
//	segment-id=ID              or add them to an existing IMPORT segment
//	register-endpoints=false   only gather them into the segment
//
// It answers 201 with the ImportJobResponse, as CreateImportJob does;
// Definition.S3Url is upload://{job-id}.
func (s *Server) uploadImportJob(c *call) error {
	up := c.upload
	submitted := false
	defer func() {
		if !submitted {
			os.Remove(up.path)
		}
	}()
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	def := &inapp.ImportJobResource{
		Format: q.Get("format"), RegisterEndpoints: true, S3Url: "upload://" + up.jobID,
		SegmentID: q.Get("segment-id"), SegmentName: q.Get("segment-name"),
	}
	if def.Format == "" {
		return missing("format (query parameter: CSV or JSON)")
	}
	if v := q.Get("register-endpoints"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return inapp.Errorf(inapp.EINVALID, "register-endpoints must be true or false, got %q.", v)
		}
		def.RegisterEndpoints = b
	}
	if def.SegmentID != "" && def.SegmentName != "" {
		return inapp.Errorf(inapp.EINVALID, "Give segment-name (to create a segment) or segment-id (to add to one), not both.")
	}
	def.DefineSegment = def.SegmentID != "" || def.SegmentName != ""
	job, err := s.newImportJob(c.r.Context(), appID, def, up.jobID)
	if err != nil {
		return err
	}
	job.State.Source, job.State.Owned = up.path, true
	if err := s.Imports.Submit(c.r.Context(), job); err != nil {
		return err
	}
	submitted = true
	return c.json(http.StatusCreated, job)
}

// prepareUpload authenticates an upload and writes its body to a file,
// without holding it in memory. A client that sends a signed
// X-Amz-Content-Sha256 (the hex SHA-256 of the body, as S3 clients do) is
// authenticated before the body is read, and the body is checked against
// the header; UNSIGNED-PAYLOAD there, as S3 allows, signs the request but
// not the body. Otherwise the body is written first and the signature is
// checked against its hash.
func (s *Server) prepareUpload(c *call) error {
	if _, err := s.importStore(); err != nil {
		return err
	}
	hv, ok := s.Auth.(hashVerifier)
	if !ok {
		return inapp.Errorf(inapp.EUNAVAIL, "Uploads are not available on this server.")
	}
	declared := strings.ToLower(c.r.Header.Get("X-Amz-Content-Sha256"))
	unsigned := declared == "unsigned-payload"
	if unsigned {
		declared = "UNSIGNED-PAYLOAD"
	}
	early := unsigned || isHexSHA256(declared)
	if early {
		if err := s.uploadKey(c, hv, declared, c.r.ContentLength); err != nil {
			return err
		}
	}
	jobID := inapp.NewID()
	f, err := s.Imports.UploadFile(jobID)
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	limit := s.Imports.UploadLimit()
	n, err := io.Copy(io.MultiWriter(f, h), http.MaxBytesReader(c.w, c.r.Body, limit))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return inapp.Errorf(inapp.ETOOLARGE, "The upload exceeds %d bytes, the most an import job reads (Pinpoint's limit of 1 GB per job).", limit)
		}
		return inapp.Errorf(inapp.EINVALID, "Could not read the request body: %v", err)
	}
	sum := hexSum(h)
	if early && !unsigned && sum != declared {
		return inapp.Errorf(inapp.EINVALID, "The body does not match its X-Amz-Content-Sha256 header (the body's SHA-256 is %s).", sum)
	}
	if !early {
		if err := s.uploadKey(c, hv, sum, n); err != nil {
			return err
		}
	}
	keep = true
	c.upload = &upload{jobID: jobID, path: f.Name()}
	return nil
}

// uploadKey verifies the signature and that the key is a root key.
func (s *Server) uploadKey(c *call, hv hashVerifier, payloadHash string, n int64) error {
	key, err := hv.VerifyHash(c.r, payloadHash, n)
	if err != nil {
		return err
	}
	if key.AppID != "" {
		return inapp.Errorf(inapp.EFORBIDDEN, "User: %s is not authorized to perform: mobiletargeting:%s on this resource: client keys may only call UpdateEndpoint, UpdateEndpointsBatch, GetInAppMessages and PutEvents of application %s.", key.ID, opOrPath(c), key.AppID)
	}
	c.key = key
	return nil
}

func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func hexSum(h hash.Hash) string { return fmt.Sprintf("%x", h.Sum(nil)) }
