#!/usr/bin/env bash
# Whole-process synthesis of the reference stack, Stratus vs AWS CDK, side by side in one run.
#
# Installs the CDK app of ../shared/anchors/cdk into a scratch copy (npm; never committed),
# builds our `scale` example in release mode, then for 1 and 100 stacks times RUNS runs of each
# (median wall time, whole process, templates written to disk) and prints
#   vs_cdk stacks=<n> ours=<s> cdk=<s> ratio=<cdk/ours>
# CDK runs with CDK_VALIDATION=false (its fastest mode); ours validates. Both write to the same
# place (a RAM disk when there is one; OUT_BASE overrides).
#
# Usage: bash benches/vs_cdk.sh            (RUNS=5 by default)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
anchor="$root/../shared/anchors/cdk"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/cdk-anchor"
runs="${RUNS:-5}"
# Outputs go to a RAM disk where there is one: on our VMs, creating files on the real disk costs
# 50-200 ms per 100 stacks and varies run to run, which would measure the disk, not synthesis.
scratch=$(mktemp -d -p "${OUT_BASE:-$( [ -d /dev/shm ] && echo /dev/shm || echo /tmp )}")
trap 'rm -rf "$scratch"' EXIT

[ -f "$anchor/app.js" ] || { echo "no CDK anchor at $anchor" >&2; exit 1; }
mkdir -p "$work"
cp "$anchor/app.js" "$anchor/cdk.json" "$work/"
if [ ! -d "$work/node_modules/aws-cdk-lib" ]; then
  echo "installing aws-cdk-lib into $work ..." >&2
  (cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error \
    aws-cdk-lib@2.276.0 constructs@10.8.1 >&2)
fi

cargo build --quiet --release --example scale
ours="$target/release/examples/scale"

# Median wall time in seconds of running "$@" $runs times.
median() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    times+=("$(( end - start ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f", m/1e9}'
}

# Each run writes into a new, empty directory, as a first synth does (no clean-up is timed).
run=0
run_ours() { run=$((run + 1)); STACKS="$1" "$ours" synth --out "$scratch/ours-$1-$run"; }
run_cdk() { run=$((run + 1)); (cd "$work" && N="$1" CDK_VALIDATION=false QUIET=1 OUTDIR="$scratch/cdk-$1-$run" node app.js); }

for n in 1 100; do
  ours_s=$(median run_ours "$n")
  cdk_s=$(median run_cdk "$n")
  ratio=$(awk -v c="$cdk_s" -v o="$ours_s" 'BEGIN { printf "%.0f", c / o }')
  ours_files=$(ls -d "$scratch"/ours-"$n"-* | head -1 | xargs -I{} sh -c 'ls {}/*.template.json | wc -l')
  cdk_files=$(ls -d "$scratch"/cdk-"$n"-* | head -1 | xargs -I{} sh -c 'ls {}/*.template.json | wc -l')
  echo "vs_cdk stacks=$n ours=${ours_s}s cdk=${cdk_s}s ratio=${ratio}x templates=${ours_files}/${cdk_files}"
done
