#!/usr/bin/env bash
# Measures netwright up's data plane beside HAProxy 2.6 and nginx 1.22 on
# this machine, with the same backends (bench/backend, four of them, one
# thread each), upstream keep-alive on, access logs off, and health checks
# every 30 s where the proxy has them (open-source nginx has only passive
# checks), in two configurations, one after the other:
#   - threads=1: every proxy on one thread (GOMAXPROCS=1, HAProxy
#     nbthread 1, nginx worker_processes 1), wrk -t1;
#   - threads=N (the machine's cores): each on its defaults for N cores
#     (netwright with GOMAXPROCS unset, HAProxy nbthread N, nginx
#     worker_processes N), wrk -tN, as a new user would run them.
# In each:
#   - L7 HTTP: wrk at saturation (closed loop, 64 connections) through
#     netwright's internal ALB listener (least outstanding requests),
#     HAProxy leastconn and nginx least_conn; then bench/loadgen (an open
#     loop) at one common rate, half HAProxy's saturation, for p50/p99;
#   - L7 HTTPS (TLS 1.3, keep-alive): netwright's HTTPS listener and
#     HAProxy with TLS, the same way;
#   - L4: wrk through netwright's NLB TCP listener and HAProxy mode tcp;
#   - access logs: netwright's ALB with --access-logs on and off, each
#     round restarting `up` (one `up` at a time owns the tasks' addresses);
#   - DNS: dnsperf against netwright's Cloud Map DNS server.
# Every saturation measurement is taken ROUNDS times (default 3) with the
# peers alternating within each round; the median is reported, and
# netwright's ratio to HAProxy in each round (the machine's load moves
# between rounds, less within one).
# ONLY=l7|tls|l4|logs runs that saturation pair alone (with its ratios),
# for a closer look; CONFIGS="1 2" picks the configurations.
# ONLY=cpu shows where the CPU goes per request through the HTTP pair:
# each proxy's own (user and all), its context switches, wrk's CPU and waits (how often it slept for an answer), and the
# machine's, with the share of time the machine was idle.
# ONLY=ab BASE=REV measures what a change gained: netwright built from the
# commit REV and from the working tree take turns (`up` restarted for each
# run), through the internal ALB (HTTP) and the HTTPS listener, with the
# working tree's ratio to REV's in each round; access logs are off unless
# AB_LOGS=true.
# Usage: bash bench/gateway.sh   (from the repository root; installs the
# peers with apt-get when they are missing, so it wants root)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
ONLY=${ONLY:-}
DURATION=${DURATION:-10}
CONFIGS=${CONFIGS:-"1 $(nproc)"}
tmp=$(mktemp -d)
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  rm -rf "$tmp"
}
trap cleanup EXIT

need=()
for c in haproxy:haproxy nginx:nginx-light wrk:wrk dnsperf:dnsperf openssl:openssl; do
  command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  # Debian starts the packaged services; the benchmark runs its own.
  service nginx stop >/dev/null 2>&1 || true
  service haproxy stop >/dev/null 2>&1 || true
fi

go build -o "$tmp/netwright" ./cmd/netwright
if [ "$ONLY" = ab ]; then
  [ -n "${BASE:-}" ] || { echo "ONLY=ab needs BASE=REV, the commit to compare with" >&2; exit 2; }
  mkdir "$tmp/base"
  git archive "$BASE" | tar -x -C "$tmp/base"
  (cd "$tmp/base" && go build -o "$tmp/netwright-base" ./cmd/netwright)
  echo "ab: $(git rev-parse --short "$BASE") against the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with changes'))"
fi
go build -o "$tmp/backend" ./bench/backend
go build -o "$tmp/loadgen" ./bench/loadgen
# HAProxy's TLS certificate (netwright's comes from its own local CA).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.example.com \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/haproxy.pem"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r), $(go version | cut -d' ' -f3)"
echo "peers: $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(dnsperf -h 2>&1 | grep -m1 -o 'DNSPerf version [0-9.]*' || echo dnsperf), $(openssl version | cut -d' ' -f1-2)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

start() { # name, command...
  local name=$1; shift
  "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
}
wait_port() {
  for _ in $(seq 200); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2; tail -n 5 "$tmp"/*.log >&2; exit 1
}
# up_netwright starts `netwright up` for threads ($1) with access logs
# on or off ($2), from the binary $3 (the working tree's when absent); its
# pid is in $up_pid.
up_netwright() {
  local env=(NETWRIGHT_BENCH_BACKEND="$tmp/backend")
  [ "$1" = 1 ] && env+=(GOMAXPROCS=1)
  rm -rf "$tmp/state"
  env "${env[@]}" "${3:-$tmp/netwright}" up --access-logs="$2" --isolation loopback --mesh off --watch=false \
    --port-offset 10000 --dns 127.0.0.1:18600 --admin 127.0.0.1:18901 --state-dir "$tmp/state" bench/gateway.yaml \
    >"$tmp/netwright.log" 2>&1 &
  up_pid=$!
  for p in 19000 10443 17000; do wait_port "$p"; done
  sleep 1 # the first round of health checks
}
stop_netwright() {
  kill "$up_pid" 2>/dev/null || true
  wait "$up_pid" 2>/dev/null || true
}

declare -A url=([netwright]=http://127.0.0.1:19000/ [haproxy]=http://127.0.0.1:28080/ [nginx]=http://127.0.0.1:18080/
  [netwright-tls]=https://127.0.0.1:10443/ [haproxy-tls]=https://127.0.0.1:28443/
  [netwright-l4]=http://127.0.0.1:17000/ [haproxy-l4]=http://127.0.0.1:27000/
  [netwright-logs]=http://127.0.0.1:19000/)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for threads in $CONFIGS; do
  wrk_threads=$threads
  echo
  echo "=== threads=$threads: GOMAXPROCS=$([ "$threads" = 1 ] && echo 1 || echo unset), HAProxy nbthread $threads, nginx worker_processes $threads, wrk -t$wrk_threads -c64"
  # The peers' backends: four, like the design's four api (and web) tasks.
  for i in 1 2 3 4; do GOMAXPROCS=1 start "backend$i" "$tmp/backend" -addr "127.0.0.1:910$i"; done
  cat >"$tmp/haproxy.cfg" <<CFG
global
  nbthread $threads
  maxconn 8000
  ssl-default-bind-options ssl-min-ver TLSv1.3
defaults
  timeout connect 10s
  timeout client 60s
  timeout server 60s
frontend l7
  mode http
  bind 127.0.0.1:28080
  bind 127.0.0.1:28443 ssl crt $tmp/haproxy.pem
  default_backend l7
backend l7
  mode http
  balance leastconn
  http-reuse always
  option httpchk GET /health
  server s1 127.0.0.1:9101 check inter 30s
  server s2 127.0.0.1:9102 check inter 30s
  server s3 127.0.0.1:9103 check inter 30s
  server s4 127.0.0.1:9104 check inter 30s
frontend l4
  mode tcp
  bind 127.0.0.1:27000
  default_backend l4
backend l4
  mode tcp
  balance source
  server s1 127.0.0.1:9101 check inter 30s
  server s2 127.0.0.1:9102 check inter 30s
CFG
  cat >"$tmp/nginx.conf" <<CFG
worker_processes $threads;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log crit;
events { worker_connections 8000; }
http {
  access_log off;
  upstream l7 { least_conn; server 127.0.0.1:9101; server 127.0.0.1:9102; server 127.0.0.1:9103; server 127.0.0.1:9104; keepalive 128; }
  server {
    listen 127.0.0.1:18080 reuseport backlog=4096;
    location / { proxy_pass http://l7; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CFG
  start haproxy haproxy -f "$tmp/haproxy.cfg" -db
  haproxy_pid=${pids[-1]}
  start nginx nginx -c "$tmp/nginx.conf"
  for p in 28080 28443 27000 18080; do wait_port "$p"; done
  up_netwright "$threads" false

  saturate() { # url -> requests/s
    wrk -t"$wrk_threads" -c64 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print int($2)}'
  }
  sat() { cat "$tmp/sat-$threads-$1"; }
  # pair prints one saturation pair: medians, and netwright's ratio per
  # round and the median of those.
  pair() { # netwright name, peer name, label
    local ratios
    ratios=$(paste -d' ' "$tmp/sat-$threads-$1" "$tmp/sat-$threads-$2" | awk '{printf "%.2f\n", $1 / $2}')
    printf "  %-6s %-15s %7d   %-15s %7d   ratio %.2fx (rounds: %s)\n" "$3" "$1" "$(sat "$1" | median)" "$2" "$(sat "$2" | median)" \
      "$(echo "$ratios" | median)" "$(echo "$ratios" | paste -sd' ')"
  }

  case "$ONLY" in
  "") names="netwright haproxy nginx netwright-tls haproxy-tls netwright-l4 haproxy-l4" ;;
  l7) names="netwright haproxy" ;;
  tls) names="netwright-tls haproxy-tls" ;;
  l4) names="netwright-l4 haproxy-l4" ;;
  logs | ab | cpu) names="" ;;
  *) echo "ONLY is l7, tls, l4, logs, ab or cpu" >&2; exit 2 ;;
  esac
  if [ -n "$names" ]; then
    for name in $names; do wrk -t"$wrk_threads" -c64 -d2s "${url[$name]}" >/dev/null; done # warm up
    for round in $(seq "$ROUNDS"); do
      for name in $names; do
        saturate "${url[$name]}" >>"$tmp/sat-$threads-$name"
      done
      echo "  round $round done, load average $(cut -d' ' -f1 /proc/loadavg)"
    done
    echo
    echo "saturation (threads=$threads), wrk -t$wrk_threads -c64 -d${DURATION}s, median of $ROUNDS (requests/s):"
    for name in $names; do
      printf "  %-15s %8d   (runs: %s)\n" "$name" "$(sat "$name" | median)" "$(sat "$name" | paste -sd' ')"
    done
    echo "netwright against HAProxy (same rounds):"
    case " $names " in *" netwright haproxy "*) pair netwright haproxy HTTP ;; esac
    case " $names " in *" netwright-tls haproxy-tls "*) pair netwright-tls haproxy-tls HTTPS ;; esac
    case " $names " in *" netwright-l4 haproxy-l4 "*) pair netwright-l4 haproxy-l4 L4 ;; esac
  fi

  if [ -z "$ONLY" ]; then
    # loadgen runs with as many threads as wrk.
    for proto in http tls; do
      if [ $proto = http ]; then peers="netwright haproxy nginx"; rate=$(( $(sat haproxy | median) / 2 ))
      else peers="netwright-tls haproxy-tls"; rate=$(( $(sat haproxy-tls | median) / 2 )); fi
      echo
      echo "open loop at half HAProxy's saturation ($proto), ${rate}/s, bench/loadgen 64 connections ${DURATION}s, median of $ROUNDS:"
      for round in $(seq "$ROUNDS"); do
        for name in $peers; do
          GOMAXPROCS=$wrk_threads "$tmp/loadgen" -insecure -url "${url[$name]}" -rate "$rate" -duration "${DURATION}s" -conns 64 >>"$tmp/open-$threads-$name"
        done
      done
      for name in $peers; do
        f="$tmp/open-$threads-$name"
        p50=$(awk '{print $(NF-4)}' "$f" | median)
        p99=$(awk '{print $(NF-1)}' "$f" | median)
        errors=$(awk '{s += $8 + $10} END {print s}' "$f")
        printf "  %-15s p50 %7.3f ms   p99 %7.3f ms   (p99 runs: %s)   errors+dropped %d\n" "$name" "$p50" "$p99" "$(awk '{print $(NF-1)}' "$f" | paste -sd' ')" "$errors"
      done
    done
  fi

  if [ "$ONLY" = cpu ]; then
    # Where the CPU goes, per request, while each proxy is saturated
    # (HTTP, alternating): the proxy's user and system time and its
    # context switches (every thread's, voluntary and not), wrk's CPU and
    # its waits (the times it slept for want of an answer: fewer when the
    # answers come in bursts, as from an event loop), and the whole
    # machine's busy and idle time, from /proc.
    ticks=$(getconf CLK_TCK)
    switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/voluntary_ctxt_switches/ {s += $2} END {print s}'; }
    machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }
    echo
    echo "CPU per request at saturation (threads=$threads), wrk -t$wrk_threads -c64 -d${DURATION}s, HTTP, $ROUNDS rounds:"
    printf "  %-10s %9s %11s %11s %10s %10s %10s %12s %9s\n" proxy requests/s "proxy us" "user us" "switches" "wrk us" "wrk waits" "machine us" "idle %"
    for round in $(seq "$ROUNDS"); do
      for name in netwright haproxy; do
        if [ $name = netwright ]; then pid=$up_pid; else pid=$haproxy_pid; fi
        wrk -t"$wrk_threads" -c64 -d2s "${url[$name]}" >/dev/null
        read -r u0 s0 < <(awk '{print $14, $15}' /proc/"$pid"/stat)
        c0=$(switches "$pid"); read -r b0 i0 < <(machine)
        out=$(/usr/bin/time -f "wrk-cpu %U %S %w" wrk -t"$wrk_threads" -c64 -d"${DURATION}s" "${url[$name]}" 2>&1)
        read -r u1 s1 < <(awk '{print $14, $15}' /proc/"$pid"/stat)
        c1=$(switches "$pid"); read -r b1 i1 < <(machine)
        echo "$out" | awk -v n=$name -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v b=$((b1 - b0)) -v i=$((i1 - i0)) -v hz="$ticks" '
          /requests in/ {r = $1} /Requests\/sec/ {rps = $2} /wrk-cpu/ {w = $2 + $3; ww = $4}
          END {printf "  %-10s %9d %11.1f %11.1f %10.2f %10.1f %10.2f %12.1f %9.1f\n", n, rps, (u + s) / hz / r * 1e6, u / hz / r * 1e6, c / r, w / r * 1e6, ww / r, b / hz / r * 1e6, 100 * i / (b + i)}'
      done
    done
  fi

  if [ -z "$ONLY" ] || [ "$ONLY" = logs ]; then
    # Access logs on and off, `up` restarted for each run, alternating.
    for round in $(seq "$ROUNDS"); do
      for logs in true false; do
        stop_netwright
        up_netwright "$threads" "$logs"
        wrk -t"$wrk_threads" -c64 -d2s "${url[netwright]}" >/dev/null
        saturate "${url[netwright]}" >>"$tmp/sat-$threads-logs-$logs"
      done
    done
    ratios=$(paste -d' ' "$tmp/sat-$threads-logs-true" "$tmp/sat-$threads-logs-false" | awk '{printf "%.2f\n", $1 / $2}')
    echo
    printf "access logs (threads=%s): on %d, off %d requests/s (medians; runs on: %s; off: %s); on/off per round: %s, median %.2fx\n" "$threads" \
      "$(median <"$tmp/sat-$threads-logs-true")" "$(median <"$tmp/sat-$threads-logs-false")" \
      "$(paste -sd' ' "$tmp/sat-$threads-logs-true")" "$(paste -sd' ' "$tmp/sat-$threads-logs-false")" \
      "$(echo "$ratios" | paste -sd' ')" "$(echo "$ratios" | median)"
  fi

  if [ "$ONLY" = ab ]; then
    # The commit BASE and the working tree, `up` restarted for each run,
    # alternating; HTTP then HTTPS on each start.
    for round in $(seq "$ROUNDS"); do
      for build in base new; do
        stop_netwright
        if [ $build = base ]; then up_netwright "$threads" "${AB_LOGS:-false}" "$tmp/netwright-base"; else up_netwright "$threads" "${AB_LOGS:-false}"; fi
        for name in netwright netwright-tls; do
          wrk -t"$wrk_threads" -c64 -d2s "${url[$name]}" >/dev/null
          saturate "${url[$name]}" >>"$tmp/sat-$threads-ab-$build-$name"
        done
      done
      echo "  round $round done, load average $(cut -d' ' -f1 /proc/loadavg)"
    done
    echo
    for name in netwright netwright-tls; do
      ratios=$(paste -d' ' "$tmp/sat-$threads-ab-new-$name" "$tmp/sat-$threads-ab-base-$name" | awk '{printf "%.2f\n", $1 / $2}')
      printf "%-13s (threads=%s): working tree %d, %s %d requests/s (medians; runs: %s; base: %s); per round: %s, median %.2fx\n" "$name" "$threads" \
        "$(median <"$tmp/sat-$threads-ab-new-$name")" "$BASE" "$(median <"$tmp/sat-$threads-ab-base-$name")" \
        "$(paste -sd' ' "$tmp/sat-$threads-ab-new-$name")" "$(paste -sd' ' "$tmp/sat-$threads-ab-base-$name")" \
        "$(echo "$ratios" | paste -sd' ')" "$(echo "$ratios" | median)"
    done
  fi

  if [ -z "$ONLY" ]; then
    echo
    echo "DNS, dnsperf -c 4 -l ${DURATION} against netwright's Cloud Map DNS (A and SRV of api.bench.local), median of $ROUNDS:"
    printf 'api.bench.local A\napi.bench.local SRV\n' >"$tmp/queries"
    rm -f "$tmp/dns-qps" "$tmp/dns-lost" "$tmp/dns-codes"
    for round in $(seq "$ROUNDS"); do
      dnsperf -s 127.0.0.1 -p 18600 -d "$tmp/queries" -c 4 -l "$DURATION" -q 200 >"$tmp/dns-$round" 2>&1
      awk '/Queries per second/ {print int($4)}' "$tmp/dns-$round" >>"$tmp/dns-qps"
      awk '/Queries lost/ {print $3}' "$tmp/dns-$round" >>"$tmp/dns-lost"
      grep -E "NOERROR|NXDOMAIN|REFUSED" "$tmp/dns-$round" | head -1 >>"$tmp/dns-codes"
    done
    printf "  queries/s %d   lost per run: %s   (%s)\n" "$(median <"$tmp/dns-qps")" "$(paste -sd' ' "$tmp/dns-lost")" "$(head -1 "$tmp/dns-codes" | xargs)"
  fi
  stop_netwright
  stop_all
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
