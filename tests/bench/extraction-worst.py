#!/usr/bin/env python3
"""extraction-worst.py PRED.jsonl [--cases cases.json] [-n 20] [--compare OTHER.jsonl]

Diagnostic for tuning the extractor (never used by it): lists the pages with the most wrong
segments, with each missed "with" segment (-) and each kept "without" segment (+), matched the way
score.py matches them (whitespace-normalized substrings). With --compare, lists the pages whose
count of wrong segments changed between OTHER (before) and PRED (after).
"""
import argparse, json, os, re

def norm(s):
    return re.sub(r"\s+", " ", s).strip()

def load(path):
    pred = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                pred[os.path.basename(o["file"])] = norm(o.get("body") or "")
    return pred

def wrong(case, body):
    missed = [w for w in case["with"] if norm(w) not in body]
    extra = [w for w in case["without"] if norm(w) in body]
    return missed, extra

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("predictions")
    ap.add_argument("--cases", default=os.path.join(here, "../../../shared/eval/extraction/cases.json"))
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--compare")
    a = ap.parse_args()
    cases = json.load(open(a.cases, encoding="utf-8"))
    pred = load(a.predictions)
    if a.compare:
        before = load(a.compare)
        for c in cases:
            f = os.path.basename(c["file"])
            m0, e0 = wrong(c, before.get(f, ""))
            m1, e1 = wrong(c, pred.get(f, ""))
            d = len(m1) + len(e1) - len(m0) - len(e0)
            if d:
                print(f"{d:+d} {f} missed {len(m0)}->{len(m1)} extra {len(e0)}->{len(e1)} {c['url']}")
        return
    rows = []
    for c in cases:
        f = os.path.basename(c["file"])
        body = pred.get(f, "")
        missed, extra = wrong(c, body)
        rows.append((len(missed) + len(extra), f, c["url"], missed, extra, len(body)))
    rows.sort(key=lambda r: -r[0])
    for bad, f, url, missed, extra, n in rows[: a.n]:
        print(f"{bad} {f} {url} (body {n} chars)")
        for w in missed:
            print(f"   - {norm(w)[:150]}")
        for w in extra:
            print(f"   + {norm(w)[:150]}")

if __name__ == "__main__":
    main()
