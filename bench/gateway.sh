#!/usr/bin/env bash
# Measures netwright up's data plane beside HAProxy 2.6 and nginx 1.22 on
# this machine, with the same backends (bench/backend), one thread each
# (GOMAXPROCS=1, HAProxy nbthread 1, nginx worker_processes 1), upstream
# keep-alive on, access logs off, and health checks every 30 s where the
# proxy has them (open-source nginx has only passive checks):
#   - L7: wrk at saturation (closed loop, 64 connections), then
#     bench/loadgen at half the saturation rate (an open loop) for p50/p99;
#     netwright through the internal ALB listener (least outstanding
#     requests), HAProxy leastconn, nginx least_conn;
#   - L4: wrk through netwright's NLB TCP listener and HAProxy mode tcp;
#   - DNS: dnsperf against netwright's Cloud Map DNS server.
# Each measurement is taken ROUNDS times (default 3) with the peers
# alternating, and the median is reported. ONLY=l4 measures the L4
# saturation pair alone (each round's ratio printed), for a closer look.
# Usage: bash bench/gateway.sh   (from the repository root; installs the
# peers with apt-get when they are missing, so it wants root)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
ONLY=${ONLY:-}
DURATION=${DURATION:-10}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

need=()
for c in haproxy:haproxy nginx:nginx-light wrk:wrk dnsperf:dnsperf; do
  command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  # Debian starts the packaged services; the benchmark runs its own.
  service nginx stop >/dev/null 2>&1 || true
  service haproxy stop >/dev/null 2>&1 || true
fi

go build -o "$tmp/netwright" ./cmd/netwright
go build -o "$tmp/backend" ./bench/backend
go build -o "$tmp/loadgen" ./bench/loadgen
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
echo "peers: $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(dnsperf -h 2>&1 | grep -m1 -o 'DNSPerf version [0-9.]*' || echo dnsperf)"

start() { # name, command...
  local name=$1; shift
  "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
}
wait_port() {
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2; tail -n 5 "$tmp"/*.log >&2; exit 1
}

# The peers' backends: two, like the design's two api tasks.
GOMAXPROCS=1 start backend1 "$tmp/backend" -addr 127.0.0.1:9101
GOMAXPROCS=1 start backend2 "$tmp/backend" -addr 127.0.0.1:9102
cat >"$tmp/haproxy.cfg" <<CFG
global
  nbthread 1
  maxconn 8000
defaults
  timeout connect 10s
  timeout client 60s
  timeout server 60s
frontend l7
  mode http
  bind 127.0.0.1:28080
  default_backend l7
backend l7
  mode http
  balance leastconn
  http-reuse always
  option httpchk GET /health
  server s1 127.0.0.1:9101 check inter 30s
  server s2 127.0.0.1:9102 check inter 30s
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
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log crit;
events { worker_connections 8000; }
http {
  access_log off;
  upstream l7 { least_conn; server 127.0.0.1:9101; server 127.0.0.1:9102; keepalive 128; }
  server {
    listen 127.0.0.1:38080 reuseport backlog=4096;
    location / { proxy_pass http://l7; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CFG
start haproxy haproxy -f "$tmp/haproxy.cfg" -db
start nginx nginx -c "$tmp/nginx.conf"
NETWRIGHT_BENCH_BACKEND="$tmp/backend" GOMAXPROCS=1 start netwright "$tmp/netwright" up --access-logs=false \
  --port-offset 10000 --dns 127.0.0.1:18600 --admin 127.0.0.1:18901 --state-dir "$tmp/state" bench/gateway.yaml
for p in 28080 27000 38080 19000 17000; do wait_port "$p"; done
sleep 1

declare -A url=([netwright]=http://127.0.0.1:19000/ [haproxy]=http://127.0.0.1:28080/ [nginx]=http://127.0.0.1:38080/
  [netwright-l4]=http://127.0.0.1:17000/ [haproxy-l4]=http://127.0.0.1:27000/)
saturate() { # url -> requests/s
  wrk -t1 -c64 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print int($2)}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

names="netwright haproxy nginx netwright-l4 haproxy-l4"
[ "$ONLY" = l4 ] && names="netwright-l4 haproxy-l4"
for name in $names; do wrk -t1 -c64 -d2s "${url[$name]}" >/dev/null; done # warm up
for round in $(seq "$ROUNDS"); do
  for name in $names; do
    echo "$(saturate "${url[$name]}")" >>"$tmp/sat-$name"
  done
done
echo
echo "saturation, wrk -t1 -c64 -d${DURATION}s, median of $ROUNDS (requests/s):"
for name in $names; do
  printf "  %-14s %8d   (runs: %s)\n" "$name" "$(median <"$tmp/sat-$name")" "$(paste -sd' ' "$tmp/sat-$name")"
done
if [ "$ONLY" = l4 ]; then
  ratios=$(paste -d' ' "$tmp/sat-netwright-l4" "$tmp/sat-haproxy-l4" | awk '{printf "%.2f\n", $1 / $2}')
  echo "  L4 ratio per round: $(echo "$ratios" | paste -sd' '), median $(echo "$ratios" | median)"
  exit 0
fi

echo
echo "half of saturation, open loop (bench/loadgen, 64 connections, ${DURATION}s), median of $ROUNDS:"
for name in netwright haproxy nginx; do
  half=$(( $(median <"$tmp/sat-$name") / 2 ))
  for round in $(seq "$ROUNDS"); do
    GOMAXPROCS=1 "$tmp/loadgen" -url "${url[$name]}" -rate "$half" -duration "${DURATION}s" -conns 64 >>"$tmp/open-$name"
  done
  p50=$(awk '{print $(NF-4)}' "$tmp/open-$name" | median)
  p99=$(awk '{print $(NF-1)}' "$tmp/open-$name" | median)
  errors=$(awk '{s += $8 + $10} END {print s}' "$tmp/open-$name")
  printf "  %-14s rate %6d/s   p50 %7.3f ms   p99 %7.3f ms   errors+dropped %d\n" "$name" "$half" "$p50" "$p99" "$errors"
done

common=$(( $(cat "$tmp"/sat-netwright "$tmp"/sat-haproxy "$tmp"/sat-nginx | sort -n | head -1) / 2 ))
echo
echo "one common open-loop rate, ${common}/s (half the lowest saturation run), median of $ROUNDS:"
for name in netwright haproxy nginx; do
  for round in $(seq "$ROUNDS"); do
    GOMAXPROCS=1 "$tmp/loadgen" -url "${url[$name]}" -rate "$common" -duration "${DURATION}s" -conns 64 >>"$tmp/common-$name"
  done
  p50=$(awk '{print $(NF-4)}' "$tmp/common-$name" | median)
  p99=$(awk '{print $(NF-1)}' "$tmp/common-$name" | median)
  errors=$(awk '{s += $8 + $10} END {print s}' "$tmp/common-$name")
  printf "  %-14s p50 %7.3f ms   p99 %7.3f ms   errors+dropped %d\n" "$name" "$p50" "$p99" "$errors"
done

echo
echo "DNS, dnsperf -c 4 -l ${DURATION} against netwright's Cloud Map DNS (A and SRV of api.bench.local), median of $ROUNDS:"
printf 'api.bench.local A\napi.bench.local SRV\n' >"$tmp/queries"
for round in $(seq "$ROUNDS"); do
  dnsperf -s 127.0.0.1 -p 18600 -d "$tmp/queries" -c 4 -l "$DURATION" -q 200 >"$tmp/dns-$round" 2>&1
  awk '/Queries per second/ {print int($4)}' "$tmp/dns-$round" >>"$tmp/dns-qps"
  awk '/Queries lost/ {print $3}' "$tmp/dns-$round" >>"$tmp/dns-lost"
  grep -E "NOERROR|NXDOMAIN|REFUSED" "$tmp/dns-$round" | head -1 >>"$tmp/dns-codes"
done
printf "  queries/s %d   lost per run: %s   (%s)\n" "$(median <"$tmp/dns-qps")" "$(paste -sd' ' "$tmp/dns-lost")" "$(head -1 "$tmp/dns-codes" | xargs)"
