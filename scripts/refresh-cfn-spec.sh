#!/usr/bin/env bash
# Refreshes internal/render/cloudformation/testdata/cfn-spec.json: the part
# of AWS's CloudFormation resource specification the exported templates
# use, taken from the npm package that publishes it (@aws-cdk/cfnspec).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-2.72.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@aws-cdk/cfnspec@$version" >/dev/null && tar xzf ./*.tgz)
go test ./internal/render/cloudformation -run TestRefreshSpec -cfnspec "$tmp/package/spec/specification.json"
echo "updated internal/render/cloudformation/testdata/cfn-spec.json from @aws-cdk/cfnspec@$version"
