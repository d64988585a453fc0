package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a child process the bench started (the server under test or
// the bare baseline handler).
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	log     *os.File
	done    chan struct{}
	waitErr error
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// start runs bin with args and env, its output going to logPath.
func startProcess(name, bin string, args, env []string, logPath string) (*process, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout = f
	cmd.Stderr = f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, log: f, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends the process: SIGTERM (graceful) and up to 15 s, else SIGKILL.
func (p *process) stop() error {
	if p.exited() {
		return p.waitErr
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.waitErr
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within 15 s after SIGTERM; killed", p.name)
	}
}

// kill ends the process with SIGKILL, as a crash would.
func (p *process) kill() {
	if p.exited() {
		return
	}
	p.cmd.Process.Kill()
	<-p.done
}

// tail returns the last lines of the process's log.
func (p *process) tail(n int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitHealthy polls GET url/healthz until it answers 200.
func waitHealthy(ctx context.Context, base string, p *process, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if p != nil && p.exited() {
			return fmt.Errorf("%s exited before it was healthy (%v); its log:\n%s", p.name, p.waitErr, p.tail(20))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s/healthz did not answer 200 within %s (last error: %v)", base, timeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// moduleRoot finds the directory of the inappd module (go env GOMOD).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the inappd module: run from the repository, or give --server-bin")
	}
	return filepath.Dir(mod), nil
}

// buildServer builds cmd/inappd into dir and returns the binary's path.
func buildServer(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "inappd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/inappd")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/inappd in %s: %v\n%s", root, err, out.String())
	}
	return bin, nil
}

// randomKey makes a fresh root key for a server the bench starts.
func randomKey() key {
	b := make([]byte, 30)
	rand.Read(b)
	h := strings.ToUpper(hex.EncodeToString(b))
	return key{ID: "AKIABENCH" + h[:11], Secret: hex.EncodeToString(b)}
}

// envWithout returns os.Environ() without the variables named by prefix.
func envWithout(prefixes ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

// ---- /proc readings of a process ----

// memInfo is a process's memory as /proc/<pid>/status reports it.
type memInfo struct {
	RSS, HWM int64 // bytes
}

func readMem(pid int) (memInfo, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memInfo{}, err
	}
	defer f.Close()
	var m memInfo
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &m.RSS
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &m.HWM
		default:
			continue
		}
		fields := strings.Fields(line)
		if len(fields) >= 2 {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			*dst = kb * 1024
		}
	}
	return m, sc.Err()
}

// ioBytes is what /proc/<pid>/io reports the process wrote to storage
// (write_bytes: what went to the block layer, WAL and checkpoints alike).
func ioBytes(pid int) (written int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, errors.New("no write_bytes in /proc io")
}

// diskWait reports whether a thread of the process is in uninterruptible
// sleep (state D: waiting for the disk, e.g. in fsync) right now.
func diskWait(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return false
	}
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, t.Name()))
		if err != nil {
			continue
		}
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'D' {
			return true
		}
	}
	return false
}

// clockTicks is USER_HZ, 100 on every Linux the bench runs on.
const clockTicks = 100

// cpuTime is the user+system CPU time a process has used.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// machineCPU reads the whole machine's CPU time (/proc/stat, all CPUs):
// other processes on a shared machine show up as busy time that is
// neither the server's nor the bench's.
func machineCPU() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return parseCPULine(line)
}

// cpuTimes is the machine's CPU time since boot that was not idle.
type cpuTimes struct {
	// busy is what the machine's own processes and interrupts ran.
	busy time.Duration
	// steal is what the hypervisor gave to other guests while this
	// machine had work to run: on a shared virtual machine it is
	// capacity the benchmark asked for and did not get, so every rate
	// of a run with much of it is low.
	steal time.Duration
}

// parseCPULine reads the "cpu" line of /proc/stat: user, nice, system,
// idle, iowait, irq, softirq, steal, then guest times that user time
// already counts.
func parseCPULine(line string) cpuTimes {
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return cpuTimes{}
	}
	var busy, steal int64
	for i, v := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseInt(v, 10, 64)
		switch i {
		case 3, 4: // idle, iowait
		case 7:
			steal = n
		default:
			busy += n
		}
	}
	tick := func(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }
	return cpuTimes{busy: tick(busy), steal: tick(steal)}
}

// selfCPU is the bench process's own CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watcher follows the server processes' memory and CPU while a scenario
// runs (with several nodes, their sums).
type watcher struct {
	pids     []int
	stop     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	peakRSS  int64
	cpu0     time.Duration
	self0    time.Duration
	machine0 cpuTimes
	io0      int64
	samples  int
	dsamples int // samples with a thread in disk wait
	start    time.Time
	cpuErr   error
	disabled bool
}

// watch starts sampling the RSS of pids every 100 ms (no pid, or 0: no
// process to watch; only the bench's own CPU is measured).
func watch(pids ...int) *watcher {
	w := &watcher{stop: make(chan struct{}), start: time.Now(), self0: selfCPU()}
	for _, pid := range pids {
		if pid != 0 {
			w.pids = append(w.pids, pid)
		}
	}
	w.machine0 = machineCPU()
	if len(w.pids) == 0 {
		w.disabled = true
		return w
	}
	w.cpu0, w.cpuErr = w.cpuTime()
	w.io0, _ = w.ioBytes()
	w.sample()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w
}

func (w *watcher) cpuTime() (time.Duration, error) {
	var sum time.Duration
	for _, pid := range w.pids {
		t, err := cpuTime(pid)
		if err != nil {
			return 0, err
		}
		sum += t
	}
	return sum, nil
}

func (w *watcher) ioBytes() (int64, error) {
	var sum int64
	for _, pid := range w.pids {
		n, err := ioBytes(pid)
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
}

func (w *watcher) mem() (memInfo, error) {
	var sum memInfo
	for _, pid := range w.pids {
		m, err := readMem(pid)
		if err != nil {
			return memInfo{}, err
		}
		sum.RSS += m.RSS
		sum.HWM += m.HWM
	}
	return sum, nil
}

func (w *watcher) sample() {
	m, err := w.mem()
	if err != nil {
		return
	}
	d := false
	for _, pid := range w.pids {
		d = d || diskWait(pid)
	}
	w.mu.Lock()
	w.peakRSS = max(w.peakRSS, m.RSS)
	w.samples++
	if d {
		w.dsamples++
	}
	w.mu.Unlock()
}

// usage is what a watcher saw.
type usage struct {
	PeakRSS   int64   `json:"peak_rss_bytes,omitempty"`
	HWM       int64   `json:"vm_hwm_bytes,omitempty"`
	ServerCPU float64 `json:"server_cpu_cores,omitempty"` // CPU seconds per second
	ClientCPU float64 `json:"client_cpu_cores"`
	// MachineCPU is the busy time of all CPUs: what is beyond server +
	// bench (+ baseline) was taken by other processes.
	MachineCPU float64 `json:"machine_busy_cores"`
	// StolenCPU is the time the hypervisor ran other guests instead of
	// this machine (cpuTimes.steal), in cores.
	StolenCPU     float64       `json:"stolen_cores"`
	ServerCPUTime time.Duration `json:"-"`
	// DiskWrites is what the server wrote to storage (/proc io
	// write_bytes); DiskWaitShare the share of 100 ms samples in which
	// one of its threads waited for the disk (state D).
	DiskWrites        int64   `json:"server_disk_write_bytes"`
	DiskWaitShare     float64 `json:"server_disk_wait_share"`
	samples, dsamples int

	clientTime, busyTime, stealTime, elapsed time.Duration
}

// combineUsage adds up the usage of several rounds.
func combineUsage(us ...usage) usage {
	var c usage
	for _, u := range us {
		c.PeakRSS = max(c.PeakRSS, u.PeakRSS)
		c.HWM = max(c.HWM, u.HWM)
		c.ServerCPUTime += u.ServerCPUTime
		c.clientTime += u.clientTime
		c.busyTime += u.busyTime
		c.stealTime += u.stealTime
		c.elapsed += u.elapsed
		c.DiskWrites += u.DiskWrites
		c.samples += u.samples
		c.dsamples += u.dsamples
	}
	if c.samples > 0 {
		c.DiskWaitShare = float64(c.dsamples) / float64(c.samples)
	}
	if s := c.elapsed.Seconds(); s > 0 {
		c.ServerCPU = c.ServerCPUTime.Seconds() / s
		c.ClientCPU = c.clientTime.Seconds() / s
		c.MachineCPU = c.busyTime.Seconds() / s
		c.StolenCPU = c.stealTime.Seconds() / s
	}
	return c
}

func (w *watcher) finish() usage {
	el := time.Since(w.start)
	elapsed := el.Seconds()
	m := machineCPU()
	u := usage{clientTime: selfCPU() - w.self0, busyTime: m.busy - w.machine0.busy, stealTime: m.steal - w.machine0.steal, elapsed: el}
	u.ClientCPU = u.clientTime.Seconds() / elapsed
	u.MachineCPU = u.busyTime.Seconds() / elapsed
	u.StolenCPU = u.stealTime.Seconds() / elapsed
	if w.disabled {
		return u
	}
	close(w.stop)
	w.wg.Wait()
	w.sample()
	if cpu, err := w.cpuTime(); err == nil && w.cpuErr == nil {
		u.ServerCPUTime = cpu - w.cpu0
		u.ServerCPU = u.ServerCPUTime.Seconds() / elapsed
	}
	if m, err := w.mem(); err == nil {
		u.HWM = m.HWM
	}
	if n, err := w.ioBytes(); err == nil {
		u.DiskWrites = n - w.io0
	}
	u.PeakRSS = w.peakRSS
	u.samples, u.dsamples = w.samples, w.dsamples
	if w.samples > 0 {
		u.DiskWaitShare = float64(w.dsamples) / float64(w.samples)
	}
	return u
}
