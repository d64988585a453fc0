package imports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	inapp "github.com/inappd/inappd"
)

// A row is one endpoint definition of a file.
type row struct {
	line int    // where the row starts in its file, from 1
	file string // the file's name within the source, "" for a single file
	pos  int64  // the row's place in the source: file index << 32 | line
	// id and req define an endpoint: req is applied to the endpoint id.
	id  string
	req *inapp.EndpointRequest
	// users is set instead, for a row that names only users (User.UserId):
	// their endpoints join the segment.
	users []string
	// fail is why the row is skipped ("" when it is fine).
	fail string
	// seq is the row's place in its piece in file order, and retire the
	// endpoints it makes INACTIVE (rules.go).
	seq    int
	retire []string
}

// where is how messages name the row: "line 17" or "part-2.csv line 17".
func (r *row) where() string {
	if r.file == "" {
		return "line " + strconv.Itoa(r.line)
	}
	return r.file + " line " + strconv.Itoa(r.line)
}

// fatalError is a file that cannot be read as the format says: the job
// fails with its message.
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

func fatalf(format string, args ...any) error { return &fatalError{fmt.Sprintf(format, args...)} }

// rowReader reads the rows of one file in order. A row is read raw first
// (its endpoint ID, the sort key, and its bytes: what a sort window
// holds, compactly) and decoded when its piece is applied.
type rowReader interface {
	// nextRaw returns the next row, io.EOF after the last one, or a
	// *fatalError for a malformed file.
	nextRaw() (rawRow, error)
	// decode turns a raw row read by this reader into a row.
	decode(rawRow) *row
}

// A rawRow is a row not yet decoded.
type rawRow struct {
	key  string // the endpoint ID; "" when the row names none
	data string // CSV: the fields, each length-prefixed; JSON: the line
	bad  string // why the row cannot be decoded at all ("" when it can)
	line int32
	file int32 // index of the file in the source
}

// newRowReader reads a file of the given format ("CSV" or "JSON"). For CSV
// it reads and checks the header first.
func newRowReader(format string, r io.Reader) (rowReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	// A UTF-8 byte order mark (spreadsheets write one) is not data.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	switch format {
	case "CSV":
		return newCSVReader(br)
	case "JSON":
		return &jsonReader{r: br}, nil
	}
	return nil, fatalf("unknown format %q", format)
}

// ---- CSV ----

// csvReader reads a CSV file whose first line names the columns, with
// Pinpoint's names (ChannelType, Address, Id, User.UserId,
// Attributes.<name>, User.UserAttributes.<name>, Demographic.*,
// Location.*, Metrics.<name>, …). A custom attribute with several values
// repeats its column, one value per column, as Pinpoint's documentation
// says; a cell is one value even when it holds commas.
type csvReader struct {
	r       *csv.Reader
	cols    []column
	arena   arena
	scratch []byte
	// where the sort key comes from (-1: no such column)
	idCol, chCol, addrCol int
}

// column sets one member of the request from a cell ("" cells are skipped).
type column struct {
	name string
	set  func(req *inapp.EndpointRequest, id *string, v string) error
}

func newCSVReader(br *bufio.Reader) (*csvReader, error) {
	r := csv.NewReader(br)
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fatalf("line 1: the file is empty: a CSV file starts with a header that names its columns (Id, ChannelType, Address, User.UserId, Attributes.<name>, …)")
	}
	if err != nil {
		return nil, csvFatal(err)
	}
	cr := &csvReader{r: r, idCol: -1, chCol: -1, addrCol: -1}
	seen := map[string]bool{}
	names := make([]string, len(header))
	for i, h := range header {
		name := strings.TrimSpace(h)
		names[i] = name
		col, repeatable, err := csvColumn(name)
		if err != nil {
			return nil, fatalf("line 1: column %d: %v", i+1, err)
		}
		if seen[name] && !repeatable {
			return nil, fatalf("line 1: column %q appears more than once; only custom attribute columns (Attributes.<name>, User.UserAttributes.<name>) may repeat, one value per column", name)
		}
		seen[name] = true
		cr.cols = append(cr.cols, col)
		switch name {
		case "Id":
			cr.idCol = i
		case "ChannelType":
			cr.chCol = i
		case "Address":
			cr.addrCol = i
		}
	}
	switch {
	case seen["Id"] || seen["ChannelType"] && seen["Address"] || seen["User.UserId"]:
		// (A file with only User.UserId lists users: see finish.)
	default:
		return nil, fatalf("line 1: the header has no Id column (nor ChannelType and Address columns, nor User.UserId for a list of users): each row needs the Id of an endpoint, or the ChannelType and Address of a new one; the header is %s", strings.Join(names, ","))
	}
	// Rows must have as many fields as the header: encoding/csv reports
	// the others, which become failed rows.
	r.FieldsPerRecord = len(header)
	return cr, nil
}

func (cr *csvReader) nextRaw() (rawRow, error) {
	rec, err := cr.r.Read()
	if errors.Is(err, io.EOF) {
		return rawRow{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
		line, _ := cr.r.FieldPos(0)
		return rawRow{line: int32(line), bad: fmt.Sprintf("%d fields, but the header has %d columns", len(rec), len(cr.cols))}, nil
	}
	if err != nil {
		return rawRow{}, csvFatal(err)
	}
	line, _ := cr.r.FieldPos(0)
	b := cr.scratch[:0]
	idAt := 0
	for i, v := range rec {
		b = binary.AppendUvarint(b, uint64(len(v)))
		if i == cr.idCol {
			idAt = len(b)
		}
		b = append(b, v...)
	}
	cr.scratch = b
	raw := rawRow{line: int32(line), data: cr.arena.string(b)}
	switch {
	case cr.idCol >= 0 && rec[cr.idCol] != "":
		// A slice of data: no copy of its own (nor a hold on the csv
		// package's buffer) while the row waits in its window.
		raw.key = raw.data[idAt : idAt+len(rec[cr.idCol])]
	case cr.chCol >= 0 && cr.addrCol >= 0 && rec[cr.chCol] != "" && rec[cr.addrCol] != "":
		raw.key = derivedID(rec[cr.chCol], rec[cr.addrCol])
	}
	return raw, nil
}

func (cr *csvReader) decode(raw rawRow) *row {
	rw := &row{line: int(raw.line)}
	if raw.bad != "" {
		rw.fail = raw.bad
		return rw
	}
	req := &inapp.EndpointRequest{}
	id := ""
	data := raw.data
	for i := 0; len(data) > 0; i++ {
		n, k := uvarint(data)
		v := data[k : k+n]
		data = data[k+n:]
		if v == "" {
			continue
		}
		if err := cr.cols[i].set(req, &id, v); err != nil {
			rw.fail = err.Error()
			return rw
		}
	}
	finish(rw, id, req)
	return rw
}

// arena makes strings out of large blocks: the rows of a sort window cost
// an allocation per block rather than per row, and the garbage collector
// has a few large objects to track instead of a hundred thousand small
// ones. A block's bytes never change once a string was made of them.
type arena struct{ block []byte }

const arenaBlock = 1 << 20

func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, max(arenaBlock, len(b)))
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return unsafe.String(&a.block[start], len(b))
}

// uvarint reads a length written by binary.AppendUvarint.
func uvarint(s string) (n, size int) {
	var shift uint
	for i := 0; i < len(s); i++ {
		b := s[i]
		n |= int(b&0x7f) << shift
		if b < 0x80 {
			return n, i + 1
		}
		shift += 7
	}
	return 0, len(s)
}

func csvFatal(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fatalf("line %d: the file is not valid CSV: %v", pe.StartLine, pe.Err)
	}
	return err // an I/O error: not the file's fault
}

var demographicFields = map[string]func(*inapp.Demographic) *string{
	"AppVersion":      func(d *inapp.Demographic) *string { return &d.AppVersion },
	"Locale":          func(d *inapp.Demographic) *string { return &d.Locale },
	"Make":            func(d *inapp.Demographic) *string { return &d.Make },
	"Model":           func(d *inapp.Demographic) *string { return &d.Model },
	"ModelVersion":    func(d *inapp.Demographic) *string { return &d.ModelVersion },
	"Platform":        func(d *inapp.Demographic) *string { return &d.Platform },
	"PlatformVersion": func(d *inapp.Demographic) *string { return &d.PlatformVersion },
	"Timezone":        func(d *inapp.Demographic) *string { return &d.Timezone },
}

var locationFields = map[string]func(*inapp.Location) *string{
	"City":       func(l *inapp.Location) *string { return &l.City },
	"Country":    func(l *inapp.Location) *string { return &l.Country },
	"PostalCode": func(l *inapp.Location) *string { return &l.PostalCode },
	"Region":     func(l *inapp.Location) *string { return &l.Region },
}

var topFields = map[string]func(*inapp.EndpointRequest) *string{
	"Address":        func(r *inapp.EndpointRequest) *string { return &r.Address },
	"ChannelType":    func(r *inapp.EndpointRequest) *string { return &r.ChannelType },
	"EffectiveDate":  func(r *inapp.EndpointRequest) *string { return &r.EffectiveDate },
	"EndpointStatus": func(r *inapp.EndpointRequest) *string { return &r.EndpointStatus },
	"OptOut":         func(r *inapp.EndpointRequest) *string { return &r.OptOut },
	"RequestId":      func(r *inapp.EndpointRequest) *string { return &r.RequestID },
}

const columnList = "Id, Address, ChannelType, EffectiveDate, EndpointStatus, OptOut, RequestId, User.UserId, " +
	"Attributes.<name>, User.UserAttributes.<name>, Metrics.<name>, " +
	"Demographic.{AppVersion, Locale, Make, Model, ModelVersion, Platform, PlatformVersion, Timezone}, " +
	"Location.{City, Country, Latitude, Longitude, PostalCode, Region}"

// csvColumn returns how a column sets its value, and whether it may repeat.
func csvColumn(name string) (column, bool, error) {
	c := column{name: name}
	if f, ok := topFields[name]; ok {
		c.set = func(r *inapp.EndpointRequest, _ *string, v string) error { *f(r) = v; return nil }
		return c, false, nil
	}
	prefix, rest, _ := strings.Cut(name, ".")
	switch {
	case name == "Id":
		c.set = func(_ *inapp.EndpointRequest, id *string, v string) error { *id = v; return nil }
		return c, false, nil
	case name == "User.UserId":
		c.set = func(r *inapp.EndpointRequest, _ *string, v string) error { user(r).UserID = v; return nil }
		return c, false, nil
	case strings.HasPrefix(name, "User.UserAttributes."):
		attr := strings.TrimPrefix(name, "User.UserAttributes.")
		if attr == "" {
			break
		}
		c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
			u := user(r)
			if u.UserAttributes == nil {
				u.UserAttributes = map[string][]string{}
			}
			u.UserAttributes[attr] = append(u.UserAttributes[attr], v)
			return nil
		}
		return c, true, nil
	case prefix == "Attributes" && rest != "":
		c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
			if r.Attributes == nil {
				r.Attributes = map[string][]string{}
			}
			r.Attributes[rest] = append(r.Attributes[rest], v)
			return nil
		}
		return c, true, nil
	case prefix == "Metrics" && rest != "":
		c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
			n, err := parseNumber(name, v)
			if err != nil {
				return err
			}
			if r.Metrics == nil {
				r.Metrics = map[string]float64{}
			}
			r.Metrics[rest] = n
			return nil
		}
		return c, false, nil
	case prefix == "Demographic":
		if f, ok := demographicFields[rest]; ok {
			c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
				if r.Demographic == nil {
					r.Demographic = &inapp.Demographic{}
				}
				*f(r.Demographic) = v
				return nil
			}
			return c, false, nil
		}
	case prefix == "Location":
		if f, ok := locationFields[rest]; ok {
			c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
				*f(location(r)) = v
				return nil
			}
			return c, false, nil
		}
		if rest == "Latitude" || rest == "Longitude" {
			c.set = func(r *inapp.EndpointRequest, _ *string, v string) error {
				n, err := parseNumber(name, v)
				if err != nil {
					return err
				}
				if rest == "Latitude" {
					location(r).Latitude = &n
				} else {
					location(r).Longitude = &n
				}
				return nil
			}
			return c, false, nil
		}
	}
	if name == "" {
		return c, false, fmt.Errorf("the header names no column here; columns are %s", columnList)
	}
	return c, false, fmt.Errorf("unknown column %q; columns are %s", name, columnList)
}

func parseNumber(column, v string) (float64, error) {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", column, v)
	}
	return n, nil
}

func user(r *inapp.EndpointRequest) *inapp.EndpointUser {
	if r.User == nil {
		r.User = &inapp.EndpointUser{}
	}
	return r.User
}

func location(r *inapp.EndpointRequest) *inapp.Location {
	if r.Location == nil {
		r.Location = &inapp.Location{}
	}
	return r.Location
}

// ---- JSON ----

// maxJSONLine bounds one line of a JSON file (an endpoint is far smaller).
const maxJSONLine = 1 << 20

// jsonReader reads newline-delimited JSON: one endpoint definition per
// line, shaped like an item of UpdateEndpointsBatch (EndpointBatchItem).
// Blank lines are skipped.
type jsonReader struct {
	r     *bufio.Reader
	line  int
	buf   []byte
	arena arena
}

func (jr *jsonReader) readLine() ([]byte, error) {
	jr.buf = jr.buf[:0]
	for {
		chunk, err := jr.r.ReadSlice('\n')
		jr.buf = append(jr.buf, chunk...)
		if len(jr.buf) > maxJSONLine {
			return nil, fatalf("line %d: the line is longer than %d bytes: a JSON file holds one endpoint definition per line", jr.line+1, maxJSONLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(jr.buf) > 0 {
			return jr.buf, nil
		}
		if err != nil {
			return nil, err
		}
		return jr.buf, nil
	}
}

func (jr *jsonReader) nextRaw() (rawRow, error) {
	for {
		b, err := jr.readLine()
		if err != nil {
			return rawRow{}, err
		}
		jr.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if !json.Valid(b) {
			return rawRow{}, invalidJSON(jr.line, b)
		}
		raw := rawRow{line: int32(jr.line), data: jr.arena.string(b)}
		var key struct{ Id, ChannelType, Address string }
		if json.Unmarshal(b, &key) == nil {
			switch {
			case key.Id != "":
				raw.key = key.Id
			case key.ChannelType != "" && key.Address != "":
				raw.key = derivedID(key.ChannelType, key.Address)
			}
		}
		return raw, nil
	}
}

func (jr *jsonReader) decode(raw rawRow) *row {
	rw := &row{line: int(raw.line)}
	var item inapp.EndpointRequest
	dec := json.NewDecoder(strings.NewReader(raw.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&item); err != nil {
		rw.fail = jsonRowError(err)
		return rw
	}
	id := item.ID
	item.ID = ""
	finish(rw, id, &item)
	return rw
}

func jsonRowError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Sprintf("an endpoint definition must be a JSON object, got JSON %s", typeErr.Value)
		}
		return fmt.Sprintf("invalid value for %s: expected %s, got JSON %s", typeErr.Field, jsonKind(typeErr.Type), typeErr.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown member " + name + "; an endpoint definition has the members of an UpdateEndpointsBatch item (Id, ChannelType, Address, Attributes, User, …)"
	}
	return msg
}

// jsonKind names what a Go type expects in JSON terms.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int32, reflect.Int64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// ---- rules shared by both formats ----

// finish decides what a parsed row is: an endpoint (validated with the
// API's rules) or a list of users, or a failure.
func finish(rw *row, id string, req *inapp.EndpointRequest) {
	if id == "" && req.User != nil && req.User.UserID != "" && onlyUser(req) {
		rw.users = strings.Fields(req.User.UserID)
		return
	}
	if id == "" {
		if req.ChannelType == "" || req.Address == "" {
			rw.fail = "Id is missing: a new endpoint needs ChannelType and Address (or give the Id of an existing endpoint)"
			return
		}
		id = derivedID(req.ChannelType, req.Address)
	}
	if err := inapp.ValidateEndpointID(id); err != nil {
		rw.fail = inapp.ErrorMessage(err)
		return
	}
	if err := req.Validate(""); err != nil {
		rw.fail = inapp.ErrorMessage(err)
		return
	}
	rw.id, rw.req = id, req
}

// onlyUser reports whether the request sets nothing but User.UserId.
func onlyUser(req *inapp.EndpointRequest) bool {
	u := *req
	u.User = nil
	return u.IsEmpty() && len(req.User.UserAttributes) == 0
}

// derivedID is the ID of an endpoint defined without one: the same channel
// and address always give the same ID, so importing a file again (or
// resuming a job) updates the endpoints it created instead of adding more.
func derivedID(channelType, address string) string {
	sum := sha256.Sum256([]byte(channelType + "\x00" + address))
	return hex.EncodeToString(sum[:16])
}

// countRows reads a whole file, checking that it is well formed, and
// returns its number of rows.
func countRows(format string, r io.Reader) (int, error) {
	rr, err := newRowReader(format, r)
	if err != nil {
		return 0, err
	}
	n := 0
	if cr, ok := rr.(*csvReader); ok {
		// Syntax only: no need to build requests.
		for {
			_, err := cr.r.Read()
			var pe *csv.ParseError
			switch {
			case errors.Is(err, io.EOF):
				return n, nil
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount), err == nil:
				n++
			default:
				return 0, csvFatal(err)
			}
		}
	}
	jr := rr.(*jsonReader)
	for {
		b, err := jr.readLine()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		jr.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if !json.Valid(b) {
			return 0, invalidJSON(jr.line, b)
		}
		n++
	}
}

// invalidJSON is the error for a line that does not parse.
func invalidJSON(line int, b []byte) error {
	var v any
	err := json.Unmarshal(b, &v)
	return fatalf("line %d: the line is not valid JSON (%s): a JSON file holds one endpoint definition, a JSON object, per line", line, strings.TrimPrefix(fmt.Sprint(err), "json: "))
}
