package imports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Where a job reads from (Definition.S3Url):
//
//   - file:///path: a file, or a directory whose files of the job's format
//     are read in name order, under the directory the operator allows
//     (--import-dir); symbolic links are resolved before the check;
//   - http:// and https://: downloaded first into the data directory, so
//     that a restart resumes from the copy;
//   - an upload (POST /inappd/v1/apps/{id}/imports), written into the data
//     directory before the job starts.
//
// s3:// is refused: inappd has no S3 credentials.

func invalid(format string, args ...any) error { return inapp.Errorf(inapp.EINVALID, format, args...) }

// CheckSource validates a job's S3Url before the job is created, so that a
// request naming a source inappd cannot read is refused at once.
func (r *Runner) CheckSource(raw, format string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return invalid("S3Url %q is not a URL: give file:///path/under/the/import/directory, or an http:// or https:// URL.", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "s3":
		return invalid("inappd cannot read from Amazon S3 (S3Url %q). Copy the files into the import directory the operator set (--import-dir) and give file:///that/path, serve them over http:// or https://, or upload the file with POST %s/apps/{application-id}/imports.", raw, extensionPrefix)
	case "file":
		_, err := r.localFiles(u, format)
		return err
	case "http", "https":
		if u.Host == "" {
			return invalid("S3Url %q has no host.", raw)
		}
		return nil
	}
	return invalid("S3Url %q: inappd reads file://, http:// and https:// URLs, not %s://.", raw, u.Scheme)
}

const extensionPrefix = "/inappd/v1"

// localPath resolves a file:// URL to a path inside the import directory,
// with symbolic links resolved.
func (r *Runner) localPath(u *url.URL) (string, error) {
	raw := u.String()
	if r.ImportDir == "" {
		return "", invalid("S3Url %q: file:// sources are off. The operator enables them by starting inappd with --import-dir (or INAPPD_IMPORT_DIR) set to the directory that holds the files to import.", raw)
	}
	root, err := filepath.EvalSymlinks(r.ImportDir)
	if err != nil {
		return "", fmt.Errorf("import directory %s: %w", r.ImportDir, err)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return "", err
	}
	p := u.Path
	switch u.Host {
	case "", "localhost":
	default:
		// file://name/in/dir: relative to the import directory.
		p = filepath.Join(root, u.Host, u.Path)
	}
	if p == "" {
		return "", invalid("S3Url %q names no file.", raw)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	given, _ := filepath.Abs(r.ImportDir)
	if clean := filepath.Clean(p); !inside(root, clean) && !inside(given, clean) {
		// Said before looking: nothing about the world outside leaks.
		return "", invalid("S3Url %q: %s is outside the import directory %s; inappd reads only files under it.", raw, p, root)
	}
	resolved, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", invalid("S3Url %q: %s does not exist.", raw, p)
	}
	if err != nil {
		return "", invalid("S3Url %q: %v", raw, err)
	}
	if !inside(root, resolved) {
		return "", invalid("S3Url %q: %s is outside the import directory %s; inappd reads only files under it.", raw, p, root)
	}
	return resolved, nil
}

func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// A srcFile is one file of a source.
type srcFile struct {
	path string
	name string // as messages name it: "" for a single file
	size int64
	mod  int64
}

// localFiles lists the files a file:// URL names: the file, or the files of
// the format in the directory (and its subdirectories), in name order.
func (r *Runner) localFiles(u *url.URL, format string) ([]srcFile, error) {
	p, err := r.localPath(u)
	if err != nil {
		return nil, err
	}
	return listFiles(p, format, r.allowedFile, u.String())
}

// allowedFile reports whether a file found in a directory source resolves
// to a place under the import directory.
func (r *Runner) allowedFile(path string) bool {
	if r.ImportDir == "" {
		return false
	}
	root, err := filepath.EvalSymlinks(r.ImportDir)
	if err != nil {
		return false
	}
	root, _ = filepath.Abs(root)
	resolved, err := filepath.EvalSymlinks(path)
	return err == nil && inside(root, resolved)
}

// formatExt is which files of a directory a format reads.
var formatExt = map[string][]string{"CSV": {".csv"}, "JSON": {".json", ".jsonl", ".ndjson"}}

// listFiles returns the file at p, or the files of the format under the
// directory p. allowed vets each file of a directory (symbolic links).
func listFiles(p, format string, allowed func(string) bool, what string) ([]srcFile, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, invalid("S3Url %q: %v", what, err)
	}
	if info.Mode().IsRegular() {
		return []srcFile{{path: p, size: info.Size(), mod: info.ModTime().UnixNano()}}, nil
	}
	if !info.IsDir() {
		return nil, invalid("S3Url %q: %s is not a file or a directory.", what, p)
	}
	var files []srcFile
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && path != p {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !slices.Contains(formatExt[format], strings.ToLower(filepath.Ext(name))) {
			return nil
		}
		if !allowed(path) {
			return nil // a link out of the import directory
		}
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(p, path)
		files = append(files, srcFile{path: path, name: filepath.ToSlash(rel), size: fi.Size(), mod: fi.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return nil, invalid("S3Url %q: %v", what, err)
	}
	if len(files) == 0 {
		return nil, invalid("S3Url %q: the directory %s holds no %s files (%s).", what, p, format, strings.Join(formatExt[format], ", "))
	}
	return files, nil
}

// fingerprint sums the sizes and takes the latest modification time: what
// a resumed job compares to know that its files did not change.
func fingerprint(files []srcFile) (size, mod int64) {
	for _, f := range files {
		size += f.size
		mod = max(mod, f.mod)
	}
	return size, mod
}

// download fetches an http(s) source into dst (through dst.part), at most
// r.maxBytes() bytes, and returns its hex SHA-256.
func (r *Runner) download(ctx context.Context, raw, dst string) (string, error) {
	h := sha256.New()
	if err := r.downloadTo(ctx, raw, dst, h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (r *Runner) downloadTo(ctx context.Context, raw, dst string, h io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return fatalf("S3Url %q: %v", raw, err)
	}
	resp, err := r.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fatalf("could not download %s: %v", raw, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fatalf("could not download %s: the server answered %s", raw, resp.Status)
	}
	limit := r.maxBytes()
	if resp.ContentLength > limit {
		return fatalf("%s is %d bytes; an import job reads at most %d bytes (Pinpoint's limit of 1 GB per job)", raw, resp.ContentLength, limit)
	}
	part := dst + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = fatalf("%s is larger than %d bytes, the most an import job reads (Pinpoint's limit of 1 GB per job)", raw, limit)
	}
	if err == nil {
		err = os.Rename(part, dst)
	}
	if err != nil {
		os.Remove(part)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fe *fatalError
		if errors.As(err, &fe) {
			return err
		}
		return fatalf("could not download %s: %v", raw, err)
	}
	return nil
}
