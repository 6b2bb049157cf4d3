#!/usr/bin/env bash
# The test command the README gives: every package's tests, with the race
# detector, and each fuzz target's seed corpus (go test runs seeds as tests).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 ./...
# The import fixtures against the AWS SDK for Go v2's output types: a
# module of its own, so the SDK's service modules stay out of go.mod.
(cd internal/awsimport/sdkshapes && go test -race -count=1 ./...)
