#!/usr/bin/env bash
# The test command the README gives: every package's tests, with the race
# detector, and each fuzz target's seed corpus (go test runs seeds as tests).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 ./...
