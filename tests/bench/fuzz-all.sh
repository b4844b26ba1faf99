#!/usr/bin/env bash
# fuzz-all.sh SECONDS [TARGET...]: builds the libFuzzer targets with clang (ASan + UBSan, build/fuzz) and runs
# each for SECONDS on a copy of its corpus (tests/fuzz/corpus/<target>/ plus the samples the replay test uses),
# one after another. Prints per target: runs, corpus size, peak RSS and whether it found anything. New inputs
# that crash are left in build/fuzz/findings/<target>/ (add them to the corpus once fixed).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:?usage: fuzz-all.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(extract_fuzz feed_fuzz archive_fuzz config_fuzz url_fuzz rules_fuzz compare_fuzz api_fuzz router_fuzz)

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDLINE_FUZZ=ON \
  -DREDLINE_SANITIZE=ON -DREDLINE_BUILD_TESTS=ON >/dev/null
cmake --build build/fuzz --target "${targets[@]}"

declare -A seeds=(
  [extract_fuzz]="tests/data/revisions/dw"
  [feed_fuzz]="tests/feeds/samples"
  [archive_fuzz]="tests/data/revisions/dw"
  [config_fuzz]="config"
)
status=0
printf '%-14s %10s %8s %9s %s\n' target runs corpus peak_MB result
for t in "${targets[@]}"; do
  work="build/fuzz/corpus/$t"
  findings="build/fuzz/findings/$t"
  mkdir -p "$work" "$findings"
  cp -r "tests/fuzz/corpus/$t/." "$work/"
  extra=()
  [ -n "${seeds[$t]:-}" ] && extra=("${seeds[$t]}")
  log="build/fuzz/$t.log"
  set +e
  "build/fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$findings/" -print_final_stats=1 "$work" "${extra[@]}" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  peak=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  size=$(find "$work" -type f | wc -l)
  result="no finding"
  if [ $rc -ne 0 ]; then result="FINDING (exit $rc), see $log and $findings/"; status=1; fi
  printf '%-14s %10s %8s %9s %s\n' "$t" "$runs" "$size" "$peak" "$result"
done
exit $status
