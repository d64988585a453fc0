package imports

import (
	"cmp"
	"context"
	"slices"
	"sync"

	inapp "github.com/inappd/inappd"
)

// The rules an endpoint update obeys beyond its own row, which
// UpdateEndpoint applies too (both through the root package's
// inapp.UserEndpointLimit and inapp.AddressTaken):
//
//   - a user has at most inapp.MaxEndpointsPerUser endpoints that are not
//     INACTIVE; a row over the limit fails with UpdateEndpoint's message,
//     except a push row one over, which retires the user's oldest push
//     endpoint;
//   - an endpoint whose Address a row's endpoint takes becomes INACTIVE.
//
// A piece's rows are checked as if each were an UpdateEndpoint call, in
// file order, on the store as the previous pieces left it. The store is
// read in bulk once per piece (the users' endpoint IDs, in one query
// where the store can; the endpoints holding the piece's addresses, one
// read per address, only for rows that carry one), and a user's whole
// endpoints only when the user reaches the limit. What the earlier rows of the piece did is kept in a model
// (pieceRules) on top of those reads. A row that retires endpoints lists
// them in row.retire; the writer makes them INACTIVE in the piece's
// transaction, after the row's earlier rows and before its later ones.

// created stands for the CreationDate of an endpoint the piece creates:
// later than every stored endpoint's (the writer's clock gives the real
// one), and equal among themselves, so the first created is the oldest.
const created = "~"

// checkRules applies the rules to the piece's rows that define endpoints:
// it fails the rows over the limit and sets the retire lists.
func (r *Runner) checkRules(ctx context.Context, appID string, piece []*row) error {
	rows := make([]*row, 0, len(piece))
	for _, rw := range piece {
		if rw.fail == "" && rw.req != nil {
			rows = append(rows, rw)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// Pieces are in endpoint ID order; UpdateEndpoint calls would be in
	// file order.
	slices.SortFunc(rows, func(a, b *row) int { return cmp.Compare(a.pos, b.pos) })
	p := &pieceRules{r: r, ctx: ctx, appID: appID, eps: make(map[string]*epState, len(rows)), arena: make([]epState, len(rows))}
	if err := p.prefetch(rows); err != nil {
		return err
	}
	for i, rw := range rows {
		rw.seq = i
		if err := p.check(rw); err != nil {
			return err
		}
	}
	return nil
}

// pieceRules is the model: what the store holds, as far as it was read,
// with the changes of the piece's rows checked so far on top. It runs for
// every row of every import, so the common case (a user far from the
// limit, no Address) costs a few map operations and no allocation per
// row.
type pieceRules struct {
	r     *Runner
	ctx   context.Context
	appID string
	users map[string]*userState
	eps   map[string]*epState // endpoints the piece has touched or read
	arena []epState           // where eps come from, a few allocations per piece
	// holders are the stored endpoints with each of the piece's addresses.
	holders map[string][]*inapp.Endpoint
	// byAddress lists the endpoints the piece's rows gave each address.
	byAddress map[string][]string
	// unowned lists endpoints of users not known that rows made count
	// again (an EndpointStatus without User.UserId): each may add one to
	// any user's count, until resolve reads them.
	unowned []string
}

type userState struct {
	// n counts the endpoints that count toward the limit, as far as the
	// model knows: the stored ones that are not INACTIVE, and those rows
	// gave the user (those whose status is unknown included: the count
	// errs high, never low). Each is an epState with counted set.
	n int
	// loaded: the user reached the limit, and has its endpoints read
	// (stored, in creation order; joined, those rows gave it) for an exact
	// count from then on.
	loaded bool
	stored []*inapp.Endpoint
	joined []string
}

// epState is an endpoint as the piece's rows left it: "" members are as
// stored.
type epState struct {
	status, channel, address string
	// owner is the endpoint's user, where known (stored, or given by a
	// row); counted, whether it is counted in that user's n.
	owner   string
	counted bool
	// first is the seq of the first row that named it (creation order).
	first int
	// base is the stored endpoint (nil for one the piece creates), once
	// read.
	base *inapp.Endpoint
	read bool
	// joinedBy is the user whose joined list holds it last.
	joinedBy string
}

// ep returns the endpoint's state, new when there is none; seq is the row
// that touches it (-1: a read, no row).
func (p *pieceRules) ep(id string, seq int) *epState {
	st := p.eps[id]
	if st == nil {
		if len(p.arena) == 0 {
			p.arena = make([]epState, max(64, len(p.eps)))
		}
		st = &p.arena[0]
		p.arena = p.arena[1:]
		st.first = -1
		p.eps[id] = st
	}
	if st.first < 0 {
		st.first = seq
	}
	return st
}

// prefetch reads the users' counting endpoint IDs and the endpoints that
// hold the rows' addresses.
func (p *pieceRules) prefetch(rows []*row) error {
	var users, addresses []string
	p.users = make(map[string]*userState, len(rows))
	var states []userState
	for _, rw := range rows {
		if u := rowUser(rw); u != "" && p.users[u] == nil {
			if len(states) == 0 {
				states = make([]userState, len(rows))
			}
			p.users[u] = &states[0]
			states = states[1:]
			users = append(users, u)
		}
		if a := rw.req.Address; a != "" && p.holders[a] == nil {
			if p.holders == nil {
				p.holders, p.byAddress = map[string][]*inapp.Endpoint{}, map[string][]string{}
			}
			p.holders[a] = []*inapp.Endpoint{}
			addresses = append(addresses, a)
		}
	}
	if len(users) > 0 {
		ids, err := p.r.userEndpointIDs(p.ctx, p.appID, users)
		if err != nil {
			return err
		}
		for u, ids := range ids {
			us := p.users[u]
			for _, id := range ids {
				st := p.ep(id, -1)
				st.owner, st.counted = u, true
				us.n++
			}
		}
	}
	if len(addresses) > 0 {
		holders, err := p.r.addressHolders(p.ctx, p.appID, addresses)
		if err != nil {
			return err
		}
		for a, hs := range holders {
			p.holders[a] = hs
			for _, h := range hs {
				if st := p.ep(h.ID, -1); !st.read {
					st.base, st.read = h, true
					if st.owner == "" && h.User != nil {
						st.owner = h.User.UserID
					}
				}
			}
		}
	}
	return nil
}

func rowUser(rw *row) string {
	if rw.req.User == nil {
		return ""
	}
	return rw.req.User.UserID
}

// check applies the rules to one row, then the row to the model.
func (p *pieceRules) check(rw *row) error {
	id, req, u := rw.id, rw.req, rowUser(rw)
	st := p.eps[id] // nil when nothing touched or read it yet
	var us *userState
	if u != "" {
		us = p.users[u]
		retire, fail, err := p.limit(us, st, u, id, req.ChannelType)
		if err != nil {
			return err
		}
		if fail != "" {
			rw.fail = fail
			return nil
		}
		if retire != "" {
			p.deactivate(rw, retire)
		}
	}
	if a := req.Address; a != "" {
		for _, h := range inapp.AddressTaken(id, p.holdersOf(a), nil) {
			p.deactivate(rw, h.ID)
		}
	}

	if st == nil || st.first < 0 {
		st = p.ep(id, rw.seq)
	}
	if a := req.Address; a != "" && st.address != a {
		st.address = a
		p.byAddress[a] = append(p.byAddress[a], id)
	}
	if req.ChannelType != "" {
		st.channel = req.ChannelType
	}
	if req.EndpointStatus != "" {
		st.status = req.EndpointStatus
	}
	if u != "" {
		if st.owner != u {
			p.uncount(st)
			st.owner = u
		}
		if us.loaded && st.joinedBy != u {
			st.joinedBy = u
			us.joined = append(us.joined, id)
		}
		if st.status == "INACTIVE" {
			p.uncount(st)
		} else if !st.counted {
			st.counted = true
			us.n++
		}
		return nil
	}
	switch {
	case req.EndpointStatus == "":
	case req.EndpointStatus == "INACTIVE":
		p.uncount(st)
	case st.owner == "":
		p.unowned = append(p.unowned, id)
	case !st.counted && p.users[st.owner] != nil:
		st.counted = true
		p.users[st.owner].n++
	}
	return nil
}

// uncount takes the endpoint out of its user's count.
func (p *pieceRules) uncount(st *epState) {
	if st.counted {
		st.counted = false
		p.users[st.owner].n--
	}
}

// deactivate makes id INACTIVE after row rw.
func (p *pieceRules) deactivate(rw *row, id string) {
	st := p.ep(id, rw.seq)
	st.status = "INACTIVE"
	p.uncount(st)
	rw.retire = append(rw.retire, id)
}

// limit applies the limit of endpoints per user to a row that gives
// endpoint id (of channel ch, state st, nil when none) to user u (state
// us): it returns the endpoint to retire, if any, or the message
// UpdateEndpoint would refuse the row with.
func (p *pieceRules) limit(us *userState, st *epState, u, id, ch string) (retire, fail string, err error) {
	if !us.loaded {
		count := func() int {
			if st != nil && st.counted && st.owner == u {
				return us.n
			}
			return us.n + 1
		}
		n := count()
		if n <= inapp.MaxEndpointsPerUser && n+len(p.unowned) > inapp.MaxEndpointsPerUser {
			if err := p.resolve(); err != nil {
				return "", "", err
			}
			n = count()
		}
		if n <= inapp.MaxEndpointsPerUser {
			return "", "", nil
		}
		if err := p.load(u); err != nil {
			return "", "", err
		}
	}
	have, err := p.userEndpoints(u)
	if err != nil {
		return "", "", err
	}
	e, err := inapp.UserEndpointLimit(u, have, map[string]string{id: ch})
	if err != nil {
		return "", inapp.ErrorMessage(err), nil
	}
	if e != nil {
		retire = e.ID
	}
	return retire, "", nil
}

// load reads the endpoints of a user at the limit, to count exactly from
// then on.
func (p *pieceRules) load(u string) error {
	stored, err := p.r.Store.UserEndpoints(p.ctx, p.appID, u)
	if err != nil {
		return err
	}
	us := p.users[u]
	us.loaded, us.stored = true, stored
	for _, e := range stored {
		st := p.ep(e.ID, -1)
		if !st.read {
			st.base, st.read = e, true
		}
		if st.owner == "" {
			st.owner = u // as stored: no row gave it another user
		}
	}
	// Those the piece's rows gave the user so far, in creation order.
	for id, st := range p.eps {
		if st.owner == u && st.first >= 0 {
			st.joinedBy = u
			us.joined = append(us.joined, id)
		}
	}
	slices.SortFunc(us.joined, func(a, b string) int { return p.eps[a].first - p.eps[b].first })
	return nil
}

// resolve reads the endpoints in unowned, to count each toward its user.
func (p *pieceRules) resolve() error {
	var ids []string
	for _, id := range p.unowned {
		if st := p.eps[id]; st.owner == "" && !st.read {
			ids = append(ids, id)
		}
	}
	p.unowned = nil
	stored, err := p.r.endpoints(p.ctx, p.appID, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		st := p.eps[id]
		st.base, st.read = stored[id], true
		if st.owner != "" || st.base == nil || st.base.User == nil || st.base.User.UserID == "" {
			continue
		}
		st.owner = st.base.User.UserID
		if us := p.users[st.owner]; us != nil && p.view(id, st.base).EndpointStatus != "INACTIVE" {
			st.counted = true
			us.n++
		}
	}
	return nil
}

// userEndpoints is what a loaded user has now: its stored endpoints and
// those rows gave it, as the rows left them, in creation order.
func (p *pieceRules) userEndpoints(u string) ([]*inapp.Endpoint, error) {
	us := p.users[u]
	var have []*inapp.Endpoint
	seen := make(map[string]bool, len(us.stored)+len(us.joined))
	add := func(id string, base *inapp.Endpoint) {
		if seen[id] {
			return
		}
		seen[id] = true
		if e := p.view(id, base); e.User != nil && e.User.UserID == u {
			have = append(have, e)
		}
	}
	for _, e := range us.stored {
		add(e.ID, e)
	}
	for _, id := range us.joined {
		if seen[id] {
			continue
		}
		st := p.eps[id]
		if !st.read {
			e, err := p.r.Store.GetEndpoint(p.ctx, p.appID, id)
			if err != nil && inapp.ErrorCode(err) != inapp.ENOTFOUND {
				return nil, err
			}
			st.base, st.read = e, true
		}
		add(id, st.base)
	}
	return have, nil
}

// view is endpoint id as the rules see it now: stored as base (nil when
// the piece creates it), with the piece's changes.
func (p *pieceRules) view(id string, base *inapp.Endpoint) *inapp.Endpoint {
	e := &inapp.Endpoint{ID: id, CreationDate: created, EndpointStatus: "ACTIVE"}
	if base != nil {
		e.CreationDate, e.EndpointStatus, e.ChannelType, e.Address, e.User = base.CreationDate, base.EndpointStatus, base.ChannelType, base.Address, base.User
	}
	if st := p.eps[id]; st != nil {
		setIf(&e.EndpointStatus, st.status)
		setIf(&e.ChannelType, st.channel)
		setIf(&e.Address, st.address)
		if st.owner != "" {
			e.User = &inapp.EndpointUser{UserID: st.owner}
		}
	}
	return e
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// holdersOf lists the endpoints that hold address now: the stored
// holders the piece has not moved off it, then those rows gave it. An
// endpoint whose status the model does not know is taken as ACTIVE:
// making an INACTIVE one INACTIVE changes nothing.
func (p *pieceRules) holdersOf(address string) []*inapp.Endpoint {
	var out []*inapp.Endpoint
	seen := map[string]bool{}
	for _, h := range p.holders[address] {
		seen[h.ID] = true
		if e := p.view(h.ID, h); e.Address == address {
			out = append(out, e)
		}
	}
	for _, id := range p.byAddress[address] {
		if seen[id] {
			continue
		}
		seen[id] = true
		st := p.eps[id]
		if e := p.view(id, st.base); e.Address == address {
			out = append(out, e)
		}
	}
	return out
}

// addressHolders returns the stored endpoints with each address.
func (r *Runner) addressHolders(ctx context.Context, appID string, addresses []string) (map[string][]*inapp.Endpoint, error) {
	if l, ok := r.Store.(inapp.AddressHolderLister); ok {
		return l.EndpointsByAddresses(ctx, appID, addresses)
	}
	return readEach(addresses, func(a string) ([]*inapp.Endpoint, error) { return r.Store.EndpointsByAddress(ctx, appID, a) })
}

// endpoints returns the stored endpoints with the IDs (those that exist).
func (r *Runner) endpoints(ctx context.Context, appID string, ids []string) (map[string]*inapp.Endpoint, error) {
	return readEach(ids, func(id string) (*inapp.Endpoint, error) {
		e, err := r.Store.GetEndpoint(ctx, appID, id)
		if inapp.ErrorCode(err) == inapp.ENOTFOUND {
			return nil, nil
		}
		return e, err
	})
}

// readEach calls read for each key, lookups at a time (reads, on the
// store's read pool), and returns the answers by key.
func readEach[T any](keys []string, read func(string) (T, error)) (map[string]T, error) {
	out := make(map[string]T, len(keys))
	var mu sync.Mutex
	var firstErr error
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(lookups, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				v, err := read(k)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[k] = v
				mu.Unlock()
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	return out, firstErr
}
