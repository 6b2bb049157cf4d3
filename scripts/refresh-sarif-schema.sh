#!/usr/bin/env bash
# Refreshes the SARIF 2.1.0 JSON schema the findings tests validate against,
# from the npm package that ships it (@microsoft/jest-sarif).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && tar xzf ./*.tgz)
cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" internal/render/findings/testdata/
echo "updated internal/render/findings/testdata/sarif-2.1.0-rtm.5.json"
