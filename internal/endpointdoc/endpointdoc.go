// Package endpointdoc decodes stored endpoint documents for a full scan
// (a segment size estimate over a million endpoints) at a fraction of the
// cost of inapp.DecodeEndpoint: the documents' strings stay substrings of
// the document, only the attributes and metrics a segment reads are kept,
// and one Decoder reuses its endpoint, maps and slices from one document
// to the next, so a scan allocates next to nothing per endpoint.
//
// The result is exact, not approximate: every member is decoded except the
// Attributes, User.UserAttributes and Metrics entries the caller did not
// ask for. A document this decoder does not handle exactly as
// inapp.DecodeEndpoint would (an escaped or case-folded member name, an
// escaped or non-UTF-8 string, a null where a value was expected, anything
// malformed) is handed to inapp.DecodeEndpoint instead, which then decides:
// the fast path only ever takes documents whose meaning is unambiguous.
//
// Why a tokenizer of its own rather than a JSON library's: measured on the
// same documents, a strict walk with github.com/tidwall/gjson took
// 1.6–1.9 µs per document (as long as decoding everything with go-json),
// and github.com/buger/jsonparser accepts malformed input (trailing
// commas, "01", raw control characters) that would then need a separate
// validator; this one takes 0.56–0.61 µs, which is what puts an estimate
// over a million endpoints under 2 s.
package endpointdoc

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"
	inapp "github.com/inappd/inappd"
)

// Decoder decodes endpoint documents keeping only the named attributes,
// user attributes and metrics. Not safe for concurrent use: give each
// goroutine its own.
type Decoder struct {
	attrs, userAttrs, metrics keep

	// Reused from one document to the next.
	e         inapp.Endpoint
	demo      inapp.Demographic
	loc       inapp.Location
	lat, lon  float64
	user      inapp.EndpointUser
	attrMap   map[string][]string
	uattrMap  map[string][]string
	metricMap map[string]float64
	vals      []string
}

// New returns a Decoder that keeps the named entries of Attributes,
// User.UserAttributes and Metrics (the names a segment reads) and drops
// the others.
func New(attributes, userAttributes, metrics []string) *Decoder {
	return &Decoder{attrs: newKeep(attributes), userAttrs: newKeep(userAttributes), metrics: newKeep(metrics)}
}

// keep is a set of names: scanned when small, hashed when not.
type keep struct {
	names []string
	m     map[string]struct{}
}

func newKeep(names []string) keep {
	k := keep{names: slices.Clone(names)}
	if len(names) > 8 {
		k.m = make(map[string]struct{}, len(names))
		for _, n := range names {
			k.m[n] = struct{}{}
		}
	}
	return k
}

func (k *keep) has(name string) bool {
	if k.m != nil {
		_, ok := k.m[name]
		return ok
	}
	for _, n := range k.names {
		if n == name {
			return true
		}
	}
	return false
}

// noValues is the value of an attribute stored as []: empty, not nil,
// as the standard decoders give it (of capacity 0, so never written to).
var noValues = []string{}

// errSlow sends a document to inapp.DecodeEndpoint.
var errSlow = errors.New("endpointdoc: not a plain document")

// Decode decodes doc. The endpoint it returns is valid until the next call
// of Decode and must not be modified; its strings may share doc's memory.
// A document the fast path does not take is decoded by
// inapp.DecodeEndpoint, whose error, if any, is returned.
func (d *Decoder) Decode(doc string) (*inapp.Endpoint, error) {
	if e, err := d.fast(doc); err == nil {
		return e, nil
	}
	return inapp.DecodeEndpoint(doc)
}

// fast decodes doc into the decoder's endpoint, or fails with errSlow.
func (d *Decoder) fast(doc string) (*inapp.Endpoint, error) {
	d.e = inapp.Endpoint{}
	d.vals = d.vals[:0]
	p := parser{s: doc}
	e := &d.e
	// A map or struct member given twice: the standard decoders merge the
	// second into what the first set; leave that to them.
	var seen uint8
	once := func(bit uint8) error {
		if seen&bit != 0 {
			return errSlow
		}
		seen |= bit
		return nil
	}
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "Address":
			e.Address, err = p.str()
		case "ApplicationId":
			e.ApplicationID, err = p.str()
		case "Attributes":
			if err = once(1); err == nil {
				e.Attributes, err = d.attrValues(&p, &d.attrMap, &d.attrs)
			}
		case "ChannelType":
			e.ChannelType, err = p.str()
		case "CohortId":
			e.CohortID, err = p.str()
		case "CreationDate":
			e.CreationDate, err = p.str()
		case "Demographic":
			if err = once(2); err == nil {
				e.Demographic, err = d.demographic(&p)
			}
		case "EffectiveDate":
			e.EffectiveDate, err = p.str()
		case "EndpointStatus":
			e.EndpointStatus, err = p.str()
		case "Id":
			e.ID, err = p.str()
		case "Location":
			if err = once(4); err == nil {
				e.Location, err = d.location(&p)
			}
		case "Metrics":
			if err = once(8); err == nil {
				e.Metrics, err = d.metricValues(&p)
			}
		case "OptOut":
			e.OptOut, err = p.str()
		case "RequestId":
			e.RequestID, err = p.str()
		case "User":
			if err = once(16); err == nil {
				e.User, err = d.endpointUser(&p)
			}
		default:
			err = p.unknown(key, endpointMembers)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, errSlow
	}
	return e, nil
}

// The members of each object, for the case-insensitive matching that
// the standard decoders do and this one leaves to them.
var (
	endpointMembers    = []string{"Address", "ApplicationId", "Attributes", "ChannelType", "CohortId", "CreationDate", "Demographic", "EffectiveDate", "EndpointStatus", "Id", "Location", "Metrics", "OptOut", "RequestId", "User"}
	demographicMembers = []string{"AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion", "Timezone"}
	locationMembers    = []string{"City", "Country", "Latitude", "Longitude", "PostalCode", "Region"}
	userMembers        = []string{"UserAttributes", "UserId"}
)

func (d *Decoder) demographic(p *parser) (*inapp.Demographic, error) {
	if p.null() {
		return nil, nil
	}
	d.demo = inapp.Demographic{}
	m := &d.demo
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "AppVersion":
			m.AppVersion, err = p.str()
		case "Locale":
			m.Locale, err = p.str()
		case "Make":
			m.Make, err = p.str()
		case "Model":
			m.Model, err = p.str()
		case "ModelVersion":
			m.ModelVersion, err = p.str()
		case "Platform":
			m.Platform, err = p.str()
		case "PlatformVersion":
			m.PlatformVersion, err = p.str()
		case "Timezone":
			m.Timezone, err = p.str()
		default:
			err = p.unknown(key, demographicMembers)
		}
		return err
	})
	return m, err
}

func (d *Decoder) location(p *parser) (*inapp.Location, error) {
	if p.null() {
		return nil, nil
	}
	d.loc = inapp.Location{}
	l := &d.loc
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "City":
			l.City, err = p.str()
		case "Country":
			l.Country, err = p.str()
		case "Latitude":
			if d.lat, err = p.float(); err == nil {
				l.Latitude = &d.lat
			}
		case "Longitude":
			if d.lon, err = p.float(); err == nil {
				l.Longitude = &d.lon
			}
		case "PostalCode":
			l.PostalCode, err = p.str()
		case "Region":
			l.Region, err = p.str()
		default:
			err = p.unknown(key, locationMembers)
		}
		return err
	})
	return l, err
}

func (d *Decoder) endpointUser(p *parser) (*inapp.EndpointUser, error) {
	if p.null() {
		return nil, nil
	}
	d.user = inapp.EndpointUser{}
	u := &d.user
	var seen bool
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "UserAttributes":
			if seen {
				return errSlow // as for the endpoint's members
			}
			seen = true
			u.UserAttributes, err = d.attrValues(p, &d.uattrMap, &d.userAttrs)
		case "UserId":
			u.UserID, err = p.str()
		default:
			err = p.unknown(key, userMembers)
		}
		return err
	})
	return u, err
}

// attrValues decodes an attribute map into *reuse (cleared first), keeping
// the names in k; the values of the others are checked, not kept.
func (d *Decoder) attrValues(p *parser, reuse *map[string][]string, k *keep) (map[string][]string, error) {
	if p.null() {
		return nil, nil
	}
	if *reuse == nil {
		*reuse = make(map[string][]string, len(k.names))
	}
	m := *reuse
	clear(m)
	err := p.object(func(key string) error {
		if !k.has(key) {
			return p.strings(nil)
		}
		if p.null() {
			m[key] = nil
			return nil
		}
		start := len(d.vals)
		if err := p.strings(&d.vals); err != nil {
			return err
		}
		if len(d.vals) == start {
			m[key] = noValues // [] is not null
		} else {
			m[key] = d.vals[start:len(d.vals):len(d.vals)]
		}
		return nil
	})
	return m, err
}

func (d *Decoder) metricValues(p *parser) (map[string]float64, error) {
	if p.null() {
		return nil, nil
	}
	if d.metricMap == nil {
		d.metricMap = make(map[string]float64, len(d.metrics.names))
	}
	m := d.metricMap
	clear(m)
	err := p.object(func(key string) error {
		// Parsed even when not kept: a number out of float64's range
		// fails the whole document in the standard decoders.
		v, err := p.float()
		if err == nil && d.metrics.has(key) {
			m[key] = v
		}
		return err
	})
	return m, err
}

// parser reads JSON from s at i. Every method returns errSlow for input it
// does not take.
type parser struct {
	s     string
	i     int
	depth int
}

func (p *parser) ws() {
	if p.i < len(p.s) && p.s[p.i] > ' ' {
		return // the server's own documents have no white space
	}
	p.skipSpace()
}

func (p *parser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// consume skips white space and then c, if c is next.
func (p *parser) consume(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// null consumes a null, if one is next.
func (p *parser) null() bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], "null") {
		p.i += 4
		return true
	}
	return false
}

// object reads an object, calling member with each member's name with the
// parser positioned at its value, which member must consume.
func (p *parser) object(member func(key string) error) error {
	if !p.consume('{') {
		return errSlow
	}
	if p.consume('}') {
		return nil
	}
	for {
		p.ws()
		key, plain, err := p.rawString()
		if err != nil || !plain {
			return errSlow // an escaped name: let the standard decoder unescape it
		}
		if !p.consume(':') {
			return errSlow
		}
		if err := member(key); err != nil {
			return err
		}
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return errSlow
	}
}

// unknown skips the value of a member the struct does not have, unless
// its name matches one of members ignoring case, as the standard decoders
// would take it.
func (p *parser) unknown(key string, members []string) error {
	for _, m := range members {
		if strings.EqualFold(key, m) {
			return errSlow
		}
	}
	return p.skip()
}

// rawString reads a string at i and returns its text between the quotes.
// plain reports that the text is the string: no escape, no control
// character, only valid UTF-8.
func (p *parser) rawString() (text string, plain bool, err error) {
	s := p.s
	if p.i >= len(s) || s[p.i] != '"' {
		return "", false, errSlow
	}
	start := p.i + 1
	ascii, escaped := true, false
	for j := start; j < len(s); j++ {
		for j+8 <= len(s) && !anySpecial(load8(s, j)) { // 8 plain bytes at a time
			j += 8
		}
		for j < len(s) && !special[s[j]] {
			j++
		}
		if j == len(s) {
			break
		}
		switch c := s[j]; {
		case c == '"':
			p.i = j + 1
			text = s[start:j]
			return text, !escaped && (ascii || utf8.ValidString(text)), nil
		case c == '\\':
			// Escapes are rare: find the end, checking them, and leave
			// the unescaping to the standard decoder.
			if j+1 >= len(s) {
				return "", false, errSlow
			}
			switch s[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(s) || !isHex(s[j+2]) || !isHex(s[j+3]) || !isHex(s[j+4]) || !isHex(s[j+5]) {
					return "", false, errSlow
				}
				j += 5
			default:
				return "", false, errSlow
			}
			escaped = true
		case c < 0x20:
			return "", false, errSlow
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false, errSlow
}

// special marks the bytes a string scan stops at: the quote, the
// backslash, control characters and the bytes of non-ASCII characters.
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads s[j:j+8] as a little-endian word (the compiler makes it one
// load).
func load8(s string, j int) uint64 {
	_ = s[j+7]
	return uint64(s[j]) | uint64(s[j+1])<<8 | uint64(s[j+2])<<16 | uint64(s[j+3])<<24 |
		uint64(s[j+4])<<32 | uint64(s[j+5])<<40 | uint64(s[j+6])<<48 | uint64(s[j+7])<<56
}

// anySpecial reports whether a word may hold a special byte. The zero-byte
// tests can also fire on a byte next to one that matched; a word they
// flag is then read byte by byte, so only the "no" answer must be exact,
// and it is.
func anySpecial(x uint64) bool {
	quote := x ^ ('"' * ones)
	backslash := x ^ ('\\' * ones)
	return ((quote-ones)&^quote|(backslash-ones)&^backslash|(x-0x20*ones)|x)&highs != 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// str reads a string value. A string with escapes or invalid UTF-8 is
// decoded by go-json, as inapp.DecodeEndpoint decodes it.
func (p *parser) str() (string, error) {
	p.ws()
	start := p.i
	text, plain, err := p.rawString() // null and other types: errSlow, the standard decoder knows what they mean
	if err != nil || plain {
		return text, err
	}
	var v string
	if gojson.Unmarshal([]byte(p.s[start:p.i]), &v) != nil {
		return "", errSlow
	}
	return v, nil
}

// strings reads an array of strings, appending them to *dst (nil: only
// check them). A null array is taken; a null element is not.
func (p *parser) strings(dst *[]string) error {
	if p.null() {
		return nil
	}
	if !p.consume('[') {
		return errSlow
	}
	if p.consume(']') {
		return nil
	}
	for {
		if dst == nil {
			p.ws()
			if _, _, err := p.rawString(); err != nil {
				return err
			}
		} else {
			v, err := p.str()
			if err != nil {
				return err
			}
			*dst = append(*dst, v)
		}
		if p.consume(',') {
			continue
		}
		if p.consume(']') {
			return nil
		}
		return errSlow
	}
}

// number reads a JSON number and returns its text.
func (p *parser) number() (string, error) {
	p.ws()
	s, i := p.s, p.i
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return "", errSlow
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == d {
			return "", errSlow
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == d {
			return "", errSlow
		}
	}
	p.i = i
	return s[start:i], nil
}

// float reads a number as a float64, as encoding/json and go-json do
// (strconv.ParseFloat); out of range is left to them.
func (p *parser) float() (float64, error) {
	text, err := p.number()
	if err != nil {
		return 0, err
	}
	// Metrics are mostly small whole numbers: below 2^53 the float64 of
	// the integer is exact, so it is ParseFloat's result, minus zero aside.
	if digits := strings.TrimPrefix(text, "-"); len(digits) <= 15 {
		n := int64(0)
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int64(c-'0')
		}
		if n > 0 {
			if len(digits) < len(text) {
				return -float64(n), nil
			}
			return float64(n), nil
		}
		if n == 0 && len(digits) == len(text) {
			return 0, nil
		}
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, errSlow
	}
	return v, nil
}

// maxDepth bounds the nesting skip follows; deeper documents are the
// standard decoder's to judge.
const maxDepth = 64

// skip reads and checks any value.
func (p *parser) skip() error {
	p.ws()
	if p.i >= len(p.s) {
		return errSlow
	}
	switch c := p.s[p.i]; {
	case c == '"':
		_, _, err := p.rawString()
		return err
	case c == '{' || c == '[':
		if p.depth++; p.depth > maxDepth {
			return errSlow
		}
		defer func() { p.depth-- }()
		if c == '{' {
			return p.object(func(string) error { return p.skip() })
		}
		p.i++
		if p.consume(']') {
			return nil
		}
		for {
			if err := p.skip(); err != nil {
				return err
			}
			if p.consume(',') {
				continue
			}
			if p.consume(']') {
				return nil
			}
			return errSlow
		}
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	default:
		_, err := p.number()
		return err
	}
}

func (p *parser) literal(word string) error {
	if !strings.HasPrefix(p.s[p.i:], word) {
		return errSlow
	}
	p.i += len(word)
	return nil
}
