#!/usr/bin/env bash
# Measures planning a generated spec of 2,000 services and 6,000
# dependencies: the Go benchmarks (10 runs each; quote the median) and the
# peak memory of a whole `netwright plan -o json` run.
# Usage: bash bench/plan.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/netwright" ./cmd/netwright
go run ./bench/genspec -services 2000 -deps 6000 > "$tmp/big.yaml"
echo "spec: $(wc -c < "$tmp/big.yaml") bytes, 2000 services, 6000 dependencies"
echo "machine: $(nproc) cores, $(go version)"

go test ./internal/plan -run '^$' -bench 'Plan2000|Build2000' -benchtime 10x -count 10 | tee "$tmp/bench.txt"
for b in BenchmarkPlan2000 BenchmarkBuild2000; do
  grep "^$b" "$tmp/bench.txt" | awk -v name="$b" '{print $3}' | sort -n |
    awk -v name="$b" '{a[NR]=$1} END {printf "%s median: %.1f ms over %d runs\n", name, a[int((NR+1)/2)]/1e6, NR}'
done

for i in 1 2 3 4 5; do
  /usr/bin/time -a -o "$tmp/time.txt" -f "%e %M" "$tmp/netwright" plan -o json "$tmp/big.yaml" >/dev/null 2>"$tmp/diags.txt"
done
t=$(awk '{print $1}' "$tmp/time.txt" | sort -n | sed -n 3p)
m=$(awk '{print $2}' "$tmp/time.txt" | sort -n | sed -n 3p)
echo "netwright plan -o json (whole process, 5 runs): median ${t} s, median max RSS $((m / 1024)) MB"
echo "diagnostics on the generated spec: $(tail -n 1 "$tmp/diags.txt")"
