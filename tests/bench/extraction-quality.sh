#!/bin/sh
# extraction-quality.sh [REDLINE] [EVAL_DIR]: extracts the 990 evaluation pages with
# `redline extract --format jsonl` and prints score.py's table (precision, recall, F1 against
# trafilatura & co.) and the 15 worst pages.
#   REDLINE   defaults to build/release/daemon/redline
#   EVAL_DIR  defaults to ../shared/eval/extraction beside the repository (score.py, cases.json, html/)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
redline=${1:-$here/build/release/daemon/redline}
eval_dir=${2:-$here/../shared/eval/extraction}
[ -x "$redline" ] || { echo "no redline binary at $redline (build the release preset or pass its path)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$eval_dir"
start=$(date +%s.%N)
# Exit status 2 only means some page failed to extract; score.py counts it as an empty body.
"$redline" extract --format jsonl html/*.html.gz > "$out/pred.jsonl" || [ $? -eq 2 ]
end=$(date +%s.%N)
echo "extracted $(wc -l < "$out/pred.jsonl") pages in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s"
python3 score.py "$out/pred.jsonl" --failures 15
