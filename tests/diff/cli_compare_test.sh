#!/bin/sh
# Runs the real `redline compare` on saved pages: exit statuses, formats, gzip and feed-archive input.
# Usage: cli_compare_test.sh REDLINE_BINARY DATA_DIR [DW_CORPUS_DIR]
set -u
redline=$1
data=$2
corpus=${3:-$(dirname "$0")/../data/revisions/dw}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

expect_status() {  # expected-status description command...
  want=$1; what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] || fail "$what: exit $got, want $want ($(head -c 300 "$tmp/err"))"
}

expect_status 0 "same file" "$redline" compare "$data/budget_v1.html" "$data/budget_v1.html"
grep -q '^(no change)$' "$tmp/out" || fail "same file: no '(no change)' line"

expect_status 1 "edited page" "$redline" compare "$data/budget_v1.html" "$data/budget_v2.html"
grep -qF 'early on [-Tuesday-]{+Wednesday+}, after' "$tmp/out" || fail "text: word diff missing"
grep -qF "{+Teachers' unions have called" "$tmp/out" || fail "text: added paragraph missing"
head -1 "$tmp/out" | grep -q '^# Council approves budget' || fail "text: headline is not the first line"

expect_status 1 "json" "$redline" compare --format json "$data/budget_v1.html" "$data/budget_v2.html"
python3 - "$tmp/out" <<'PY' || fail "json: wrong content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["classes"] == ["body", "lede"], d["classes"]  # Tuesday -> Wednesday in the first paragraph
assert d["summary"] == "1 paragraph added, 1 changed (+21/\u22121 words); lede changed", d["summary"]
assert d["facts"] == {"numbers": [], "quotes": [], "corrections": []}, d["facts"]
s = d["stats"]
assert (s["paragraphs_changed"], s["paragraphs_added"], s["words_removed"]) == (1, 1, 1), s
ops = [o for p in d["body"] for o in p.get("ops", []) if o["op"] == "del"]
assert ops[0]["text"] == "Tuesday" and ops[0]["old"] == 54, ops
PY

expect_status 1 "html" "$redline" compare --format html "$data/budget_v1.html" "$data/budget_v2.html"
head -1 "$tmp/out" | grep -q '^<!DOCTYPE html>' || fail "html: not a page"
grep -qF '<del>Tuesday</del><ins>Wednesday</ins>' "$tmp/out" || fail "html: del/ins missing"

expect_status 1 "ansi" "$redline" compare --format ansi "$data/budget_v1.html" "$data/budget_v2.html"
grep -q "$(printf '\033')\[31mTuesday" "$tmp/out" || fail "ansi: no red deletion"

gzip -c "$data/budget_v1.html" >"$tmp/budget_v1.html.gz"
expect_status 0 "gzip vs plain, same content" "$redline" compare "$tmp/budget_v1.html.gz" "$data/budget_v1.html"

expect_status 2 "missing file" "$redline" compare "$tmp/nope.html" "$data/budget_v1.html"
expect_status 2 "unknown format" "$redline" compare --format xml "$data/budget_v1.html" "$data/budget_v2.html"
expect_status 2 "one file only" "$redline" compare "$data/budget_v1.html"

[ -d "$corpus/a-70131509" ] || fail "no DW corpus at $corpus"
expect_status 1 "feed archive" "$redline" compare --format json "$corpus"/a-70131509/1725452224000.txt \
  "$corpus"/a-70131509/1725454025000.txt
grep -q '"minor"' "$tmp/out" || fail "feed archive: quote fix is not minor"
expect_status 0 "feed archive recapture" "$redline" compare "$corpus"/a-70072918/1725202024000.txt \
  "$corpus"/a-70072918/1725949024000.txt

[ "$failures" -eq 0 ] && echo "all redline compare checks passed"
exit "$failures"
