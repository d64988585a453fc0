package main

// The load loops: closed loop (N workers, each sending its next request as
// soon as the last one is answered: the maximum rate) and open loop (a
// fixed-rate schedule: latency is measured from the moment a request was
// due, so a slow server cannot hide its queueing by slowing the client
// down: no coordinated omission).

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// worker is one load goroutine: its own signer (like a device), random
// source and read buffer.
type worker struct {
	id     int
	client *http.Client
	signer *signer
	r      *rand.Rand
	buf    bytes.Buffer
}

// outcome is what one request gave.
type outcome struct {
	start, end time.Time // around client.Do and reading the body
	status     int       // 0: transport error
	err        error     // the transport error, if any
	bytes      int       // answer body size
	units      int       // GetInAppMessages: messages in the answer; PutEvents: events acknowledged
}

// doer sends one request.
type doer func(w *worker) outcome

// readBody reads resp's body into w.buf and closes it.
func (w *worker) readBody(resp *http.Response) ([]byte, error) {
	w.buf.Reset()
	_, err := w.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return w.buf.Bytes(), err
}

// sample collects one worker's outcomes.
type sample struct {
	lat      []time.Duration
	sec      []int32 // the second of the run each request was sent (or due) in
	ok       int
	statuses map[int]int // non-2xx statuses (0: transport error)
	firstErr string      // the worker's first transport error
	bytes    int64
	units    int64
	full     int // units == fullUnits
	empty    int // units == 0, on success
}

func (s *sample) add(o outcome, lat time.Duration, fullUnits int, sec int) {
	s.lat = append(s.lat, lat)
	s.sec = append(s.sec, int32(sec))
	if o.status >= 200 && o.status <= 299 {
		s.ok++
		s.bytes += int64(o.bytes)
		s.units += int64(o.units)
		if o.units == fullUnits {
			s.full++
		}
		if o.units == 0 {
			s.empty++
		}
		return
	}
	if s.statuses == nil {
		s.statuses = map[int]int{}
	}
	s.statuses[o.status]++
	if o.err != nil && s.firstErr == "" {
		s.firstErr = o.err.Error()
	}
}

// loadResult is a scenario's figures.
type loadResult struct {
	Name        string      `json:"name"`
	Mode        string      `json:"mode"` // closed or open
	Concurrency int         `json:"concurrency"`
	TargetRate  float64     `json:"target_rate,omitempty"`
	Seconds     float64     `json:"seconds"`
	Requests    int         `json:"requests"`
	OK          int         `json:"ok"`
	Errors      int         `json:"errors"`
	Statuses    map[int]int `json:"error_statuses,omitempty"`
	// TransportError is one of the errors behind status 0 (no answer):
	// what to look at first when there are any.
	TransportError string  `json:"transport_error,omitempty"`
	RPS            float64 `json:"requests_per_second"`
	P50            float64 `json:"p50_ms"`
	P90            float64 `json:"p90_ms"`
	P99            float64 `json:"p99_ms"`
	P999           float64 `json:"p999_ms"`
	Max            float64 `json:"max_ms"`
	MeanBytes      float64 `json:"mean_answer_bytes"`
	MeanUnits      float64 `json:"mean_units"`
	UnitsPerSec    float64 `json:"units_per_second"`
	ShareFull      float64 `json:"share_full"`
	ShareEmpty     float64 `json:"share_empty"`
	Rounds         int     `json:"rounds"`
	// Timeline is p99 and max latency second by second (rounds one
	// after the other): where a stall was.
	Timeline    []second       `json:"timeline,omitempty"`
	WorstP99    float64        `json:"worst_second_p99_ms"`
	Usage       usage          `json:"usage"`
	ServerCPUus float64        `json:"server_cpu_us_per_request,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`

	samples []*sample
	elapsed time.Duration
}

// second is one second of a run.
type second struct {
	Requests int     `json:"n"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// timeline computes the per-second figures of samples.
func timeline(samples []*sample) []second {
	var by [][]time.Duration
	for _, s := range samples {
		for i, sec := range s.sec {
			for int(sec) >= len(by) {
				by = append(by, nil)
			}
			by[sec] = append(by[sec], s.lat[i])
		}
	}
	out := make([]second, len(by))
	for i, lat := range by {
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		out[i] = second{Requests: len(lat), P99: ms(lat[int(0.99*float64(len(lat)-1))]), Max: ms(lat[len(lat)-1])}
	}
	return out
}

func (res *loadResult) setTimeline(t []second) {
	res.Timeline, res.WorstP99 = t, 0
	for _, s := range t {
		if s.Requests >= 20 { // a p99 of fewer is just the max
			res.WorstP99 = max(res.WorstP99, s.P99)
		}
	}
}

// combine merges the rounds of one scenario (run in turns with the
// baseline's) into one result.
func combine(rs ...*loadResult) *loadResult {
	if len(rs) == 0 {
		return nil
	}
	var samples []*sample
	var elapsed time.Duration
	var us []usage
	for _, r := range rs {
		samples = append(samples, r.samples...)
		elapsed += r.elapsed
		us = append(us, r.Usage)
	}
	res := merge(rs[0].Name, rs[0].Mode, rs[0].Concurrency, elapsed, samples)
	res.TargetRate = rs[0].TargetRate
	res.Rounds = len(rs)
	var t []second
	for _, r := range rs {
		t = append(t, r.Timeline...)
	}
	res.setTimeline(t)
	res.Usage = combineUsage(us...)
	res.cpuPerRequest()
	return res
}

func (res *loadResult) cpuPerRequest() {
	if res.Requests > 0 && res.Usage.ServerCPUTime > 0 {
		res.ServerCPUus = float64(res.Usage.ServerCPUTime.Microseconds()) / float64(res.Requests)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// merge turns the workers' samples into figures.
func merge(name, mode string, conc int, elapsed time.Duration, samples []*sample) *loadResult {
	res := &loadResult{Name: name, Mode: mode, Concurrency: conc, Seconds: elapsed.Seconds(), Rounds: 1, samples: samples, elapsed: elapsed}
	var lat []time.Duration
	var units int64
	var bytes int64
	full, empty := 0, 0
	for _, s := range samples {
		lat = append(lat, s.lat...)
		res.OK += s.ok
		bytes += s.bytes
		units += s.units
		full += s.full
		empty += s.empty
		for st, n := range s.statuses {
			if res.Statuses == nil {
				res.Statuses = map[int]int{}
			}
			res.Statuses[st] += n
			res.Errors += n
		}
		if res.TransportError == "" {
			res.TransportError = s.firstErr
		}
	}
	res.Requests = len(lat)
	if res.Requests == 0 {
		return res
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		i := int(p * float64(len(lat)-1))
		return ms(lat[i])
	}
	res.P50, res.P90, res.P99, res.P999, res.Max = q(0.50), q(0.90), q(0.99), q(0.999), ms(lat[len(lat)-1])
	res.RPS = float64(res.Requests) / elapsed.Seconds()
	if res.OK > 0 {
		res.MeanBytes = float64(bytes) / float64(res.OK)
		res.MeanUnits = float64(units) / float64(res.OK)
		res.ShareFull = float64(full) / float64(res.OK)
		res.ShareEmpty = float64(empty) / float64(res.OK)
	}
	res.UnitsPerSec = float64(units) / elapsed.Seconds()
	res.setTimeline(timeline(samples))
	return res
}

// loop holds what every run of a load loop shares.
type loop struct {
	client    *http.Client
	key       key
	seed      uint64
	fullUnits int // the value of units counted as "full" (10 messages)
}

func (l *loop) workers(n int) []*worker {
	ws := make([]*worker, n)
	for i := range ws {
		ws[i] = &worker{id: i, client: l.client, signer: newSigner(l.key), r: rand.New(rand.NewPCG(l.seed, uint64(i)*7919+uint64(time.Now().UnixNano())))}
	}
	return ws
}

// closed runs conc workers back to back for d.
// pids are the server processes to watch (0: none).
func (l *loop) closed(name string, conc int, d time.Duration, do doer, pids ...int) *loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return l.closedUntil(ctx, name, conc, do, pids...)
}

// closedUntil runs conc workers back to back until ctx ends: a load in
// the background of another measurement.
func (l *loop) closedUntil(ctx context.Context, name string, conc int, do doer, pids ...int) *loadResult {
	ws := l.workers(conc)
	samples := make([]*sample, conc)
	var stop atomic.Bool
	var wg sync.WaitGroup
	w := watch(pids...)
	start := time.Now()
	for i, wk := range ws {
		s := &sample{lat: make([]time.Duration, 0, 4096)}
		samples[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				o := do(wk)
				s.add(o, o.end.Sub(o.start), l.fullUnits, int(o.start.Sub(start)/time.Second))
			}
		}()
	}
	<-ctx.Done()
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	res := merge(name, "closed", conc, elapsed, samples)
	res.Usage = w.finish()
	res.cpuPerRequest()
	return res
}

// open sends rate requests per second for d, on conc workers; latency runs
// from the moment each request was due.
func (l *loop) open(ctx context.Context, name string, rate float64, conc int, d time.Duration, do doer, pids ...int) *loadResult {
	ws := l.workers(conc)
	samples := make([]*sample, conc)
	due := make(chan time.Time, conc*64)
	var wg sync.WaitGroup
	w := watch(pids...)
	start := time.Now()
	for i, wk := range ws {
		s := &sample{lat: make([]time.Duration, 0, 4096)}
		samples[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range due {
				o := do(wk)
				s.add(o, o.end.Sub(t), l.fullUnits, int(t.Sub(start)/time.Second))
			}
		}()
	}
	interval := time.Duration(float64(time.Second) / rate)
	n := int(d / interval)
schedule:
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(i) * interval)
		if wait := time.Until(t); wait > 200*time.Microsecond {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				break schedule
			}
		}
		select {
		case due <- t:
		case <-ctx.Done():
			break schedule
		}
	}
	close(due)
	wg.Wait()
	elapsed := time.Since(start)
	res := merge(name, "open", conc, elapsed, samples)
	res.TargetRate = rate
	res.Usage = w.finish()
	res.cpuPerRequest()
	return res
}

// ---- GetInAppMessages ----

var campaignIDKey = []byte(`"CampaignId"`)

// giam asks for the in-app messages of random endpoints in [0, n) of app,
// at bases (the servers, or the bare baseline that answers any path): a
// worker keeps to one of them (bases[id % len]), as a connection does
// behind a load balancer.
func giam(bases []string, appID string, n int) doer {
	prefixes := make([]string, len(bases))
	for i, base := range bases {
		prefixes[i] = base + "/v1/apps/" + appID + "/endpoints/"
	}
	return func(w *worker) outcome {
		url := prefixes[w.id%len(prefixes)] + endpointID(w.r.IntN(n)) + "/inappmessages"
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			panic(err)
		}
		if err := w.signer.sign(req, emptyPayloadHash); err != nil {
			panic(err)
		}
		o := outcome{start: time.Now()}
		resp, err := w.client.Do(req)
		if err != nil {
			o.end, o.err = time.Now(), err
			return o
		}
		body, err := w.readBody(resp)
		o.end = time.Now()
		if err != nil {
			o.err = err
			return o
		}
		o.status, o.bytes = resp.StatusCode, len(body)
		o.units = bytes.Count(body, campaignIDKey)
		return o
	}
}
