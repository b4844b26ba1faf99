#!/bin/sh
# fuzz-extract.sh [SECONDS] [EVAL_DIR]: builds the libFuzzer target extract_fuzz with clang under
# ASan+UBSan (build/fuzz), seeds a corpus under /tmp with the evaluation pages (gunzipped), the
# feed-archive captures and tests/fuzz/corpus/extract_fuzz, and fuzzes for SECONDS (default 600) on one core.
# Exit status 0 when libFuzzer found nothing; a crashing input is left in /tmp/redline-fuzz/artifacts
# (add it to tests/fuzz/corpus/extract_fuzz as a regression input once fixed).
#   EVAL_DIR defaults to ../shared beside the repository.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
shared=${2:-$here/../shared}
work=/tmp/redline-fuzz
command -v clang++ >/dev/null || { echo "clang++ missing (apt-get install -y clang libclang-rt-14-dev)" >&2; exit 2; }

cd "$here"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREDLINE_FUZZ=ON -DREDLINE_SANITIZE=ON >/dev/null
nice cmake --build build/fuzz -j2 --target extract_fuzz

mkdir -p "$work/corpus" "$work/artifacts"
if [ -z "$(ls -A "$work/corpus")" ]; then
  for f in "$shared"/eval/extraction/html/*.html.gz; do
    gzip -dc "$f" > "$work/corpus/$(basename "$f" .gz)"
  done
  [ -d "$shared/eval/revisions" ] && find "$shared/eval/revisions" -name '*.txt' -exec cp {} "$work/corpus/" \;
  cp tests/fuzz/corpus/extract_fuzz/* "$work/corpus/"
fi
echo "corpus: $(ls "$work/corpus" | wc -l) files; fuzzing for $seconds s"
# detect_leaks=1: a leak is a finding too. -timeout: one input may not take longer than 10 s.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  nice build/fuzz/tests/fuzz/extract_fuzz -max_total_time="$seconds" -max_len=200000 -timeout=10 \
  -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus"
