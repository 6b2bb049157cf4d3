#!/usr/bin/env bash
# Measures the analyzer: all-pairs reachability and the full checklist on a
# generated design of 1,000 services and 3,000 dependencies (Go benchmark,
# 5 runs; quote the median), and the peak memory of a whole
# `netwright check` process on the same spec.
# Usage: bash bench/analyze.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/netwright" ./cmd/netwright
go run ./bench/genspec -services 1000 -deps 3000 > "$tmp/big.yaml"
echo "machine: $(nproc) cores, $(go version)"
go test ./internal/analysis -run '^$' -bench Analyze1000 -benchtime 3x -count 5 | tee "$tmp/bench.txt"
grep '^BenchmarkAnalyze1000' "$tmp/bench.txt" | awk '{print $3}' | sort -n |
  awk '{a[NR]=$1} END {printf "BenchmarkAnalyze1000 median: %.0f ms over %d runs\n", a[int((NR+1)/2)]/1e6, NR}'
for i in 1 2 3; do
  /usr/bin/time -a -o "$tmp/time.txt" -f "%e %M" "$tmp/netwright" check "$tmp/big.yaml" >/dev/null 2>&1 || true
done
t=$(awk '{print $1}' "$tmp/time.txt" | sort -n | sed -n 2p)
m=$(awk '{print $2}' "$tmp/time.txt" | sort -n | sed -n 2p)
echo "netwright check (parse, plan and analyze; whole process, 3 runs): median ${t} s, median max RSS $((m / 1024)) MB"
