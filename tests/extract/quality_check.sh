#!/bin/sh
# quality_check.sh DRIVER EVAL_DIR MIN_F1: extracts the 990 evaluation pages with DRIVER
# (extract_quality), scores them with EVAL_DIR/score.py and fails when F1 < MIN_F1.
# Exit 77 (ctest: skipped) when the evaluation set or python3 is missing.
set -eu
driver=$1 eval_dir=$2 min_f1=$3
[ -f "$eval_dir/score.py" ] && [ -d "$eval_dir/html" ] || { echo "no evaluation set at $eval_dir"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$driver" "$eval_dir/html" "$out/pred.jsonl" 2
python3 "$eval_dir/score.py" "$out/pred.jsonl" --failures 10 | tee "$out/score.txt"
f1=$(sed -n 's/^F1 \([0-9.]*\) .*/\1/p' "$out/score.txt")
[ -n "$f1" ] || { echo "score.py printed no F1"; exit 1; }
if python3 -c "import sys; sys.exit(0 if float('$f1') >= float('$min_f1') else 1)"; then
  echo "quality: F1 $f1 >= $min_f1"
else
  echo "quality: F1 $f1 fell below $min_f1"
  exit 1
fi
