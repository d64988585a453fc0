package endpointdoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/segtest"
	"github.com/inappd/inappd/targeting"
)

// project is what Decode must return for full (inapp.DecodeEndpoint's
// result): the same endpoint, its three maps reduced to the kept names.
func project(full *inapp.Endpoint, r targeting.Reads) *inapp.Endpoint {
	e := *full
	e.Attributes = keepOnly(full.Attributes, r.Attributes)
	if full.User != nil {
		u := *full.User
		u.UserAttributes = keepOnly(u.UserAttributes, r.UserAttributes)
		e.User = &u
	}
	if full.Metrics != nil {
		e.Metrics = map[string]float64{}
		for k, v := range full.Metrics {
			if slices.Contains(r.Metrics, k) {
				e.Metrics[k] = v
			}
		}
	}
	return &e
}

func keepOnly(m map[string][]string, names []string) map[string][]string {
	if m == nil {
		return nil
	}
	out := map[string][]string{}
	for k, v := range m {
		if slices.Contains(names, k) {
			out[k] = v
		}
	}
	return out
}

// reshape writes doc again with white space and its objects' members in
// a random order, as another store or encoder might (PostgreSQL's jsonb
// orders members by length).
func reshape(t testing.TB, r *rand.Rand, doc string) string {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	var write func(any)
	write = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			b.WriteString("{ ")
			for i, k := range keys {
				if i > 0 {
					b.WriteString(",\n\t")
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteString(" : ")
				write(v[k])
			}
			b.WriteString(" }")
		case []any:
			b.WriteString("[ ")
			for i, x := range v {
				if i > 0 {
					b.WriteString(" , ")
				}
				write(x)
			}
			b.WriteString("\r\n]")
		default:
			vb, _ := json.Marshal(v)
			b.Write(vb)
		}
	}
	write(v)
	return b.String()
}

// plain reports whether a document should take the fast path: no escape
// anywhere, valid UTF-8.
func plain(doc string) bool {
	return !strings.Contains(doc, `\`) && utf8.ValidString(doc)
}

// TestEstimateDecodeAgreesWithFullDecode is the estimate's correctness: on many
// generated endpoints (as stored, and reshaped) and segments of every
// dimension kind, segment groups and imported segments, the fast decode
// gives the full decode's endpoint reduced to what the segment reads,
// and Match and ReceivesInApp give the same answers on both.
func TestEstimateDecodeAgreesWithFullDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const nEndpoints, nSegments = 800, 150
	ids := make([]string, nEndpoints)
	var docs []string
	for i := range ids {
		ids[i] = fmt.Sprintf("ep-%04d", i)
		b, err := json.Marshal(segtest.Endpoint(r, ids[i]))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	for i := range nEndpoints / 2 {
		docs = append(docs, reshape(t, r, docs[i]))
	}
	full := make([]*inapp.Endpoint, len(docs))
	for i, doc := range docs {
		e, err := inapp.DecodeEndpoint(doc)
		if err != nil {
			t.Fatal(err)
		}
		full[i] = e
	}
	segs := segtest.NewSegments(r, nSegments, ids)
	var fastDocs, matched, checks, grouped, imported int
	for si, seg := range segs.All {
		compiled, err := targeting.CompileSegment(seg, segs.Lookup)
		if err != nil {
			t.Fatalf("segment %d: %v", si, err)
		}
		if seg.SegmentGroups != nil {
			grouped++
		}
		if compiled.UsesMembership() {
			imported++
		}
		reads := compiled.Reads()
		d := New(reads.Attributes, reads.UserAttributes, reads.Metrics)
		for i, doc := range docs {
			if plain(doc) {
				if _, err := d.fast(doc); err != nil {
					t.Fatalf("plain document took the slow path (%v): %s", err, doc)
				}
				fastDocs++
			}
			got, err := d.Decode(doc)
			if err != nil {
				t.Fatalf("Decode(%s): %v", doc, err)
			}
			if si < 20 { // the endpoint itself, for the first segments (reflect is slow)
				if want := project(full[i], reads); !reflect.DeepEqual(got, want) {
					t.Fatalf("segment reads %+v: Decode(%s)\n got %s\nwant %s", reads, doc, dump(got), dump(want))
				}
			}
			subject := func(e *inapp.Endpoint, lastActive bool) *targeting.Subject {
				sub := &targeting.Subject{Endpoint: e, Now: segtest.Now, Member: segs.Member}
				if lastActive {
					sub.LastActive = targeting.LastActive(e, time.Time{})
				}
				return sub
			}
			// The fast side leaves LastActive out when the segment says
			// it does not read it, as the estimate does.
			want := compiled.Match(subject(full[i], true))
			if compiled.Match(subject(got, reads.LastActive)) != want || got.ReceivesInApp() != full[i].ReceivesInApp() {
				t.Fatalf("segment %s: Match of the fast decode differs from the full decode's (%v) on %s", seg.ID, want, doc)
			}
			checks++
			if want {
				matched++
			}
		}
	}
	// The generated cases must exercise both answers, the fast path and
	// every kind of segment, or this test proves nothing.
	if matched == 0 || matched == checks || fastDocs < checks/2 || grouped == 0 || imported == 0 {
		t.Fatalf("weak cases: %d of %d matched, %d on the fast path, %d group segments, %d on imported segments", matched, checks, fastDocs, grouped, imported)
	}
	t.Logf("%d evaluations, %d matched, %d on the fast path; %d group segments, %d on imported segments", checks, matched, fastDocs, grouped, imported)
}

func dump(e *inapp.Endpoint) string {
	b, _ := json.Marshal(e)
	return string(b)
}

// edgeDocs are documents the server never writes but the decoder must
// still read as inapp.DecodeEndpoint does (or hand to it).
var edgeDocs = []string{
	`{}`,
	` { } `,
	`null`,
	`[]`,
	`{"Id":"a","ChannelType":"IN_APP"}`,
	`{"id":"folded","channeltype":"IN_APP"}`,
	`{"ID":"upper"}`,
	`{"Demographic":{"platform":"ios"}}`,
	`{"Location":{"COUNTRY":"FR"}}`,
	`{"User":{"userattributes":{"plan":["pro"]}}}`,
	`{"I\u0064":"escaped name"}`,
	`{"Id":"esc\"aped\\ \u00e9 \ud83d\ude00 \n"}`,
	`{"Id":"bad \x escape"}`,
	"{\"Id\":\"raw\x01control\"}",
	"{\"Id\":\"invalid \xff utf-8\"}",
	"{\"Attributes\":{\"plan\":[\"bad \xfe\"]}}",
	`{"Attributes":null,"Metrics":null,"Demographic":null,"Location":null,"User":null}`,
	`{"Attributes":{},"Metrics":{},"Demographic":{},"Location":{},"User":{}}`,
	`{"Attributes":{"plan":null,"other":null}}`,
	`{"Attributes":{"plan":[],"other":[]}}`,
	`{"Attributes":{"plan":["a",null]}}`,
	`{"Attributes":{"other":["a",null]}}`,
	`{"Attributes":{"plan":"pro"}}`,
	`{"Attributes":{"other":"pro"}}`,
	`{"Attributes":{"plan":["a"],"plan":["b"]}}`,
	`{"Attributes":{"plan":["a"]},"Attributes":{"other":["b"]}}`,
	`{"Demographic":{"Platform":"ios"},"Demographic":{"Make":"x"}}`,
	`{"User":{"UserAttributes":{"plan":["a"]},"UserAttributes":{"tier":["b"]}}}`,
	`{"Id":"a","Id":"b"}`,
	`{"Metrics":{"m":1,"other":2,"m":3}}`,
	`{"Metrics":{"m":-0,"other":1e400}}`,
	`{"Metrics":{"m":1e400}}`,
	`{"Metrics":{"m":01}}`,
	`{"Metrics":{"m":1.}}`,
	`{"Metrics":{"m":-}}`,
	`{"Metrics":{"m":null}}`,
	`{"Metrics":{"m":"1"}}`,
	`{"Metrics":{"m":1.5e-7,"n":2E+3,"o":123456789012345678901234567890}}`,
	`{"Metrics":{"m":-0,"n":-5,"o":123456789012345}}`,
	`{"Metrics":{"m":9007199254740993,"n":-999999999999999,"o":0.0}}`,
	`{"Location":{"Latitude":35.1,"Longitude":-139.5}}`,
	`{"Location":{"Latitude":null}}`,
	`{"Id":null}`,
	`{"Id":5}`,
	`{"Unknown":{"a":[1,2,{"b":null}],"c":true,"d":false,"e":"x\"y"},"Id":"after"}`,
	`{"Unknown":tru}`,
	`{"Unknown":[1,]}`,
	`{"Id":"a",}`,
	`{"Id":"a"} x`,
	`{"Id":"a"`,
	`{"Id":"a`,
	`{"Id"`,
	`{"Demographic":{"Platform":"ios","Timezone":"Europe/Paris"},"Location":{"Country":"FR","City":"Tōkyō"},"User":{"UserId":"u","UserAttributes":{"tier":["gold"]}}}`,
	`{"Unknown":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	// Past go-json's nesting limit: an error there, so never the fast path.
	`{"Unknown":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	// Malformed in ways a lenient tokenizer (one that finds the ends of
	// values without checking them) would let through.
	`{"Metrics":{"m":1e}}`,
	`{"Metrics":{"m":+1}}`,
	`{"Metrics":{"m":.5}}`,
	`{"Metrics":{"m":0x10}}`,
	`{"Metrics":{"m":NaN,"n":Infinity}}`,
	`{"Location":{"Latitude":1e400}}`,
	`{"Id":"a" "ChannelType":"IN_APP"}`,
	`{"Id":"a",,"ChannelType":"IN_APP"}`,
	`{"Id"::"a"}`,
	`{,"Id":"a"}`,
	`{"Id":"a"}}`,
	`{"Id":"a"}{}`,
	`{"Demographic":{"Platform":"ios",}}`,
	`{"Attributes":{"plan":["a",]}}`,
	`{"Attributes":{"other":["a" "b"]}}`,
	`{"Unknown":nul}`,
	`{"Unknown":truex}`,
	"{\"Id\":\"raw\ttab\"}",
	"\ufeff{}",
	"{\"Demographic\":{\"Ma\u212ae\":\"kelvin\"}}", // K is the Kelvin sign: the standard decoders fold it to Make
}

// TestDecodeEdgeDocuments: odd documents decode as inapp.DecodeEndpoint
// decodes them, error for error; the plain ones on the fast path.
func TestDecodeEdgeDocuments(t *testing.T) {
	reads := targeting.Reads{Attributes: []string{"plan"}, UserAttributes: []string{"plan", "tier"}, Metrics: []string{"m", "n", "o"}}
	fastOK := 0
	for _, doc := range edgeDocs {
		if checkDoc(t, reads, doc) {
			fastOK++
		}
	}
	if fastOK < 10 {
		t.Errorf("only %d edge documents took the fast path", fastOK)
	}
}

// checkDoc compares Decode with inapp.DecodeEndpoint on doc and reports
// whether the fast path took it.
func checkDoc(t *testing.T, reads targeting.Reads, doc string) bool {
	t.Helper()
	want, wantErr := inapp.DecodeEndpoint(doc)
	d := New(reads.Attributes, reads.UserAttributes, reads.Metrics)
	_, fastErr := d.fast(doc)
	got, err := d.Decode(doc)
	if (err != nil) != (wantErr != nil) {
		t.Errorf("Decode(%q): error %v, DecodeEndpoint: %v", doc, err, wantErr)
		return false
	}
	if fastErr == nil && wantErr != nil {
		t.Errorf("Decode(%q) took the fast path, DecodeEndpoint fails: %v", doc, wantErr)
	}
	if err == nil {
		w := want // the slow path returns the full decode
		if fastErr == nil {
			w = project(want, reads)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("Decode(%q)\n got %s\nwant %s", doc, dump(got), dump(w))
		}
	}
	return fastErr == nil
}

// FuzzDecode: on any input, Decode agrees with inapp.DecodeEndpoint.
func FuzzDecode(f *testing.F) {
	for _, doc := range edgeDocs {
		f.Add(doc)
	}
	f.Add(importedDoc)
	reads := targeting.Reads{Attributes: []string{"plan", "interests"}, UserAttributes: []string{"plan"}, Metrics: []string{"m", "sessions"}}
	f.Fuzz(func(t *testing.T, doc string) { checkDoc(t, reads, doc) })
}

// TestDecodeReuses: an endpoint from one document leaves nothing behind
// in the next (the decoder reuses its maps and structs).
func TestDecodeReuses(t *testing.T) {
	d := New([]string{"plan"}, []string{"tier"}, []string{"m"})
	first := `{"Id":"1","Attributes":{"plan":["pro"]},"Metrics":{"m":1},"Demographic":{"Platform":"ios"},"Location":{"Latitude":1,"Longitude":2},"User":{"UserAttributes":{"tier":["gold"]}}}`
	if _, err := d.Decode(first); err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		`{"Id":"2"}`,
		`{"Id":"3","Attributes":{"other":["x"]},"Metrics":{},"Demographic":{"Make":"m"},"Location":{"Country":"FR"},"User":{"UserId":"u"}}`,
	} {
		got, err := d.Decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := inapp.DecodeEndpoint(doc)
		if w := project(want, targeting.Reads{Attributes: []string{"plan"}, UserAttributes: []string{"tier"}, Metrics: []string{"m"}}); !reflect.DeepEqual(got, w) {
			t.Errorf("after %s, Decode(%s)\n got %s\nwant %s", first, doc, dump(got), dump(w))
		}
	}
}

// TestDecodeManyNames: past the small-set size, names are hashed; same
// answers.
func TestDecodeManyNames(t *testing.T) {
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("n%d", i))
	}
	doc := `{"Attributes":{"n3":["a"],"x":["b"],"n19":["c"]},"Metrics":{"n7":1,"y":2}}`
	checkDoc(t, targeting.Reads{Attributes: names, Metrics: names}, doc)
	d := New(names, nil, names)
	e, err := d.fast(doc)
	if err != nil || len(e.Attributes) != 2 || len(e.Metrics) != 1 {
		t.Errorf("fast(%s) = %s, %v; want n3, n19 and n7 kept", doc, dump(e), err)
	}
}
