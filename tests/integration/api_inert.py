#!/usr/bin/python3
"""Hostile text (markup, ]]>, U+2028, invalid UTF-8) stays valid and inert in every format the API serves.

Usage: api_inert.py PORT KEY. For the article KEY and the lists: every JSON body is strict UTF-8 and parses
with a strict parser (no raw control characters, no raw U+2028/U+2029 either, no markup); every Atom feed is
strict UTF-8 and feedparser reads it with bozo == 0 and entries whose HTML has no live markup; the diff's HTML
fragment and text are strict UTF-8 without live markup. Exit 0 when all hold; prints what failed."""
import json
import sys
import urllib.parse
import urllib.request

import feedparser

port, key = int(sys.argv[1]), sys.argv[2]
base = f"http://127.0.0.1:{port}"
k = urllib.parse.quote(key, safe="")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what, flush=True)


def get(path):
    with urllib.request.urlopen(base + path, timeout=20) as r:
        return r.read()


def strict_text(path, body):
    try:
        return body.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        check(False, f"{path}: not UTF-8: {e}")
        return body.decode("utf-8", errors="replace")


def no_live_markup(path, text):
    lowered = text.lower()
    for bad in ("<script", "<img", "onerror=\"", "]]>"):
        check(bad not in lowered, f"{path}: live {bad!r}")


def reject_constant(name):
    raise ValueError(name)


for path in ["/api/v1/articles", f"/api/v1/articles?q={urllib.parse.quote('Flut')}", f"/api/v1/articles/{k}",
             f"/api/v1/articles/{k}/versions/1", f"/api/v1/articles/{k}/versions/-1", f"/api/v1/articles/{k}/diff",
             "/api/v1/changes", "/api/v1/status"]:
    text = strict_text(path, get(path))
    check("\u2028" not in text and "\u2029" not in text, f"{path}: raw U+2028/U+2029 (breaks JavaScript)")
    try:
        json.loads(text, strict=True, parse_constant=reject_constant)
    except ValueError as e:
        check(False, f"{path}: JSON does not parse strictly: {e}")
    no_live_markup(path, text)

changes = json.loads(get("/api/v1/changes"))
check(len(changes["items"]) >= 1, "no change recorded")
for path in ["/feed.atom", f"/articles/{k}.atom"]:
    body = get(path)
    no_live_markup(path, strict_text(path, body))  # the XML itself: markup only as escaped text
    feed = feedparser.parse(body)
    check(feed.bozo == 0, f"{path}: feedparser bozo: {feed.get('bozo_exception')}")
    check(len(feed.entries) >= 1, f"{path}: no entries")
    for e in feed.entries:
        for part in [c.value for c in e.get("content", [])]:  # the HTML (titles are text)
            for bad in ("<script", "<img"):
                check(bad not in part.lower(), f"{path} entry content: live {bad!r}")

for fmt in ["html", "text"]:
    path = f"/api/v1/articles/{k}/diff?format={fmt}"
    text = strict_text(path, get(path))
    if fmt == "html":  # the text format is plain text: markup in it is just characters
        no_live_markup(path, text)
    check(len(text) > 0, f"{path}: empty")

sys.exit(1 if failures else 0)
