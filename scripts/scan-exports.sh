#!/usr/bin/env bash
# Runs trivy's configuration scanner on every example's exports (the
# CloudFormation templates, with the export's .trivyignore.yaml for the
# JSON ones, the Terraform configuration, and for EKS designs the
# Kubernetes manifests with their Deployment skeletons) and fails on any finding at
# HIGH or CRITICAL: every such finding must be designed away or explained
# beside the resource (issue 13; docs/checks.md lists what is explained).
#
# trivy is built from the Go module proxy at a pinned version (it needs
# GOEXPERIMENT=jsonv2; about 20 minutes with an empty module cache) unless
# TRIVY names one or it is already built in the cache. It runs offline on
# its embedded checks (--skip-check-update), so every run scans with the
# same checks. A trivy that cannot be built is reported loudly and the
# verdict is INCOMPLETE, never passed; NETWRIGHT_REQUIRE_SCANNERS=1 makes
# that a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

version=v0.74.0
cache=${NETWRIGHT_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/netwright-tools}
trivy=${TRIVY:-}
banner() { printf '\n!!! %s\n!!! %s\n\n' "$1" "$2"; }
incomplete() {
  banner "trivy scan SKIPPED: $1" "the exports were not scanned; the verdict is INCOMPLETE, not passed"
  echo "== scan-exports: INCOMPLETE ($1)"
  [ "${NETWRIGHT_REQUIRE_SCANNERS:-}" = 1 ] && exit 1
  exit 0
}

if [ -z "$trivy" ]; then
  trivy="$cache/trivy-$version/trivy"
  if [ ! -x "$trivy" ]; then
    echo "== building trivy $version from the Go module proxy (GOEXPERIMENT=jsonv2)"
    start=$(date +%s)
    mkdir -p "$cache"
    if ! GOEXPERIMENT=jsonv2 GOBIN="$cache/trivy-$version" \
      timeout 45m go install "github.com/aquasecurity/trivy/cmd/trivy@$version" >"$cache.build.log" 2>&1; then
      tail -20 "$cache.build.log"
      incomplete "trivy $version did not build (log above)"
    fi
    echo "built in $(( $(date +%s) - start ))s"
  fi
fi
command -v "$trivy" >/dev/null 2>&1 || [ -x "$trivy" ] || incomplete "no trivy at $trivy"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/netwright" ./cmd/netwright || exit 1

scan() { # scan DIR [IGNOREFILE]
  local args=(config --quiet --skip-check-update --skip-version-check --disable-telemetry
    --severity HIGH,CRITICAL --exit-code 1 --format table)
  [ -n "${2:-}" ] && args+=(--ignorefile "$2")
  "$trivy" "${args[@]}" "$1"
}

failed=0
for spec in examples/*.yaml; do
  name=$(basename "$spec" .yaml)
  cfn="$work/$name/cloudformation" tf="$work/$name/terraform"
  "$work/netwright" export "$spec" --format cloudformation -o "$cfn" >/dev/null 2>&1 || { echo "FAIL export $spec"; failed=1; continue; }
  "$work/netwright" export "$spec" --format terraform -o "$tf" >/dev/null 2>&1 || { echo "FAIL export $spec"; failed=1; continue; }
  dirs=("$cfn" "$tf")
  # An EKS design's cluster half too, Deployment skeletons included.
  if grep -q 'compute: *eks' "$spec"; then
    k8s="$work/$name/kubernetes"
    "$work/netwright" export "$spec" --format kubernetes --workloads -o "$k8s" >/dev/null 2>&1 || { echo "FAIL export $spec (kubernetes)"; failed=1; continue; }
    dirs+=("$k8s")
  fi
  for dir in "${dirs[@]}"; do
    ignore=""
    [ -f "$dir/.trivyignore.yaml" ] && ignore="$dir/.trivyignore.yaml"
    if out=$(scan "$dir" "$ignore" 2>&1); then
      echo "ok   $spec: ${dir##*/}"
    else
      echo "FAIL $spec: ${dir##*/}: findings at HIGH or CRITICAL with no reason beside them"
      echo "$out" | sed 's/^/    /' | head -60
      failed=1
    fi
  done
done
if [ "$failed" = 1 ]; then
  echo "== scan-exports: FAILED"
  exit 1
fi
echo "== scan-exports: passed (trivy $version, embedded checks)"
