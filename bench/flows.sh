#!/usr/bin/env bash
# Flow-log throughput (issue 18): the Go benchmarks of the reader and of
# flows' whole path, then a whole netwright flows process over a
# generated log of about 1 GB (the fixture account's addresses, the form
# up --isolation netns writes), timed with its peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/flowlog -run '^$' -bench 'Reader' -benchtime 20x -count 5
go test ./internal/analysis -run '^$' -bench 'BenchmarkFlows' -benchtime 5x -count 5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/netwright" ./cmd/netwright
go run ./cmd/netwright import internal/awsimport/testdata/network -o "$dir/design.json" >/dev/null
awk 'BEGIN {
  print "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason"
  split("eni-0a0000000000task1 10.0.10.25 10.0.20.5 5432|eni-0a00000000000db01 10.0.10.25 10.0.20.5 5432|eni-0a00000000000app1 10.0.10.50 203.0.113.77 443|eni-0a00000000000alb1 198.51.100.7 10.0.0.100 443", r, "|")
  for (i = 0; i < 5500000; i++) {
    split(r[i % 4 + 1], f, " ")
    printf "8 123456789012 %s %s %s %d %s 6 10 1200 1714557600 1714557660 ACCEPT OK vpc-0a10000000000000a subnet-0a00000000000app1 3 egress %s %s -\n", f[1], f[2], f[3], 1024 + i % 60000, f[4], f[2], f[3]
  }
}' > "$dir/flows.log"
ls -l "$dir/flows.log"
for i in 1 2 3; do
  /usr/bin/time -f "%e s, %M KB peak RSS" "$dir/netwright" flows --design "$dir/design.json" "$dir/flows.log" --fail-on never >/dev/null 2>"$dir/time" || true
  tail -1 "$dir/time"
done
