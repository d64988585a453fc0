package targeting

import (
	"strconv"
	"sync"

	gojson "github.com/goccy/go-json"

	inapp "github.com/inappd/inappd"
)

// An app's campaigns often share criteria (the same platform, the same
// plan, "newsletter is not no"), and GetInAppMessages evaluates them one
// campaign after another for a single endpoint. A CondTable numbers the
// distinct conditions of the segments compiled with it; a Memo then keeps
// each one's result for one subject, so that a criterion twenty campaigns
// share is evaluated once per request instead of twenty times.

// CondTable numbers distinct conditions across the segments compiled with
// it (Compiler.InternConds). Numbers are never reused: segments compiled
// earlier keep theirs while later compilations add to the table, so one
// table can serve a snapshot and its incremental rebuilds.
type CondTable struct {
	mu  sync.Mutex
	ids map[string]uint32
}

// NewCondTable returns an empty table.
func NewCondTable() *CondTable { return &CondTable{ids: map[string]uint32{}} }

// Len is one more than the highest number given: the size of a Memo that
// covers every segment compiled with the table so far.
func (t *CondTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ids) + 1
}

// intern numbers the condition described by key, from 1 (0 means "not
// numbered": such a condition is always evaluated).
func (t *CondTable) intern(key string) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.ids[key]
	if !ok {
		id = uint32(len(t.ids) + 1)
		t.ids[key] = id
	}
	return id
}

// condKey identifies a condition by what it was compiled from: two
// dimensions with the same kind, field, name and JSON compile to the same
// condition. (Equal criteria written differently, values in another
// order say, get two numbers: only a missed sharing, never a wrong one.)
//
// The key is built with go-json and appends, not encoding/json and fmt:
// a full build of 1,000 campaigns numbers every condition of every
// segment, and this was a tenth of its CPU.
func condKey(kind condKind, field uint8, name string, dim any) string {
	b, err := gojson.Marshal(dim)
	if err != nil {
		return "" // not numbered
	}
	key := make([]byte, 0, 16+len(name)+len(b))
	key = strconv.AppendInt(key, int64(kind), 10)
	key = append(key, '/')
	key = strconv.AppendInt(key, int64(field), 10)
	key = append(key, '/')
	key = strconv.AppendQuote(key, name)
	key = append(key, '/')
	return string(append(key, b...))
}

// Memo holds condition results for one subject. Set Subject.Memo to share
// them among the Match calls of one request, and Reset it before it serves
// another subject (another endpoint, time or activity). A Memo is large
// (its first results live in the struct itself): keep it on the stack.
type Memo struct {
	n     int     // conditions covered: numbers below n
	big   []uint8 // the results, when n > len(small)
	small [4096]uint8
}

// Reset forgets every result and makes room for the conditions of a table
// of length n (CondTable.Len).
func (m *Memo) Reset(n int) {
	m.n = n
	if n <= len(m.small) {
		clear(m.small[:n])
		m.big = nil
		return
	}
	if cap(m.big) >= n {
		m.big = m.big[:n]
		clear(m.big)
		return
	}
	m.big = make([]uint8, n)
}

// eval is c.match through the subject's memo, when it has one that covers
// c. A result is 0 while unknown, then 1 (true) or 2 (false).
func (c *cond) eval(sub *Subject, e *inapp.Endpoint) bool {
	m := sub.Memo
	if m == nil || c.id == 0 || int(c.id) >= m.n {
		return c.match(sub, e)
	}
	var slot *uint8
	if m.big != nil {
		slot = &m.big[c.id]
	} else {
		slot = &m.small[c.id]
	}
	switch *slot {
	case 1:
		return true
	case 2:
		return false
	}
	r := c.match(sub, e)
	*slot = 2
	if r {
		*slot = 1
	}
	return r
}
