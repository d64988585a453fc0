package main

// Three inappd nodes on one PostgreSQL database, each behind a TCP proxy
// of its own that the test can cut: admin writes on one node seen by the
// others within a second, caps counted across nodes under concurrent
// load, the database going away and coming back (503 meanwhile, correct
// answers after, no restart), and an import job whose node dies halfway
// finished once by another node.
//
// It runs where PostgreSQL does (see pgtest): skipped otherwise, failed
// under INAPPD_TEST_STRICT=1.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	"github.com/jackc/pgx/v5/pgconn"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres"
	"github.com/inappd/inappd/postgres/pgtest"

	"github.com/inappd/inappd/internal/syncbuf"
)

// visibilityBound is the promise: an admin write on one node shows on
// every node's GetInAppMessages within a second.
const visibilityBound = time.Second

// pgProxy forwards TCP connections to PostgreSQL. Cut makes the database
// vanish for the nodes behind it, as a stopped server does: every open
// connection is reset and new ones are reset at once; Restore brings it
// back. It is a real outage from the node's side (its pool, its LISTEN
// connection, its event writer), without touching the machine's
// PostgreSQL, which other tests use.
type pgProxy struct {
	ln      net.Listener
	network string // of the target: "tcp" or "unix"
	target  string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
}

func newPGProxy(t *testing.T, network, target string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, network: network, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
	})
	return p
}

func (p *pgProxy) addr() string { return p.ln.Addr().String() }

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			reset(c)
			continue
		}
		go p.forward(c)
	}
}

func (p *pgProxy) forward(c net.Conn) {
	s, err := net.DialTimeout(p.network, p.target, 5*time.Second)
	if err != nil {
		reset(c)
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		reset(c)
		s.Close()
		return
	}
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	var wg sync.WaitGroup
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		io.Copy(dst, src)
		// One side ended: end both (a reset, as a dying server's host does).
		reset(dst)
		reset(src)
	}
	wg.Add(2)
	go pipe(s, c)
	go pipe(c, s)
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// reset closes c with a TCP reset rather than an orderly close.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// Cut resets every connection and refuses new ones until Restore.
func (p *pgProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		reset(c)
	}
}

func (p *pgProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// viaProxy returns dsn with its server replaced by the proxy at addr.
func viaProxy(t *testing.T, dsn, addr string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = addr
		q := u.Query()
		q.Del("host")
		q.Del("port")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " host=" + host + " port=" + port // later keys win
}

// pgTarget is where the DSN's server listens.
func pgTarget(t *testing.T, dsn string) (network, addr string) {
	t.Helper()
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(cfg.Host, "/") {
		return "unix", filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port))
	}
	return "tcp", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
}

// node is one inappd of the group, with its proxy and its log.
type node struct {
	name  string
	m     *Main
	proxy *pgProxy
	log   *syncbuf.Buffer
}

// startNodes starts n nodes on the database at dsn at the same moment, as
// a deployment does (the first start on an empty database: migrations and
// the root key race).
func startNodes(t *testing.T, dsn, importDir string, n int) []*node {
	t.Helper()
	network, target := pgTarget(t, dsn)
	nodes := make([]*node, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		nd := &node{name: string(rune('A' + i)), proxy: newPGProxy(t, network, target), log: &syncbuf.Buffer{}}
		nodes[i] = nd
		m := newTestMain(t)
		m.Config.Postgres = viaProxy(t, dsn, nd.proxy.addr())
		m.Config.ImportDir = importDir
		var w io.Writer = nd.log
		if testing.Verbose() {
			w = io.MultiWriter(nd.log, prefixWriter{"node " + nd.name + ": ", os.Stderr})
		}
		m.Logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
		// Short leases, so that a dead node's job is taken over quickly.
		m.cluster.leaseTTL = 2 * time.Second
		m.cluster.rescan = 500 * time.Millisecond
		m.cluster.importPieceSize = 250
		nd.m = m
		wg.Go(func() { errs[i] = m.Run(t.Context()) })
	}
	wg.Wait()
	for i, nd := range nodes {
		if errs[i] == nil {
			t.Cleanup(func() {
				if nd.m != nil {
					nd.m.Close()
				}
			})
		}
	}
	for i, nd := range nodes {
		if errs[i] != nil {
			t.Fatalf("node %s: start: %v", nd.name, errs[i])
		}
	}
	return nodes
}

type prefixWriter struct {
	prefix string
	w      io.Writer
}

func (p prefixWriter) Write(b []byte) (int, error) {
	p.w.Write(append([]byte(p.prefix), b...))
	return len(b), nil
}

func TestMultiNode(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	importDir := t.TempDir() // shared by every node, as the README asks
	nodes := startNodes(t, dsn, importDir, 3)
	for _, nd := range nodes[1:] {
		if nd.m.RootKey.ID != nodes[0].m.RootKey.ID {
			t.Fatalf("nodes started with different root keys")
		}
	}
	// direct is a store on the database itself, not through any proxy: a
	// fourth writer (an operator's tool, a node elsewhere).
	direct, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })

	a := client(nodes[0].m, nil)
	app := createApp(t, a, "multinode")
	putEndpoint(t, a, app, "device-1", inAppEndpoint("u1", map[string][]string{"plan": {"gold"}}))

	t.Run("WritesVisibleEverywhere", func(t *testing.T) { testVisibility(t, nodes, app) })
	t.Run("CapsAcrossNodes", func(t *testing.T) { testCapsAcrossNodes(t, nodes, direct, app) })
	t.Run("DatabaseOutage", func(t *testing.T) { testOutage(t, nodes, direct, app) })
	t.Run("ImportJobSurvivesItsNode", func(t *testing.T) { testImportTakeover(t, nodes, direct, importDir) })
}

// until polls check on each of nodes, every 5 ms, until it holds on all
// of them, and returns how long each took after since. It fails the test
// if one takes longer than limit.
func until(t *testing.T, what string, nodes []*node, since time.Time, limit time.Duration, check func(c *pinpoint.Client) bool) []time.Duration {
	t.Helper()
	took := make([]time.Duration, len(nodes))
	var wg sync.WaitGroup
	for i, nd := range nodes {
		wg.Go(func() {
			c := client(nd.m, nil)
			for !check(c) {
				if time.Since(since) > limit {
					t.Errorf("%s: not on node %s after %v", what, nd.name, limit)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			took[i] = time.Since(since)
		})
	}
	wg.Wait()
	return took
}

func messagesOf(c *pinpoint.Client, app, endpoint string) ([]types.InAppMessageCampaign, error) {
	out, err := c.GetInAppMessages(context.Background(), &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String(endpoint)})
	if err != nil {
		return nil, err
	}
	return out.InAppMessagesResponse.InAppMessageCampaigns, nil
}

// delivers reports whether GetInAppMessages on c lists the campaign (with
// the given first header, when header is not "").
func delivers(t *testing.T, c *pinpoint.Client, app, campaign, header string) bool {
	msgs, err := messagesOf(c, app, "device-1")
	if err != nil {
		t.Errorf("GetInAppMessages: %v", err)
		return false
	}
	m := findMessage(msgs, campaign)
	return m != nil && (header == "" || firstHeader(*m) == header)
}

// (1) Admin writes on node A are seen by GetInAppMessages on B and C
// within the bound: creating, pausing, resuming and deleting a campaign,
// narrowing its segment, and a new active template version.
func testVisibility(t *testing.T, nodes []*node, app string) {
	ctx := t.Context()
	a := client(nodes[0].m, nil)
	others := nodes[1:]
	var worst time.Duration
	// step runs write on A once every other node has a snapshot of the
	// app (so that the write must reach it), then waits for want.
	step := func(name string, write func(), want func(c *pinpoint.Client) bool) {
		t.Helper()
		for _, nd := range others {
			if _, err := messagesOf(client(nd.m, nil), app, "device-1"); err != nil {
				t.Fatalf("%s: prime node %s: %v", name, nd.name, err)
			}
		}
		write()
		took := until(t, name, others, time.Now(), 5*visibilityBound, want)
		for i, d := range took {
			worst = max(worst, d)
			if d > visibilityBound {
				t.Errorf("%s: visible on node %s after %v, want at most %v", name, others[i].name, d, visibilityBound)
			}
		}
		t.Logf("%-40s visible on B after %6.1f ms, on C after %6.1f ms", name, ms(took[0]), ms(took[1]))
	}

	seg := createSegment(t, a, app, attrSegment("gold", "plan", "gold"))
	var camp string
	step("CreateCampaign", func() {
		camp = str(createCampaign(t, a, app, campaignRequest("visible", str(seg.Id), 1)).Id)
	}, func(c *pinpoint.Client) bool { return delivers(t, c, app, camp, "") })

	update := func(paused bool) func() {
		return func() {
			req := campaignRequest("visible", str(seg.Id), 1)
			req.IsPaused = aws.Bool(paused)
			if _, err := a.UpdateCampaign(ctx, &pinpoint.UpdateCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(camp), WriteCampaignRequest: req}); err != nil {
				t.Fatalf("UpdateCampaign: %v", err)
			}
		}
	}
	step("UpdateCampaign IsPaused=true", update(true), func(c *pinpoint.Client) bool { return !delivers(t, c, app, camp, "") })
	step("UpdateCampaign IsPaused=false", update(false), func(c *pinpoint.Client) bool { return delivers(t, c, app, camp, "") })

	step("UpdateSegment (endpoint no longer in it)", func() {
		if _, err := a.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id, WriteSegmentRequest: attrSegment("gold", "plan", "platinum")}); err != nil {
			t.Fatalf("UpdateSegment: %v", err)
		}
	}, func(c *pinpoint.Client) bool { return !delivers(t, c, app, camp, "") })
	step("UpdateSegment (endpoint back in it)", func() {
		if _, err := a.UpdateSegment(ctx, &pinpoint.UpdateSegmentInput{ApplicationId: aws.String(app), SegmentId: seg.Id, WriteSegmentRequest: attrSegment("gold", "plan", "gold", "platinum")}); err != nil {
			t.Fatalf("UpdateSegment: %v", err)
		}
	}, func(c *pinpoint.Client) bool { return delivers(t, c, app, camp, "") })

	// A campaign on a template: a new version made active on A changes
	// the message on B and C.
	createTemplate(t, a, "multinode-tpl", templateRequest("version one"))
	tplReq := campaignRequest("templated", "", 2)
	tplReq.MessageConfiguration = nil
	tplReq.TemplateConfiguration = &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("multinode-tpl")}}
	var tplCamp string
	step("CreateCampaign (template)", func() {
		tplCamp = str(createCampaign(t, a, app, tplReq).Id)
	}, func(c *pinpoint.Client) bool { return delivers(t, c, app, tplCamp, "version one") })
	if _, err := a.UpdateInAppTemplate(ctx, &pinpoint.UpdateInAppTemplateInput{TemplateName: aws.String("multinode-tpl"), CreateNewVersion: aws.Bool(true), InAppTemplateRequest: templateRequest("version two")}); err != nil {
		t.Fatalf("UpdateInAppTemplate: %v", err)
	}
	step("UpdateTemplateActiveVersion", func() {
		if _, err := a.UpdateTemplateActiveVersion(ctx, &pinpoint.UpdateTemplateActiveVersionInput{
			TemplateName: aws.String("multinode-tpl"), TemplateType: aws.String("INAPP"),
			TemplateActiveVersionRequest: &types.TemplateActiveVersionRequest{Version: aws.String("2")},
		}); err != nil {
			t.Fatalf("UpdateTemplateActiveVersion: %v", err)
		}
	}, func(c *pinpoint.Client) bool { return delivers(t, c, app, tplCamp, "version two") })

	step("DeleteCampaign", func() {
		if _, err := a.DeleteCampaign(ctx, &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(tplCamp)}); err != nil {
			t.Fatalf("DeleteCampaign: %v", err)
		}
	}, func(c *pinpoint.Client) bool { return !delivers(t, c, app, tplCamp, "") })
	t.Logf("worst visibility latency: %.1f ms (bound %v)", ms(worst), visibilityBound)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// (2) Displays reported to different nodes add up: N concurrent PutEvents
// for one endpoint, to random nodes, some retried on another node, count
// exactly N; every node hides the campaign at its cap.
func testCapsAcrossNodes(t *testing.T, nodes []*node, direct *postgres.DB, app string) {
	const n = 100 // the most Limits.Total takes
	a := client(nodes[0].m, nil)
	req := campaignRequest("capped", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(n)}
	camp := str(createCampaign(t, a, app, req).Id)
	until(t, "capped campaign", nodes, time.Now(), 5*visibilityBound, func(c *pinpoint.Client) bool { return delivers(t, c, app, camp, "") })

	now := time.Now()
	send := func(i int, c *pinpoint.Client) error {
		id := fmt.Sprintf("shown-%d", i)
		out, err := c.PutEvents(context.Background(), &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{
			BatchItem: map[string]types.EventsBatch{"device-1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{id: displayedEvent(camp, now)}}},
		}})
		if err != nil {
			return err
		}
		if st := i32(out.EventsResponse.Results["device-1"].EventsItemResponse[id].StatusCode); st != 202 {
			return fmt.Errorf("event %s: status %d", id, st)
		}
		return nil
	}
	clients := make([]*pinpoint.Client, len(nodes))
	for i, nd := range nodes {
		clients[i] = client(nd.m, nil)
	}
	// All but the last display, at once, each to a random node; every
	// fourth is retried at the same moment on another node (a client that
	// timed out and tried again elsewhere): it must count once.
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := range n - 1 {
		first := rand.IntN(len(nodes))
		wg.Go(func() {
			if err := send(i, clients[first]); err != nil {
				failures.Add(1)
				t.Errorf("PutEvents %d on node %s: %v", i, nodes[first].name, err)
			}
		})
		if i%4 == 0 {
			wg.Go(func() {
				if err := send(i, clients[(first+1)%len(nodes)]); err != nil {
					t.Errorf("PutEvents %d (retry) on node %s: %v", i, nodes[(first+1)%len(nodes)].name, err)
				}
			})
		}
	}
	wg.Wait()
	day := now.UTC().Format("2006-01-02")
	counts, err := direct.CapCounts(t.Context(), app, "device-1", day)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts[camp].Total; got != n-1 {
		t.Fatalf("after %d concurrent displays on 3 nodes the total is %d", n-1, got)
	}
	for _, c := range clients {
		if !delivers(t, c, app, camp, "") {
			t.Fatalf("campaign hidden one display before its cap")
		}
	}
	if err := send(n-1, clients[rand.IntN(len(clients))]); err != nil {
		t.Fatal(err)
	}
	counts, err = direct.CapCounts(t.Context(), app, "device-1", day)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts[camp].Total; got != n {
		t.Fatalf("total %d, want %d", got, n)
	}
	for i, c := range clients {
		if delivers(t, c, app, camp, "") {
			t.Errorf("node %s still delivers the campaign at its cap of %d", nodes[i].name, n)
		}
	}
	t.Logf("%d displays (%d of them also retried on another node) sent concurrently to 3 nodes: counted %d", n, (n-1+3)/4, n)
	// Out of the way of the next subtests.
	if _, err := a.DeleteCampaign(t.Context(), &pinpoint.DeleteCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(camp)}); err != nil {
		t.Fatal(err)
	}
}

// (3) The database goes away for every node: each answers 503 (never 500,
// never a stale answer) within a few seconds, on every path; when it comes
// back they answer correctly again, without a restart, and do not serve
// what changed while they were cut off.
func testOutage(t *testing.T, nodes []*node, direct *postgres.DB, app string) {
	a := client(nodes[0].m, nil)
	camp := str(createCampaign(t, a, app, campaignRequest("outage", "", 1)).Id)
	until(t, "campaign before the outage", nodes, time.Now(), 5*visibilityBound, func(c *pinpoint.Client) bool { return delivers(t, c, app, camp, "") })

	type probe struct {
		name string
		call func(nd *node) int // HTTP status
	}
	probes := []probe{
		{"GetInAppMessages", func(nd *node) int {
			return rawCallStatus(nd.m, "GET", "/v1/apps/"+app+"/endpoints/device-1/inappmessages", nil)
		}},
		{"PutEvents", func(nd *node) int {
			body := fmt.Sprintf(`{"BatchItem":{"device-1":{"Endpoint":{},"Events":{"e-%d":{"EventType":"app_open","Timestamp":%q}}}}}`, rand.Int64(), time.Now().UTC().Format(time.RFC3339))
			return rawCallStatus(nd.m, "POST", "/v1/apps/"+app+"/events", []byte(body))
		}},
		{"CreateCampaign", func(nd *node) int {
			b, _ := json.Marshal(map[string]any{"Name": "during", "MessageConfiguration": map[string]any{"InAppMessage": map[string]any{"Layout": "TOP_BANNER", "Content": []any{map[string]any{"BodyConfig": map[string]any{"Alignment": "LEFT", "Body": "x", "TextColor": "#000000"}}}}}, "Schedule": map[string]any{"StartTime": "IMMEDIATE", "Frequency": "IN_APP_EVENT", "EventFilter": map[string]any{"FilterType": "SYSTEM", "Dimensions": map[string]any{"EventType": map[string]any{"DimensionType": "INCLUSIVE", "Values": []string{"x"}}}}}})
			return rawCallStatus(nd.m, "POST", "/v1/apps/"+app+"/campaigns", b)
		}},
		{"/healthz", func(nd *node) int {
			resp, err := http.Get(nd.m.URL() + "/healthz")
			if err != nil {
				return 0
			}
			resp.Body.Close()
			return resp.StatusCode
		}},
	}

	for _, nd := range nodes {
		nd.proxy.Cut()
	}
	cut := time.Now()
	// While the nodes are cut off, the campaign is paused by a writer that
	// still reaches the database: no node hears of it until it is back.
	stored, err := direct.GetCampaign(t.Context(), app, camp, 0)
	if err != nil {
		t.Fatal(err)
	}
	stored.Version++
	stored.IsPaused = true
	if err := direct.PutCampaign(t.Context(), stored); err != nil {
		t.Fatal(err)
	}

	const outageBound = 3 * time.Second
	var mu sync.Mutex
	var worst time.Duration
	var wg sync.WaitGroup
	for _, nd := range nodes {
		for _, p := range probes {
			wg.Go(func() {
				for {
					start := time.Now()
					st := p.call(nd)
					if d := time.Since(start); d > outageBound {
						t.Errorf("node %s %s took %v to answer %d", nd.name, p.name, d, st)
					}
					switch st {
					case http.StatusServiceUnavailable:
						d := time.Since(cut)
						mu.Lock()
						worst = max(worst, d)
						mu.Unlock()
						if d > outageBound {
							t.Errorf("node %s %s: 503 only after %v", nd.name, p.name, d)
						}
						// And it stays so.
						for range 5 {
							if st := p.call(nd); st != http.StatusServiceUnavailable {
								t.Errorf("node %s %s during the outage: %d after a 503", nd.name, p.name, st)
							}
						}
						return
					case http.StatusOK, http.StatusAccepted, http.StatusCreated:
						// Served from what the node still held (the app is
						// known for a second); not for long.
						if p.name == "GetInAppMessages" || p.name == "PutEvents" || p.name == "CreateCampaign" {
							t.Errorf("node %s %s answered %d with its database cut off", nd.name, p.name, st)
						}
					default:
						t.Errorf("node %s %s during the outage: %d, want 503", nd.name, p.name, st)
						return
					}
					if time.Since(cut) > outageBound {
						t.Errorf("node %s %s: no 503 after %v", nd.name, p.name, outageBound)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		}
	}
	wg.Wait()
	t.Logf("every node answered 503 on every path within %.0f ms of the cut", ms(worst))

	// Down for a while longer: the nodes keep retrying their connections.
	time.Sleep(2 * time.Second)
	for _, nd := range nodes {
		nd.proxy.Restore()
	}
	restored := time.Now()
	const recoveryBound = 5 * time.Second
	took := until(t, "correct answers after the outage", nodes, restored, recoveryBound, func(c *pinpoint.Client) bool {
		msgs, err := messagesOf(c, app, "device-1")
		if err != nil {
			if statusOfErr(err) != http.StatusServiceUnavailable {
				t.Errorf("GetInAppMessages while recovering: %v, want success or 503", err)
			}
			return false
		}
		// The first answer must already know that the campaign was
		// paused during the outage.
		if findMessage(msgs, camp) != nil {
			t.Errorf("a node served a campaign paused while it was cut off")
		}
		return true
	})
	for i, nd := range nodes {
		if st := probes[3].call(nd); st != http.StatusOK {
			t.Errorf("node %s /healthz after recovery: %d", nd.name, st)
		}
		if st := probes[1].call(nd); st != http.StatusAccepted {
			t.Errorf("node %s PutEvents after recovery: %d", nd.name, st)
		}
		t.Logf("node %s answered correctly %.0f ms after the database came back", nd.name, ms(took[i]))
	}
}

// rawCallStatus sends a root-signed request and returns its status (0 when
// no answer came within 10 s). It may run in any goroutine.
func rawCallStatus(m *Main, method, path string, body []byte) int {
	req, err := http.NewRequest(method, m.URL()+path, bytes.NewReader(body))
	if err != nil {
		return -1
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: m.RootKey.ID, SecretAccessKey: m.RootKey.Secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), testService, testRegion, time.Now().UTC()); err != nil {
		return -1
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// (4) An import job whose node dies halfway (its connections reset, as
// when the machine goes down, then the process gone) is taken over by
// another node once its lease expires, resumed from its last recorded
// piece, and completed exactly once.
func testImportTakeover(t *testing.T, nodes []*node, direct *postgres.DB, importDir string) {
	const rows = 20_000
	ctx := t.Context()
	var csv strings.Builder
	csv.WriteString("ChannelType,Id,User.UserId,Attributes.plan\n")
	for i := range rows {
		fmt.Fprintf(&csv, "IN_APP,imp-%05d,user-%05d,gold\n", i, i)
	}
	writeFile(t, importDir, "users.csv", csv.String())

	b := client(nodes[1].m, nil)
	app := createApp(t, b, "import-takeover")
	start := time.Now()
	job := createImportJob(t, client(nodes[0].m, nil), app, &types.ImportJobRequest{
		Format: types.FormatCsv, S3Url: aws.String("file://" + filepath.Join(importDir, "users.csv")),
		RoleArn: aws.String(testRole), DefineSegment: aws.Bool(true), SegmentName: aws.String("imported"),
		RegisterEndpoints: aws.Bool(true),
	})
	jobID := str(job.Id)

	// Which node runs it (the one that took the job's lease), once it has
	// recorded a few pieces.
	var runner *node
	for runner == nil {
		if time.Since(start) > 30*time.Second {
			t.Fatal("no node started the import job")
		}
		out, err := b.GetImportJob(ctx, &pinpoint.GetImportJobInput{ApplicationId: aws.String(app), JobId: aws.String(jobID)})
		if err != nil {
			t.Fatal(err)
		}
		if j := out.ImportJobResponse; j.JobStatus == types.JobStatusCompleted {
			t.Fatalf("the job completed before a node could be stopped (make it larger): %s", mustJSON(t, j))
		} else if i32(j.CompletedPieces) >= 3 {
			for _, nd := range nodes {
				if strings.Contains(nd.log.String(), "import job runs") && strings.Contains(nd.log.String(), jobID) {
					runner = nd
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Kill it: its database connections die at once, as when its machine
	// goes down, then the process goes.
	runner.proxy.Cut()
	killed := time.Now()
	runner.m.Close()
	runner.m = nil
	before, _ := direct.GetImportJob(ctx, app, jobID)
	t.Logf("node %s ran the job and was stopped after %d of %d pieces", runner.name, before.CompletedPieces, before.TotalPieces)

	var rest []*node
	for _, nd := range nodes {
		if nd != runner {
			rest = append(rest, nd)
		}
	}
	done := waitImportJob(t, client(rest[0].m, nil), app, jobID, 60*time.Second)
	t.Logf("taken over and completed %.1f s after the node died (lease TTL %v)", time.Since(killed).Seconds(), rest[0].m.cluster.leaseTTL)
	if done.JobStatus != types.JobStatusCompleted || i32(done.TotalProcessed) != rows || i32(done.TotalFailures) != 0 ||
		i32(done.CompletedPieces) != i32(done.TotalPieces) || i32(done.FailedPieces) != 0 {
		t.Fatalf("job after the takeover: %s", mustJSON(t, done))
	}
	// Exactly once: one node completed it, once; one segment version.
	completions := 0
	var finisher string
	for _, nd := range nodes {
		for _, line := range strings.Split(nd.log.String(), "\n") {
			if strings.Contains(line, "import job completed") && strings.Contains(line, jobID) {
				completions++
				finisher = nd.name
			}
		}
	}
	if completions != 1 || finisher == runner.name {
		t.Errorf("the job was completed %d times (last by node %s; node %s died)", completions, finisher, runner.name)
	}
	// Resumed where the dead node left it, not started again; and the dead
	// node paused it (the database was gone), it did not fail it.
	for _, nd := range nodes {
		if nd.name != finisher {
			continue
		}
		resumed := false
		for _, line := range strings.Split(nd.log.String(), "\n") {
			if strings.Contains(line, "import job runs") && strings.Contains(line, jobID) && strings.Contains(line, "status=PROCESSING") {
				resumed = true
			}
		}
		if !resumed {
			t.Errorf("node %s did not resume the job in PROCESSING; its log:\n%s", finisher, nd.log.String())
		}
	}
	if strings.Contains(runner.log.String(), "import job failed") {
		t.Errorf("the dying node failed the job; its log:\n%s", runner.log.String())
	}
	segs, _, err := direct.ListSegments(ctx, app, inapp.Page{})
	if err != nil || len(segs) != 1 || segs[0].Version != 1 || segs[0].ImportDefinition == nil || segs[0].ImportDefinition.Size != rows {
		t.Fatalf("segments after the import: %s (%v)", mustJSON(t, segs), err)
	}
	members, err := direct.CountSegmentMembers(ctx, app, segs[0].ID)
	if err != nil || members != rows {
		t.Errorf("segment members: %d (%v), want %d", members, err, rows)
	}
	endpoints := 0
	err = direct.ScanEndpoints(ctx, app, func(e *inapp.Endpoint) bool {
		endpoints++
		return true
	})
	if err != nil || endpoints != rows {
		t.Errorf("endpoints: %d (%v), want %d", endpoints, err, rows)
	}
	t.Logf("completed once, by node %s: %d endpoints, %d segment members", finisher, endpoints, members)
}
