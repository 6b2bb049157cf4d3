#!/usr/bin/env bash
# Runs the ecosystem's own validators on netwright's exports, as a user's
# pipeline would before deploying them:
#
#   - cfn-lint on every CloudFormation template: each example's export
#     (JSON and YAML) and every golden template under internal/render/*/testdata,
#     each linted for the Region it is for (the Region its name ends in;
#     APP-global is deployed in us-west-2);
#   - terraform init -backend=false and terraform validate on every
#     Terraform configuration: each example's export and every golden
#     directory under internal/render/*/testdata, with the AWS provider taken
#     from a local filesystem mirror found on this machine (nothing is
#     downloaded).
#
# Warnings fail like errors. Both validators are silent on today's exports,
# so a warning is new and means something: fix it, or add its rule to
# CFN_LINT_IGNORE below with the reason. (Informational findings are not
# reported: cfn-lint shows them only when asked.)
#
# A validator that is not installed, or a provider mirror that cannot be
# found, is reported in a banner and the run goes on with what it has: the
# summary says SKIPPED, never a silent pass. NETWRIGHT_REQUIRE_VALIDATORS=1
# turns a skip into a failure. NETWRIGHT_TF_MIRROR=DIR names the mirror (the
# folder above registry.terraform.io) instead of searching for it.
#
# Exit status: 0 every validator that ran passed; 1 a validator reported a
# problem, an export failed, or a required validator is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s.%N)
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1fs", e - s }'; }

# Rules deliberately not applied, each with its reason. Empty today.
CFN_LINT_IGNORE=()

jobs=${NETWRIGHT_VALIDATE_JOBS:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d "${TMPDIR:-/tmp}/netwright-validate.XXXXXX")
trap 'rm -rf "$work"' EXIT

skipped=()
failed=0

banner() {
  local msg="!!! $*"
  local line
  line=$(printf '%*s' "${#msg}" '' | tr ' ' '!')
  printf '%s\n%s\n%s\n' "$line" "$msg" "$line"
}

# --- the exports -----------------------------------------------------------
echo "== exports"
if ! go build -o "$work/netwright" ./cmd/netwright; then
  echo "FAIL: go build ./cmd/netwright"
  exit 1
fi
cfn=() # "label<TAB>file"
tf=()  # "label<TAB>dir"
for ex in examples/*.yaml; do
  name=$(basename "$ex" .yaml)
  out=$work/examples/$name
  if ! "$work/netwright" export --format cloudformation -o "$out/cloudformation" "$ex" >"$work/export.log" 2>&1 ||
    ! "$work/netwright" export --format terraform -o "$out/terraform" "$ex" >>"$work/export.log" 2>&1; then
    echo "FAIL: netwright export $ex"
    sed 's/^/    /' "$work/export.log"
    failed=1
    continue
  fi
  for f in "$out"/cloudformation/*.template.yaml "$out"/cloudformation/*.template.json; do
    cfn+=("$ex: $(basename "$f")"$'\t'"$f")
  done
  tf+=("$ex: terraform"$'\t'"$out/terraform")
  # A root of its own applied later (the EKS cluster's, in cluster/).
  for sub in "$out"/terraform/*/; do
    [ -e "$sub/versions.tf" ] && tf+=("$ex: terraform $(basename "$sub")/"$'\t'"${sub%/}")
  done
done
# Golden exports: any template or Terraform directory under a renderer's
# testdata, so a new golden is validated without a change here.
while IFS= read -r f; do
  if grep -q '^AWSTemplateFormatVersion\|"AWSTemplateFormatVersion"' "$f"; then
    cfn+=("$f"$'\t'"$root/$f")
  fi
done < <(find internal/render/*/testdata -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | LC_ALL=C sort)
while IFS= read -r d; do
  # Validated in a copy: init writes .terraform and a lock file.
  copy=$work/golden/${d//\//_}
  mkdir -p "$copy" && cp "$d"/*.tf "$copy"/
  tf+=("$d"$'\t'"$copy")
done < <(find internal/render/*/testdata -type f -name '*.tf' -exec dirname {} \; | LC_ALL=C sort -u)
echo "${#cfn[@]} CloudFormation templates, ${#tf[@]} Terraform configurations"

# The same bytes are validated once: the examples' exports are also the
# golden files when the golden tests pass. first maps a content hash to
# the first file (or directory) that has it.
declare -A first

# --- cfn-lint --------------------------------------------------------------
# A template's Region is the end of its name (APP-REGION); APP-global goes
# to us-west-2, where Global Accelerator is managed.
region_of() {
  local base
  base=$(basename "$1")
  base=${base%%.*}
  if [[ $base =~ -([a-z]{2}(-gov)?-[a-z]+-[0-9])$ ]]; then
    echo "${BASH_REMATCH[1]}"
  elif [[ $base == *-global ]]; then
    echo us-west-2
  else
    echo us-east-1
  fi
}

declare -A cfn_by_region cfn_labels
cfn_distinct=0
if command -v cfn-lint >/dev/null 2>&1; then
  echo "== cfn-lint $(cfn-lint --version 2>&1 | awk '{print $2}')"
  for entry in "${cfn[@]}"; do
    label=${entry%%$'\t'*} file=${entry#*$'\t'}
    sum=cfn:$(sha256sum "$file" | cut -c1-64)
    if [ -n "${first[$sum]:-}" ]; then
      cfn_labels[${first[$sum]}]+=" = $label"
      continue
    fi
    first[$sum]=$file
    cfn_distinct=$((cfn_distinct + 1))
    cfn_by_region[$(region_of "$file")]+="$file"$'\n'
    cfn_labels[$file]=$label
  done
else
  banner "cfn-lint NOT FOUND: ${#cfn[@]} CloudFormation templates were NOT linted (pip install cfn-lint)"
  skipped+=("cfn-lint (not installed)")
fi

# --- terraform -------------------------------------------------------------
tf_ok=0
if ! command -v terraform >/dev/null 2>&1; then
  banner "terraform NOT FOUND: ${#tf[@]} Terraform configurations were NOT validated"
  skipped+=("terraform validate (terraform not installed)")
  tf_ok=1
fi
mirror=${NETWRIGHT_TF_MIRROR:-}
mirror_from="NETWRIGHT_TF_MIRROR"
if [ $tf_ok = 0 ] && [ -z "$mirror" ]; then
  # The folder above registry.terraform.io that holds hashicorp/aws.
  # A configuration's own .terraform holds a copy, not a mirror.
  search=(/opt /usr/share /usr/local /usr/lib /var/lib "$HOME/.terraform.d" "$HOME/.local/share/terraform")
  for dir in "${search[@]}"; do
    [ -d "$dir" ] || continue
    found=$(find "$dir" -name .terraform -prune -o -type d -path '*/registry.terraform.io/hashicorp/aws' -print 2>/dev/null | LC_ALL=C sort | head -n1)
    if [ -n "$found" ]; then
      mirror=${found%/registry.terraform.io/hashicorp/aws}
      mirror_from="found under $dir"
      break
    fi
  done
fi
if [ $tf_ok = 0 ] && [ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
  if [ -n "${NETWRIGHT_TF_MIRROR:-}" ]; then
    where="NETWRIGHT_TF_MIRROR=$NETWRIGHT_TF_MIRROR has no registry.terraform.io/hashicorp/aws"
  else
    where="no filesystem mirror of the hashicorp/aws provider under ${search[*]}"
  fi
  banner "$where: ${#tf[@]} Terraform configurations were NOT validated"
  skipped+=("terraform validate (no provider mirror)")
  tf_ok=1
fi
tf_distinct=()
if [ $tf_ok = 0 ]; then
  echo "== terraform $(terraform version 2>/dev/null | head -n1 | awk '{print $2}'), provider mirror $mirror ($mirror_from)"
  # terraform init links a provider from an unpacked mirror into each
  # .terraform as it is, with no copy. A packed mirror (zip archives) is
  # unpacked once here, rather than once per configuration (a plugin cache
  # would do that too, but is not safe for inits running side by side).
  platform=$(go env GOOS)_$(go env GOARCH)
  for zip in "$mirror"/registry.terraform.io/hashicorp/aws/terraform-provider-aws_*_"$platform".zip; do
    [ -f "$zip" ] || continue
    version=${zip##*/terraform-provider-aws_}
    version=${version%_"$platform".zip}
    unpacked=$work/mirror/registry.terraform.io/hashicorp/aws/$version/$platform
    mkdir -p "$unpacked" && (cd "$unpacked" && unzip -q "$zip") || {
      echo "FAIL: cannot unpack $zip"
      failed=1
    }
  done
  [ -d "$work/mirror" ] && mirror=$work/mirror
  {
    echo 'provider_installation {'
    echo "  filesystem_mirror { path = \"$mirror\" }"
    echo '}'
  } >"$work/terraformrc"
  export TF_CLI_CONFIG_FILE=$work/terraformrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
  declare -A tf_labels
  for entry in "${tf[@]}"; do
    label=${entry%%$'\t'*} dir=${entry#*$'\t'}
    sum=tf:$( (cd "$dir" && sha256sum ./*.tf) | sha256sum | cut -c1-64)
    if [ -n "${first[$sum]:-}" ]; then
      tf_labels[${first[$sum]}]+=" = $label"
      continue
    fi
    first[$sum]=$dir
    tf_distinct+=("$dir")
    tf_labels[$dir]=$label
  done
fi

# --- run, in parallel --------------------------------------------------------
# Each job writes its output and exit status under $work/results; the
# report below reads them in a fixed order.
mkdir -p "$work/results"
n=0
run_job() { # id command...
  local id=$1 t0
  shift
  t0=$(date +%s.%N)
  "$@" >"$work/results/$id.out" 2>&1
  echo $? >"$work/results/$id.rc"
  seconds_since "$t0" >"$work/results/$id.time"
}
throttle() {
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
}
tf_check() { # dir
  (cd "$1" && terraform init -backend=false -input=false -no-color >init.log 2>&1) || {
    cat "$1/init.log"
    return 1
  }
  (cd "$1" && terraform validate -no-color)
}
cfn_ids=()
# The Regions with the most templates first: the longest jobs start first.
for region in $(for r in "${!cfn_by_region[@]}"; do printf '%s %s\n' "$(printf '%s' "${cfn_by_region[$r]}" | wc -l)" "$r"; done | LC_ALL=C sort -k1,1nr -k2 | cut -d' ' -f2); do
  mapfile -t files < <(printf '%s' "${cfn_by_region[$region]}")
  ignore=()
  [ ${#CFN_LINT_IGNORE[@]} -gt 0 ] && ignore=(--ignore-checks "${CFN_LINT_IGNORE[@]}")
  # One process per Region: cfn-lint takes a second or two to start, then
  # about a second per template.
  n=$((n + 1))
  throttle
  echo "$region: ${#files[@]}" >"$work/results/cfn$n.what"
  run_job "cfn$n" cfn-lint --format parseable --non-zero-exit-code warning --regions "$region" "${ignore[@]}" -- "${files[@]}" &
  cfn_ids+=("cfn$n")
done
tf_ids=()
for i in "${!tf_distinct[@]}"; do
  throttle
  run_job "tf$i" tf_check "${tf_distinct[$i]}" &
  tf_ids+=("tf$i")
done
wait

# --- report ----------------------------------------------------------------
cfn_bad=0
if [ ${#cfn_ids[@]} -gt 0 ]; then
  echo "-- cfn-lint: $cfn_distinct distinct templates of ${#cfn[@]}"
  for id in "${cfn_ids[@]}"; do
    read -r region count <"$work/results/$id.what"
    echo "   cfn-lint --regions ${region%:}: $count templates in $(cat "$work/results/$id.time")"
    if [ "$(cat "$work/results/$id.rc")" != 0 ]; then
      cfn_bad=1
      # parseable: FILE:LINE:COL:ENDLINE:ENDCOL:RULE:MESSAGE
      sed "s|$work/||g; s|$root/||g; s/^/    /" "$work/results/$id.out"
    fi
  done
  for f in $(printf '%s\n' "${!cfn_labels[@]}" | LC_ALL=C sort); do
    if grep -q "^$f:" "$work/results/"cfn*.out 2>/dev/null; then
      echo "FAIL ${cfn_labels[$f]}"
    else
      echo "ok   ${cfn_labels[$f]}"
    fi
  done
  [ $cfn_bad = 1 ] && failed=1
fi
tf_bad=0
if [ ${#tf_ids[@]} -gt 0 ]; then
  echo "-- terraform validate: ${#tf_distinct[@]} distinct configurations of ${#tf[@]}"
  for i in "${!tf_distinct[@]}"; do
    id=${tf_ids[$i]} dir=${tf_distinct[$i]}
    out=$work/results/$id.out
    # validate succeeds with warnings; they fail here as cfn-lint's do.
    if [ "$(cat "$work/results/$id.rc")" != 0 ] || grep -q 'Warning:' "$out"; then
      tf_bad=1
      echo "FAIL ${tf_labels[$dir]}"
      sed "s|$work/||g; s/^/    /" "$out"
    else
      echo "ok   ${tf_labels[$dir]} ($(cat "$work/results/$id.time"))"
    fi
  done
  [ $tf_bad = 1 ] && failed=1
fi

verdict=passed
[ ${#skipped[@]} -gt 0 ] && verdict="INCOMPLETE (what ran passed; ${#skipped[@]} validator(s) SKIPPED)"
[ $failed = 1 ] && verdict=FAILED
echo "== validate-exports: $verdict in $(seconds_since "$start") ($jobs jobs at a time)"
if [ ${#skipped[@]} -gt 0 ]; then
  for s in "${skipped[@]}"; do banner "SKIPPED: $s"; done
  if [ "${NETWRIGHT_REQUIRE_VALIDATORS:-}" = 1 ]; then
    echo "NETWRIGHT_REQUIRE_VALIDATORS=1: a skipped validator fails the run"
    failed=1
  fi
fi
exit $failed
