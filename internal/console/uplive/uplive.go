// Package uplive adapts a running `netwright up` to the console's Live.
// It reads the runtime only through what the runtime offers any client:
// the tasks and listeners Start and Reload report, the admin API (GET
// /status for listeners, target health, the mesh's proxies and, in
// netns mode, the flow logs' counts; GET /metrics for the mesh proxies'
// Service Connect metrics and the built-in tasks' calls; PUT and DELETE
// /faults/TASK, with the admin token, for faults), the Cloud Map DNS
// server (each name's SRV answers) and the load balancers' access logs,
// which it tails for the last requests and each ingress flow's requests
// and errors. Calls between services get their rates from the callers'
// proxies where the mesh carries them over HTTP, else from the built-in
// tasks' own count; a `run` command's calls outside the mesh are not
// seen.
package uplive

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/netwright/netwright/internal/console"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/up"
)

// FlowLogsNote is what the console says in place of flows from flow logs.
const FlowLogsNote = "Accepted and rejected connections come from flow logs, which need the network-enforced mode (up --isolation netns); this `up` runs tasks on loopback, where nothing stands between them, so no flows are recorded."

// keep is how many requests are kept for the page.
const keep = 100

// Live is a running design as the console reads it.
type Live struct {
	rt     *up.Runtime
	logDir string
	client *http.Client
	admin  *http.Client

	mu       sync.Mutex
	design   *design.Design
	entries  []up.Entry
	tasks    []up.Task
	offsets  map[string]int64
	requests []console.Request
	seq      uint64
	counts   map[string]console.FlowCount
	faults   map[string]string
}

// New reads rt, whose design is d and whose access logs are written to
// logDir ("" when it writes none).
func New(rt *up.Runtime, d *design.Design, logDir string) *Live {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(rt.CAPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	return &Live{rt: rt, design: d, entries: slices.Clone(rt.Entries), tasks: slices.Clone(rt.Tasks), logDir: logDir, client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		admin: &http.Client{Timeout: 5 * time.Second}, offsets: map[string]int64{}, counts: map[string]console.FlowCount{}, faults: map[string]string{}}
}

// Reloaded tells the adapter the design a reload brought up; call it
// after Reload returns, before the next one (the runtime's Entries and
// Tasks are read then).
func (l *Live) Reloaded(d *design.Design) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.design, l.entries, l.tasks = d, slices.Clone(l.rt.Entries), slices.Clone(l.rt.Tasks)
}

// Client trusts the runtime's CA.
func (l *Live) Client() *http.Client { return l.client }

// adminStatus is GET /status as the admin API serves it.
type adminStatus struct {
	Listeners []struct {
		LoadBalancer string `json:"load_balancer"`
		Scheme       string `json:"scheme"`
		Port         int    `json:"port"`
		Protocol     string `json:"protocol"`
		Addr         string `json:"addr"`
		TargetGroups []struct {
			ID      string `json:"id"`
			Targets []struct {
				ID       string `json:"id"`
				Addr     string `json:"addr"`
				State    string `json:"state"`
				Reason   string `json:"reason"`
				InFlight int64  `json:"in_flight"`
			} `json:"targets"`
		} `json:"target_groups"`
	} `json:"listeners"`
	Isolation string        `json:"isolation"`
	Flows     []up.FlowStat `json:"flows"`
	Mesh      *mesh.Status  `json:"mesh"`
}

// Status reads the admin API and the access logs.
func (l *Live) Status() console.LiveStatus {
	l.tail()
	l.mu.Lock()
	d := l.design
	st := console.LiveStatus{Entries: []console.Entry{}, Listeners: []console.Listener{}, Tasks: []console.Task{}, Counts: map[string]console.FlowCount{},
		CloudMap: []console.CloudMapAnswer{}, Semantics: map[string][]string{}, FlowLogsNote: FlowLogsNote}
	for k, v := range l.counts {
		st.Counts[k] = v
	}
	faults := maps(l.faults)
	entries, tasks := l.entries, l.tasks
	l.mu.Unlock()
	for _, e := range entries {
		st.Entries = append(st.Entries, console.Entry{Key: e.Key, LoadBalancer: e.LoadBalancer, Scheme: e.Scheme, Protocol: e.Protocol, Port: e.Port, Addr: e.Addr})
	}
	health := map[string]string{} // target address -> worst state
	var as adminStatus
	if resp, err := l.admin.Get("http://" + l.rt.AdminAddr + "/status"); err == nil {
		json.NewDecoder(resp.Body).Decode(&as)
		resp.Body.Close()
	}
	for _, ls := range as.Listeners {
		cl := console.Listener{LoadBalancer: ls.LoadBalancer, Port: ls.Port, Protocol: ls.Protocol, Addr: ls.Addr, TargetGroups: []console.TargetGroup{}}
		for _, g := range ls.TargetGroups {
			tg := console.TargetGroup{ID: g.ID, Targets: []console.Target{}}
			if d != nil {
				if t := d.TargetGroup(g.ID); t != nil {
					tg.Service = t.Service
				}
			}
			for _, t := range g.Targets {
				tg.Targets = append(tg.Targets, console.Target{Addr: t.Addr, Health: t.State, Reason: t.Reason, InFlight: t.InFlight})
				if rank(t.State) > rank(health[t.Addr]) {
					health[t.Addr] = t.State
				}
			}
			cl.TargetGroups = append(cl.TargetGroups, tg)
		}
		st.Listeners = append(st.Listeners, cl)
	}
	for _, t := range tasks {
		ct := console.Task{Service: t.Service, ID: t.ID, Addr: t.Addr, Health: health[t.Addr], Faults: faults[t.ID]}
		if d != nil {
			if s := d.Service(t.Service); s != nil {
				ct.Builtin = s.Run == "" && s.Kind == design.KindService
				ct.Subnet = subnetOf(s, d, t.Addr)
			}
		}
		st.Tasks = append(st.Tasks, ct)
	}
	if d != nil {
		l.serviceCounts(d, st.Counts)
		st.CloudMap = l.cloudMap(d)
	}
	st.Semantics = semantics(as.Mesh)
	if as.Isolation == up.IsolationNetns {
		st.FlowLogs, st.FlowLogsNote = true, ""
		st.FlowStats = flowStats(as.Flows, tasks)
	}
	return st
}

// serviceCounts adds the calls between services to counts (by design
// flow ID): from the callers' mesh proxies' metrics where the mesh
// carries a flow over HTTP (RequestCountPerTarget, answers after
// retries; HTTPCode_Target_5XX_Count), else from the built-in tasks' own
// count of their calls (netwright_task_calls_total), read from the admin
// API's /metrics.
func (l *Live) serviceCounts(d *design.Design, counts map[string]console.FlowCount) {
	resp, err := l.admin.Get("http://" + l.rt.AdminAddr + "/metrics")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return
	}
	type pair struct{ from, to string }
	meshed, direct := map[pair]*console.FlowCount{}, map[pair]*console.FlowCount{}
	add := func(into map[pair]*console.FlowCount, name, from, to string, errs func(map[string]string) bool) {
		f := fams[name]
		if f == nil {
			return
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			k := pair{labels[from], labels[to]}
			c := into[k]
			if c == nil {
				c = &console.FlowCount{}
				into[k] = c
			}
			v := uint64(m.GetCounter().GetValue())
			if errs == nil {
				c.Requests += v
			} else if errs(labels) {
				c.Errors += v
			}
		}
	}
	add(meshed, "RequestCountPerTarget", "ServiceName", "TargetDiscoveryName", nil)
	add(meshed, "HTTPCode_Target_5XX_Count", "ServiceName", "TargetDiscoveryName", func(map[string]string) bool { return true })
	add(direct, "netwright_task_calls_total", "service", "target", nil)
	add(direct, "netwright_task_calls_total", "service", "target", func(l map[string]string) bool { return l["result"] == "error" })
	for _, f := range d.Flows {
		if f.Kind != design.FlowService {
			continue
		}
		k := pair{f.From, f.To}
		if c := meshed[k]; c != nil && c.Requests > 0 {
			counts[f.ID] = *c
		} else if c := direct[k]; c != nil {
			counts[f.ID] = *c
		}
	}
}

// cloudMap asks the runtime's Cloud Map DNS server, as any client would,
// for each discovery name's SRV records: the tasks it answers with now.
func (l *Live) cloudMap(d *design.Design) []console.CloudMapAnswer {
	out := []console.CloudMapAnswer{}
	c := &dns.Client{Timeout: time.Second}
	for _, ns := range d.Namespaces {
		if ns.Type != design.NamespaceDNSPrivate {
			continue
		}
		for _, s := range ns.Services {
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(s.DNSName), dns.TypeSRV)
			in, _, err := c.Exchange(m, l.rt.DNSAddr)
			a := console.CloudMapAnswer{Service: s.Service, Name: s.DNSName, Answers: []string{}}
			if err != nil {
				a.Answers = append(a.Answers, "no answer: "+err.Error())
				out = append(out, a)
				continue
			}
			addrs := map[string]string{}
			for _, x := range in.Extra {
				if r, ok := x.(*dns.A); ok {
					addrs[r.Hdr.Name] = r.A.String()
				}
			}
			for _, x := range in.Answer {
				if r, ok := x.(*dns.SRV); ok {
					a.Answers = append(a.Answers, net.JoinHostPort(cmp.Or(addrs[r.Target], r.Target), strconv.Itoa(int(r.Port))))
				}
			}
			if len(a.Answers) == 0 {
				a.Answers = append(a.Answers, dns.RcodeToString[in.Rcode]+": no healthy task")
			}
			slices.Sort(a.Answers)
			out = append(out, a)
		}
	}
	return out
}

// semantics says, for each service whose tasks run a mesh proxy, which
// semantics run and what its proxies see, from the admin API's status.
func semantics(st *mesh.Status) map[string][]string {
	out := map[string][]string{}
	if st == nil {
		return out
	}
	type seen struct {
		proxies                       int
		tls, identity                 string
		available, ejected, unhealthy map[string]int
	}
	by := map[string]*seen{}
	var order []string
	for _, p := range st.Proxies {
		s := by[p.Service]
		if s == nil {
			s = &seen{available: map[string]int{}, ejected: map[string]int{}, unhealthy: map[string]int{}}
			by[p.Service] = s
			order = append(order, p.Service)
		}
		s.proxies++
		s.tls, s.identity = cmp.Or(s.tls, p.TLS), cmp.Or(s.identity, p.Identity)
		for _, u := range p.Egress {
			for _, t := range u.Targets {
				switch t.State {
				case "ejected":
					s.ejected[u.Service]++
				case "unhealthy":
					s.unhealthy[u.Service]++
				default:
					s.available[u.Service]++
				}
			}
		}
	}
	general := st.Semantics
	if len(st.Notes) > 0 {
		general += ": " + st.Notes[0]
	}
	for _, svc := range order {
		s := by[svc]
		lines := []string{general, fmt.Sprintf("%d task proxies; calls to it: %s", s.proxies, cmp.Or(s.tls, "not through the mesh"))}
		if s.identity != "" {
			lines = append(lines, "identity "+s.identity)
		}
		deps := slices.Sorted(func(yield func(string) bool) {
			for k := range s.available {
				if !yield(k) {
					return
				}
			}
			for k := range s.ejected {
				if _, ok := s.available[k]; !ok && !yield(k) {
					return
				}
			}
		})
		for _, dep := range slices.Compact(deps) {
			lines = append(lines, fmt.Sprintf("to %s, as its proxies see the targets: %d available, %d ejected, %d unhealthy", dep, s.available[dep], s.ejected[dep], s.unhealthy[dep]))
		}
		out[svc] = lines
	}
	return out
}

// flowStats names the ends of the flow logs' counts by task.
func flowStats(fs []up.FlowStat, tasks []up.Task) []console.FlowStat {
	names := map[string]string{}
	for _, t := range tasks {
		if host, _, err := net.SplitHostPort(t.Addr); err == nil {
			names[host] = t.ID
		}
	}
	out := []console.FlowStat{}
	for _, f := range fs {
		proto := strconv.Itoa(f.Protocol)
		switch f.Protocol {
		case 6:
			proto = "tcp"
		case 17:
			proto = "udp"
		case 1:
			proto = "icmp"
		}
		out = append(out, console.FlowStat{Interface: f.Interface, Owner: f.Owner, Direction: f.Direction, Src: f.Src.String(), Dst: f.Dst.String(),
			SrcName: names[f.Src.String()], DstName: names[f.Dst.String()], Port: f.DstPort, Protocol: proto, Accepted: f.Accepted, Rejected: f.Rejected})
	}
	return out
}

// rank orders target states, worst last, so a task in two groups shows
// its worst.
func rank(s string) int {
	return slices.Index([]string{"", "unused", "draining", "initial", "healthy", "unhealthy"}, s)
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// subnetOf finds the subnet a task runs in: its loopback address is the
// twin of an address in the subnet (10.1.2.4 runs as 127.1.2.4).
func subnetOf(s *design.Service, d *design.Design, addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is4() {
		return ""
	}
	b := a.As4()
	for _, p := range s.Placements {
		for _, id := range p.Subnets {
			if _, sn := d.Subnet(id); sn != nil && sn.CIDR.Addr().Is4() {
				twin := sn.CIDR.Addr().As4()
				twin[1], twin[2], twin[3] = b[1], b[2], b[3]
				if sn.CIDR.Contains(netip.AddrFrom4(twin)) {
					return id
				}
			}
		}
	}
	return ""
}

// Requests returns the requests after seq after.
func (l *Live) Requests(after uint64) []console.Request {
	l.tail()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []console.Request
	for _, r := range l.requests {
		if r.Seq > after {
			out = append(out, r)
		}
	}
	return out
}

// tail reads what the access logs gained since the last read.
func (l *Live) tail() {
	if l.logDir == "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(l.logDir, "*.log"))
	slices.Sort(files)
	for _, f := range files {
		l.mu.Lock()
		off := l.offsets[f]
		l.mu.Unlock()
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		if _, err := fh.Seek(off, io.SeekStart); err != nil {
			fh.Close()
			continue
		}
		data, _ := io.ReadAll(io.LimitReader(fh, 4<<20))
		fh.Close()
		// Only whole lines; a line being written waits for the next read.
		end := bytes.LastIndexByte(data, '\n')
		if end < 0 {
			continue
		}
		l.mu.Lock()
		l.offsets[f] = off + int64(end) + 1
		sc := bufio.NewScanner(bytes.NewReader(data[:end+1]))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if r, ok := parseLine(sc.Text()); ok {
				l.seq++
				r.Seq = l.seq
				l.requests = append(l.requests, r)
				l.count(r)
			}
		}
		if n := len(l.requests); n > keep {
			l.requests = slices.Clone(l.requests[n-keep:])
		}
		l.mu.Unlock()
	}
}

// count adds a request to the ingress flow it belongs to: the flow from
// the internet to the service whose task answered. Called with mu held.
func (l *Live) count(r console.Request) {
	d := l.design
	if d == nil || r.Target == "" {
		return
	}
	svc := ""
	for _, t := range l.tasks {
		if t.Addr == r.Target {
			svc = t.Service
		}
	}
	for _, f := range d.Flows {
		if f.Kind == design.FlowIngress && f.To == svc {
			c := l.counts[f.ID]
			c.Requests++
			if r.Status >= 500 {
				c.Errors++
			}
			l.counts[f.ID] = c
		}
	}
}

// parseLine reads an access-log line in ALB's format.
func parseLine(line string) (console.Request, bool) {
	f := fields(line)
	if len(f) < 18 {
		return console.Request{}, false
	}
	var r console.Request
	t, err := time.Parse(time.RFC3339Nano, f[1])
	if err != nil {
		return r, false
	}
	r.Time = t
	if p := strings.Split(f[2], "/"); len(p) >= 2 {
		r.LoadBalancer = p[1]
	}
	if f[4] != "-" {
		r.Target = f[4]
	}
	r.Status, _ = strconv.Atoi(f[8])
	for _, i := range []int{5, 6, 7} {
		if v, err := strconv.ParseFloat(f[i], 64); err == nil && v > 0 {
			r.MS += v * 1000
		}
	}
	if req := strings.SplitN(f[12], " ", 3); len(req) >= 2 {
		r.Method = req[0]
		if i := strings.Index(req[1], "://"); i >= 0 {
			rest := req[1][i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				r.Path = rest[j:]
			}
		}
	}
	r.TraceID = f[17]
	return r, true
}

// fields splits a log line on spaces, a quoted field whole.
func fields(line string) []string {
	var out []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimLeft(line, " ") {
		if line[0] == '"' {
			end := strings.IndexByte(line[1:], '"')
			if end < 0 {
				return append(out, line[1:])
			}
			out = append(out, line[1:end+1])
			line = line[end+2:]
			continue
		}
		end := strings.IndexByte(line, ' ')
		if end < 0 {
			return append(out, line)
		}
		out = append(out, line[:end])
		line = line[end:]
	}
	return out
}

// SetFaults puts a task's faults through the admin API.
func (l *Live) SetFaults(task string, f console.Faults) error {
	body, _ := json.Marshal(map[string]any{"error_rate": f.ErrorRate, "latency_ms": f.LatencyMS, "fail_health": f.FailHealth, "health_checks": f.HealthChecks})
	if err := l.adminCall(http.MethodPut, task, body); err != nil {
		return err
	}
	var parts []string
	if f.ErrorRate > 0 {
		parts = append(parts, fmt.Sprintf("%.0f%% errors", f.ErrorRate*100))
	}
	if f.LatencyMS > 0 {
		parts = append(parts, fmt.Sprintf("+%d ms", f.LatencyMS))
	}
	if f.FailHealth {
		parts = append(parts, "failing health checks")
	}
	if len(parts) == 0 {
		parts = []string{"no effect"}
	}
	l.mu.Lock()
	l.faults[task] = strings.Join(parts, ", ")
	l.mu.Unlock()
	return nil
}

// ClearFaults removes a task's faults through the admin API.
func (l *Live) ClearFaults(task string) error {
	if err := l.adminCall(http.MethodDelete, task, nil); err != nil {
		return err
	}
	l.mu.Lock()
	delete(l.faults, task)
	l.mu.Unlock()
	return nil
}

func (l *Live) adminCall(method, task string, body []byte) error {
	if task == "" || strings.ContainsAny(task, "/?#") {
		return errors.New("no task named")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+l.rt.AdminAddr+"/faults/"+task, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set(up.TokenHeader, l.rt.Token)
	resp, err := l.admin.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s", strings.TrimSpace(string(msg)))
	}
	return nil
}
