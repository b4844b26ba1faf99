#!/usr/bin/python3
"""Real clients against a running redline API: python3-feedparser, python3-jsonschema (against
docs/openapi.yaml), promtool, newsboat and a real Prometheus scraping /metrics.

Usage: api_clients.py PORT WORKDIR SOURCE_DIR. Exit 0 when every client agrees; prints what failed."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import feedparser
import jsonschema
import yaml

port, workdir, source = int(sys.argv[1]), sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what, flush=True)


def get(path):
    with urllib.request.urlopen(base + path, timeout=20) as r:
        return r.read()


# JSON responses against their schemas in docs/openapi.yaml.
spec = yaml.safe_load(open(os.path.join(source, "docs", "openapi.yaml")))
resolver = jsonschema.RefResolver.from_schema(spec)


def validate(path, schema):
    body = json.loads(get(path))
    try:
        jsonschema.Draft202012Validator({"$ref": "#/components/schemas/" + schema}, resolver=resolver).validate(body)
    except jsonschema.ValidationError as e:
        check(False, f"{path} does not match {schema}: {e.message}")
    return body


changes = validate("/api/v1/changes", "ChangePage")
articles = validate("/api/v1/articles", "ArticlePage")
key = urllib.parse.quote(articles["items"][0]["key"], safe="")
validate("/api/v1/status", "Status")
validate(f"/api/v1/articles/{key}", "Article")
validate(f"/api/v1/articles/{key}/versions/1", "Version")
validate(f"/api/v1/articles/{key}/diff", "Diff")
validate("/api/v1/watches", "WatchList")
validate("/api/v1/outbox?state=delivered", "OutboxList")

# Feeds: no parse error, entries round-trip.
for path in ["/feed.atom", f"/articles/{key}.atom", "/sites/127.0.0.1.atom"]:
    feed = feedparser.parse(get(path))
    check(feed.bozo == 0, f"{path}: feedparser bozo {feed.get('bozo_exception')}")
    check(len(feed.entries) == len(changes["items"]), f"{path}: {len(feed.entries)} entries")
    for entry, event in zip(feed.entries, changes["items"]):
        check(entry.id == "urn:redline:event:" + event["data"]["event_id"], f"{path}: entry id {entry.id}")
        check(event["data"]["new"]["headline"] in entry.title, f"{path}: title {entry.title!r}")
        html = entry.content[0].value
        check(entry.content[0].type == "text/html", f"{path}: content type {entry.content[0].type}")
        check("<ins>" in html or "<del>" in html, f"{path}: content has no redline")
        check("<script" not in html.lower() and "<img" not in html.lower(), f"{path}: live markup in content")
        check("&lt;script&gt;" in html, f"{path}: the hostile text is not kept as text")

# promtool.
metrics = get("/metrics")
r = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True)
check(r.returncode == 0, f"promtool check metrics: {r.stdout.decode()} {r.stderr.decode()}")

# newsboat reads /feed.atom.
nb = os.path.join(workdir, "newsboat")
os.makedirs(nb, exist_ok=True)
open(os.path.join(nb, "urls"), "w").write(base + "/feed.atom\n")
open(os.path.join(nb, "config"), "w").write("")
args = ["newsboat", "-u", os.path.join(nb, "urls"), "-c", os.path.join(nb, "cache.db"), "-C", os.path.join(nb, "config")]
r1 = subprocess.run(args + ["-x", "reload"], capture_output=True, timeout=60)
r2 = subprocess.run(args + ["-x", "print-unread"], capture_output=True, timeout=60)
unread = r2.stdout.decode().strip()
check(r1.returncode == 0 and unread.startswith(f"{len(changes['items'])} unread"),
      f"newsboat: reload {r1.returncode} {r1.stderr.decode()!r}, print-unread {unread!r}")

# A real Prometheus scrapes the daemon.
s = socket.socket()
s.bind(("127.0.0.1", 0))
prom_port = s.getsockname()[1]
s.close()
prom_dir = os.path.join(workdir, "prometheus")
os.makedirs(prom_dir, exist_ok=True)
open(os.path.join(prom_dir, "prometheus.yml"), "w").write(
    f"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: redline\n    static_configs:\n"
    f"      - targets: ['127.0.0.1:{port}']\n")
prom = subprocess.Popen(["prometheus", "--config.file=" + os.path.join(prom_dir, "prometheus.yml"),
                         "--storage.tsdb.path=" + os.path.join(prom_dir, "data"),
                         f"--web.listen-address=127.0.0.1:{prom_port}"],
                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(prom_dir, "log"), "w"))


def query(q):
    url = f"http://127.0.0.1:{prom_port}/api/v1/query?query=" + urllib.parse.quote(q)
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())["data"]["result"]


up, checks = [], []
try:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            up = query("up")
            checks = query("redline_checks_total")
            if up and up[0]["value"][1] == "1" and checks:
                break
        except OSError:
            pass
        time.sleep(0.5)
finally:
    prom.terminate()
    prom.wait(20)
check(bool(up) and up[0]["value"][1] == "1", f"prometheus up: {up}")
check(any(c["metric"].get("result") == "changed" for c in checks), f"prometheus redline_checks_total: {checks}")

print("clients:", "all agree" if not failures else f"{len(failures)} failures")
sys.exit(1 if failures else 0)
