#!/usr/bin/env bash
# The mesh's data plane beside HAProxy: the latency a proxy pair adds to
# one HTTP/1.1 call and one gRPC call (p50, p99), and requests/s through
# caller -> proxy -> proxy -> task, with two HAProxy instances as the
# sidecars of the same path in the same run (Debian's haproxy; installed
# when missing and apt-get is there). Results go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v haproxy >/dev/null && command -v apt-get >/dev/null; then
	apt-get install -y haproxy >/dev/null
fi
uptime
go test ./internal/runtime/mesh -run '^$' -bench 'Pair' -benchtime="${BENCHTIME:-5000x}" -count="${COUNT:-1}" -benchmem
uptime
