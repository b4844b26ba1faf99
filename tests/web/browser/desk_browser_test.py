#!/usr/bin/env python3
"""The web desk in headless Chromium, driven by Selenium (docs/web.md, "Browser tests").

Against the real redlined (API on a free 127.0.0.1 port) watching a local news site whose articles change,
with two DW Chinese captures imported first (tests/data/revisions/dw): the timeline, a new change appearing
after a round, the filters, a Chinese headline search, the diff's three views and their <del>/<ins> text,
keyboard navigation, the version picker and slider, 360 px wide, a hostile article, axe-core's WCAG 2 A/AA rules
on every page in light and dark, the forms (logging in with a wrong, a read and a write token; adding and removing
a watch, refused without a write token; retrying a delivery a local webhook receiver made dead), and no console
error or failed request anywhere.

usage: desk_browser_test.py --bin-dir BUILD/daemon --source-dir REPO
Exits 77 (ctest: skipped) with one line when chromium, chromedriver or python3-selenium is missing.
REDLINE_SCREENSHOTS=docs/img (relative to the repository) also writes the PNGs shown in README.md and docs/web.md.
"""
import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None


def skip(reason):
    print(f"desk_browser_test: skipped: {reason}")
    sys.exit(77)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    skip("python3-selenium is not installed (scripts/install-deps.sh)")

WAIT = 60  # seconds: generous, the machine may be loaded; waits end as soon as the condition holds


# --- the local servers ---------------------------------------------------------------------------------

class QuietHandler(BaseHTTPRequestHandler):
    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler):
    """A threading HTTP server with `handler` on a free 127.0.0.1 port, running in the background."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the local news site ---------------------------------------------------------------------------------

class Site:
    """Articles as plain text (HTML-escaped when served, so hostile text reaches the extractor literally),
    wrapped in chrome that changes on every request, as real news sites do."""

    def __init__(self):
        self.lock = threading.Lock()
        self.articles = {}
        self.requests = 0
        site = self

        class Handler(QuietHandler):
            def do_GET(self):
                with site.lock:
                    article = site.articles.get(self.path)
                    site.requests += 1
                    n = site.requests
                    body = site.render(article, n).encode() if article else b"no such article"
                self.reply(200 if article else 404, "text/html; charset=utf-8" if article else "text/plain", body)

        self.server = serve(Handler)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def put(self, path, headline, byline, paragraphs, raw_tail="", lang="en"):
        with self.lock:
            self.articles[path] = {"headline": headline, "byline": byline, "paragraphs": list(paragraphs),
                                   "raw_tail": raw_tail, "lang": lang}

    def edit(self, path, fn):
        with self.lock:
            fn(self.articles[path])

    @staticmethod
    def render(a, n):
        e = lambda s: html.escape(s, quote=False)
        most_read = ["Markets rally on rate hopes", "Storm warning for the coast", "Local team wins the cup"]
        most_read = most_read[n % 3:] + most_read[:n % 3]
        out = (f"<!DOCTYPE html><html lang=\"{a['lang']}\"><head><meta charset=\"utf-8\"><title>{e(a['headline'])} | The "
               f"Daily Test</title></head><body><header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a>"
               f"</nav><div class=\"ticker\">Breaking: update number {n} — markets open higher</div></header>"
               f"<main><article><h1>{e(a['headline'])}</h1><p class=\"byline\">By <span rel=\"author\">"
               f"{e(a['byline'])}</span></p>")
        out += "".join(f"<p>{e(p)}</p>" for p in a["paragraphs"]) + a["raw_tail"]
        out += "</article><aside><h2>Most read</h2><ol>" + "".join(f"<li><a href=\"/x\">{m}</a></li>"
                                                                   for m in most_read)
        out += f"</ol></aside><div class=\"ad\">Advertisement: offer {n * 7919 % 1000}</div></main></body></html>"
        return out


HOSTILE_HEADLINE = ('Floods <script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> '
                    '</textarea> end')
HOSTILE_BYLINE = "Ann <b onmouseover=window.__pwned=4>Reporter</b>"
HOSTILE_PARAGRAPHS = [
    'Officials said <a href="javascript:window.__pwned=3">click here</a> on Monday morning.',
    "The road stays closed <script>window.__pwned=5</script> until the water recedes.",
    "Residents were asked to move their cars </textarea><svg onload=window.__pwned=6> uphill.",
]
# Real markup in the page (not text): the desk shows text only, so no link of it survives.
HOSTILE_RAW = '<p>Read the <a href="javascript:window.__pwned=9" onclick="window.__pwned=10">live blog</a> now.</p>'


# --- the webhook receiver ------------------------------------------------------------------------------

class Receiver:
    """A Standard Webhooks endpoint on 127.0.0.1 that answers `status` (500 until switched) and records every
    delivery by its webhook-id, with the status it answered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.status = 500
        self.seen = {}  # webhook-id -> [answered status, ...]
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = receiver.status
                    receiver.seen.setdefault(self.headers.get("webhook-id", ""), []).append(status)
                self.reply(status, "text/plain", b"ok" if status < 300 else b"receiver down")

        self.server = serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def answer(self, status):
        with self.lock:
            self.status = status

    def answered(self, event_id):
        with self.lock:
            return list(self.seen.get(event_id, []))


READ_TOKEN = "r" * 40
WRITE_TOKEN = "w" * 40
WRONG_TOKEN = "x" * 40


# --- the daemon ----------------------------------------------------------------------------------------

class Desk:
    def __init__(self, bin_dir, source_dir, site, receiver):
        self.dir = tempfile.mkdtemp(prefix="redline-browser-")
        self.config = os.path.join(self.dir, "redline.toml")
        self.bin_dir = bin_dir
        watches = "".join(f"[[watch]]\nurl = \"{site.url(p)}\"\nevery = \"1s\"\n"
                          for p in ("/news/floods", "/news/zh", "/news/hostile"))
        with open(self.config, "w") as f:
            f.write("[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
                    "[api]\nlisten = \"127.0.0.1:0\"\n[[site]]\nmatch = \"dw.com\"\nid = '/a-(\\d+)'\n"
                    "drop_text = ['^获取更多RSS', 'feedx\\.(?:net|fun|run|top)']\n" + watches +
                    # Logging in (docs/web.md): a read and a write token.
                    f"[[api.token]]\nname = \"reader\"\ntoken = \"{READ_TOKEN}\"\nscope = \"read\"\n"
                    f"[[api.token]]\nname = \"writer\"\ntoken = \"{WRITE_TOKEN}\"\nscope = \"write\"\n"
                    # Deliveries die fast: retried for 1 s (the shortest max_age), so a failing receiver makes
                    # every event dead after its first attempt or two.
                    "[notify]\nmax_age = \"1s\"\n"
                    f"[[webhook]]\nname = \"newsroom\"\nurl = \"{receiver.url}\"\n"
                    "secret = \"whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"\n")
        # Two DW Chinese articles with their real edits, imported as versions (and, with --notify, as
        # events: the timeline lists events) before the daemon starts.
        dw = os.path.join(source_dir, "tests/data/revisions/dw")
        subprocess.run([os.path.join(bin_dir, "redline"), "--config", self.config, "import",
                        "--notify", os.path.join(dw, "a-70283291"), os.path.join(dw, "a-70038267")],
                       cwd=self.dir, check=True, capture_output=True, timeout=120)
        self.log_path = os.path.join(self.dir, "redlined.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([os.path.join(bin_dir, "redlined"), "--config", self.config],
                                     cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = None
        end = time.monotonic() + WAIT
        while time.monotonic() < end and self.port is None:
            with open(self.log_path) as f:
                m = re.search(r"listening on 127\.0\.0\.1:([0-9]+)", f.read())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.1)
        if self.port is None:
            raise RuntimeError("redlined did not start:\n" + open(self.log_path).read())
        self.base = f"http://127.0.0.1:{self.port}"

    def get_json(self, path):
        with urllib.request.urlopen(self.base + path, timeout=30) as r:
            return json.load(r)

    def articles(self):
        return {a["url"]: a for a in self.get_json("/api/v1/articles?limit=50")["items"]}

    def wait_versions(self, site, path, count):
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            a = self.articles().get(site.url(path))
            if a and a["versions"] >= count:
                return a
            time.sleep(0.2)
        raise AssertionError(f"{path} never reached {count} versions:\n" + open(self.log_path).read()[-4000:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the tests -----------------------------------------------------------------------------------------

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => v.id + ' (' + v.help + '): ' +
                                  v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"""


class DeskBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site()
        s = cls.site
        s.put("/news/floods", "River road closed after floods", "Jane Doe",
              ["Heavy rain overnight flooded the river road between the two bridges, officials said.",
               "The road will stay closed until Friday, the council said in a statement.",
               "Residents of the lower town were asked to move their cars to higher ground."])
        s.put("/news/zh", "德国联邦议院今天通过新的联邦预算法案", "德国之声中文网",
              ["德国联邦议院周四以多数票通过了明年的联邦预算，总额约为四千八百亿欧元。",
               "反对党批评政府在国防和社会福利方面的支出安排不够透明。",
               "预算法案还需经过联邦参议院的审议才能正式生效。"], lang="zh")
        s.put("/news/hostile", HOSTILE_HEADLINE, HOSTILE_BYLINE, HOSTILE_PARAGRAPHS, HOSTILE_RAW)
        for width in ("wide", "narrow"):  # pages the watch flows add (one per screen width)
            s.put(f"/news/extra-{width}", f"Bridge repairs begin ({width})", "Sam Lee",
                  ["Work on the old bridge starts on Tuesday.", "It should take three weeks."])
        cls.receiver = Receiver()
        cls.desk = Desk(ARGS.bin_dir, ARGS.source_dir, s, cls.receiver)
        try:
            for path in ("/news/floods", "/news/zh", "/news/hostile"):
                cls.desk.wait_versions(s, path, 1)
            s.edit("/news/floods", lambda a: a["paragraphs"].__setitem__(
                1, "The road will stay closed until Monday, the council said in a statement."))
            s.edit("/news/zh", lambda a: a.__setitem__("headline", "德国联邦议院今天否决新的联邦预算法案"))

            def hostile_edit(a):
                a["headline"] += " <script>window.__pwned=7</script>"
                a["paragraphs"].append("A new paragraph <iframe src=javascript:window.__pwned=8></iframe> was added.")
            s.edit("/news/hostile", hostile_edit)
            keys = {}
            for path in ("/news/floods", "/news/zh", "/news/hostile"):
                keys[path] = cls.desk.wait_versions(s, path, 2)["key"]
            cls.keys = keys
            cls.driver = cls.start_browser()
        except BaseException:
            cls.desk.stop()
            raise
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "axe.min.js")) as f:
            cls.axe_source = f.read()
        cls.request_urls = {}  # request id -> URL, from the performance log

    @classmethod
    def start_browser(cls):
        chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
        cls.profile = tempfile.mkdtemp(prefix="redline-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  f"--user-data-dir={cls.profile}", "--window-size=1200,860", "--lang=en-US", "--no-first-run",
                  "--disable-extensions", "--disable-background-networking", "--disable-sync",
                  "--disable-component-update", "--disable-default-apps", "--force-color-profile=srgb",
                  "--hide-scrollbars"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        driver = webdriver.Chrome(service=service, options=opts)
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        # What the browser did before the first test (its start page) is not the desk's.
        driver.get("about:blank")
        driver.get_log("browser")
        driver.get_log("performance")
        return driver

    @classmethod
    def tearDownClass(cls):
        try:
            cls.driver.quit()
        finally:
            cls.desk.stop()
            cls.site.server.shutdown()
            cls.receiver.server.shutdown()
            shutil.rmtree(cls.profile, ignore_errors=True)

    # --- helpers ---

    def href(self, key, suffix=""):
        return "/a/" + urllib.parse.quote(key, safe="") + suffix

    def drain_logs(self, allow_status=()):
        """Console errors and failed requests since the last call, as sentences."""
        out = []
        urls = self.request_urls
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and not any(f" {s} " in entry["message"] for s in allow_status):
                out.append("console: " + entry["message"])
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            p = msg.get("params", {})
            if msg["method"] == "Network.requestWillBeSent":
                urls[p["requestId"]] = p["request"]["url"]
            elif msg["method"] == "Network.loadingFailed" and not p.get("canceled"):
                out.append(f"request failed: {urls.get(p['requestId'], p)}: {p.get('errorText')} "
                           f"{p.get('blockedReason', '')}")
            elif msg["method"] == "Network.responseReceived" and p["response"]["status"] >= 400 \
                    and p["response"]["status"] not in allow_status:
                out.append(f"HTTP {p['response']['status']}: {p['response']['url']}")
        return out

    def visit(self, path, allow_status=()):
        self.driver.get(self.desk.base + path)
        self.wait_ready()
        self.assertEqual(self.drain_logs(allow_status), [], path)

    def wait_ready(self):
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def wait_url(self, fragment):
        WebDriverWait(self.driver, WAIT).until(lambda d: fragment in d.current_url, f"no {fragment} in the URL")
        self.wait_ready()

    def texts(self, css):
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css)]

    def text_content(self, css):
        return [e.get_attribute("textContent") for e in self.driver.find_elements(By.CSS_SELECTOR, css)]

    def press(self, key):
        ActionChains(self.driver).send_keys(key).perform()

    def active(self, attr):
        return self.driver.execute_script(f"return document.activeElement.{attr}")

    def axe(self, label):
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        violations = self.driver.execute_async_script(AXE_RUN)
        self.assertEqual(violations, [], f"axe-core WCAG 2 A/AA on {label}")

    def dark(self, on):
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]})

    def narrow(self, on):
        if on:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True})
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def all_pages(self):
        floods, zh, hostile = (self.keys[p] for p in ("/news/floods", "/news/zh", "/news/hostile"))
        pages = ["/", "/?classes=headline", "/?q=" + urllib.parse.quote("联邦预算"), self.href(floods),
                 self.href(floods, "/v/1"), self.href("dw.com:70283291"), self.href(hostile),
                 self.href(hostile, "/v/2")]
        for key in (floods, "dw.com:70283291", hostile):
            pages += [self.href(key, f"/diff?from=1&to=2&view={v}") for v in ("inline", "side", "changes")]
        return pages + self.admin_pages()

    def admin_pages(self):
        """/watches, /status and /login where this build serves them (another part of the desk)."""
        found = []
        for path in ("/watches", "/status", "/login"):
            try:
                with urllib.request.urlopen(self.desk.base + path, timeout=30) as r:
                    if r.status == 200 and r.headers.get_content_type() == "text/html":
                        found.append(path)
            except urllib.error.HTTPError:
                pass
        return found

    def screenshot(self, name, scroll_to=None):
        """docs/img/NAME when REDLINE_SCREENSHOTS is set; scroll_to: an element to bring near the top."""
        target = os.environ.get("REDLINE_SCREENSHOTS")
        if not target:
            return
        if scroll_to:
            self.driver.execute_script("const e = document.querySelector(arguments[0]);"
                                       "if (e && e.getBoundingClientRect().top > 420) window.scrollTo(0, "
                                       "window.scrollY + e.getBoundingClientRect().top - 160);", scroll_to)
        folder = target if os.path.isabs(target) else os.path.join(ARGS.source_dir, target)
        os.makedirs(folder, exist_ok=True)
        self.driver.save_screenshot(os.path.join(folder, name))

    def setUp(self):
        self.started = time.monotonic()

    def tearDown(self):
        print(f"({time.monotonic() - self.started:.1f} s)", end=" ", file=sys.stderr, flush=True)
        self.dark(False)
        self.narrow(False)

    # --- the flows, in order (the first adds a version to the floods article) ---

    def test_01_new_change_appears_after_a_round(self):
        self.visit("/")
        heads = self.texts("ol.timeline .row .head")
        self.assertTrue(any("否决" in h for h in heads), heads)
        self.assertFalse(any("reopens" in h for h in heads), heads)
        self.screenshot("desk-timeline.png")
        self.site.edit("/news/floods", lambda a: a.__setitem__("headline", "River road reopens after floods"))

        def appeared(d):
            d.refresh()
            return any("reopens" in e.text for e in d.find_elements(By.CSS_SELECTOR, "ol.timeline .row .head"))
        WebDriverWait(self.driver, WAIT, poll_frequency=0.5).until(appeared, "the new change never showed")
        self.wait_ready()
        row = next(e for e in self.driver.find_elements(By.CSS_SELECTOR, "ol.timeline .row")
                   if "reopens" in e.text)
        # The headline's own redline: "closed" struck, "reopens" inserted.
        self.assertEqual(self.text_content_in(row, "del"), ["closed"])
        self.assertEqual(self.text_content_in(row, "ins"), ["reopens"])
        self.assertIn("headline", [b.text for b in row.find_elements(By.CSS_SELECTOR, ".badge")])
        self.assertEqual(self.drain_logs(), [])

    @staticmethod
    def text_content_in(element, css):
        return [e.get_attribute("textContent") for e in element.find_elements(By.CSS_SELECTOR, css)]

    def test_02_filters_and_chinese_search(self):
        self.visit("/")
        # Class: tick "headline" and submit; every row is a headline change, the body-only edit is gone.
        self.driver.find_element(By.CSS_SELECTOR, "label[for=f-headline]").click()
        self.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        self.wait_url("classes=headline")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "ol.timeline .row")
        self.assertGreaterEqual(len(rows), 4, [r.text for r in rows])  # zh, hostile, two DW, floods
        for row in rows:
            self.assertIn("headline", [b.text for b in row.find_elements(By.CSS_SELECTOR, ".badge")], row.text)
        self.assertFalse(any("Monday" in r.text for r in rows))
        self.assertTrue(self.driver.find_element(By.ID, "f-headline").is_selected())
        self.assertEqual(self.drain_logs(), [])
        # Site: only DW's rows, then only the local site's.
        self.visit("/")
        field = self.driver.find_element(By.ID, "f-site")
        field.send_keys("dw.com", Keys.ENTER)
        self.wait_url("site=dw.com")
        sites = self.texts("ol.timeline .row .site")
        self.assertEqual(sorted(sites), ["www.dw.com", "www.dw.com"])
        field = self.driver.find_element(By.ID, "f-site")
        self.assertEqual(field.get_attribute("value"), "dw.com")
        field.clear()
        field.send_keys("127.0.0.1", Keys.ENTER)
        self.wait_url("site=127.0.0.1")
        sites = self.texts("ol.timeline .row .site")
        self.assertGreaterEqual(len(sites), 3)
        self.assertTrue(all(s == "127.0.0.1" for s in sites), sites)
        # A Chinese headline search: the zh article only, its headline redline shown.
        self.visit("/")
        self.driver.find_element(By.ID, "f-q").send_keys("联邦预算", Keys.ENTER)
        self.wait_url("q=")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "ol.timeline .row")
        self.assertEqual(len(rows), 1, [r.text for r in rows])
        self.assertEqual(self.text_content_in(rows[0], ".head del"), ["通过"])
        self.assertEqual(self.text_content_in(rows[0], ".head ins"), ["否决"])
        self.assertEqual(self.driver.find_element(By.ID, "f-q").get_attribute("value"), "联邦预算")
        self.assertEqual(self.drain_logs(), [])

    def test_03_diff_views_show_exactly_the_edit(self):
        floods = self.keys["/news/floods"]
        self.visit(self.href(floods, "/diff?from=1&to=2"))
        for view in ("inline", "side", "changes"):
            self.assertIn(f"view={view}" if view != "inline" else "/diff", self.driver.current_url)
            self.assertEqual(self.text_content("section.diff del"), ["Friday"], view)
            self.assertEqual(self.text_content("section.diff ins"), ["Monday"], view)
            current = self.driver.find_element(By.CSS_SELECTOR, "nav.views a[aria-current=page]").text
            self.assertEqual(current, {"inline": "Inline", "side": "Side by side", "changes": "Changes only"}[view])
            if view == "side":  # the old text in the left column, the new in the right
                self.assertEqual(self.text_content(".old-col del"), ["Friday"])
                self.assertEqual(self.text_content(".new-col ins"), ["Monday"])
            if view != "changes":  # switch by clicking the next view's link
                nxt = {"inline": "Side by side", "side": "Changes only"}[view]
                self.driver.find_element(By.LINK_TEXT, nxt).click()
                self.wait_url("view=" + {"inline": "side", "side": "changes"}[view])
        self.assertEqual(self.drain_logs(), [])
        # The article's language on <main>.
        self.visit(self.href(self.keys["/news/zh"], "/diff"))
        self.assertEqual(self.driver.find_element(By.ID, "main").get_attribute("lang"), "zh")
        # The DW article: a headline insertion and inserted paragraphs.
        self.visit(self.href("dw.com:70283291", "/diff?from=1&to=2"))
        self.assertEqual(self.text_content("h1.diff-headline ins"), [" 许诺350亿欧元贷款"])
        self.assertIn("同泽连斯基会晤后，冯德莱恩对记者宣布，欧盟即将向乌克兰提供350亿欧元的贷款",
                      "".join(self.text_content("section.diff ins")))
        self.visit(self.href("dw.com:70038267", "/diff?from=1&to=2"))
        self.screenshot("desk-diff-inline.png", scroll_to=".para.changed")
        self.visit(self.href("dw.com:70283291", "/diff?from=1&to=2&view=side"))
        self.screenshot("desk-diff-side.png", scroll_to=".side .para.added")
        self.dark(True)
        self.visit("/")
        self.screenshot("desk-dark.png", scroll_to="ol.timeline")

    def test_04_keyboard(self):
        record = self.desk.articles()[self.site.url("/news/floods")]
        self.assertEqual(record["versions"], 3, "the floods article needs the third version test_01 makes")
        # Timeline: j/k between changes, Enter opens the focused one.
        self.visit("/")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "ol.timeline .row")
        self.press("j")
        self.assertEqual(self.active("dataset.event"), rows[0].get_attribute("data-event"))
        self.press("j")
        self.assertEqual(self.active("dataset.event"), rows[1].get_attribute("data-event"))
        self.press("k")
        self.assertEqual(self.active("dataset.event"), rows[0].get_attribute("data-event"))
        target = rows[0].find_element(By.CSS_SELECTOR, "a.open").get_attribute("href")
        self.press(Keys.ENTER)
        WebDriverWait(self.driver, WAIT).until(lambda d: d.current_url == target)
        self.wait_ready()
        # Diff: n/p between edits, s through the views.
        floods = self.keys["/news/floods"]
        self.visit(self.href(floods, "/diff?from=1&to=2"))
        self.press("n")
        self.assertEqual((self.active("tagName"), self.active("textContent")), ("DEL", "Friday"))
        self.press("n")
        self.assertEqual((self.active("tagName"), self.active("textContent")), ("INS", "Monday"))
        self.press("p")
        self.assertEqual((self.active("tagName"), self.active("textContent")), ("DEL", "Friday"))
        for view in ("side", "changes", "inline"):
            self.press("s")
            self.wait_url("view=" + view)
        # Article: j/k through the version rows (newest first), Enter opens that version.
        self.visit(self.href(floods))
        self.press("j")
        self.press("j")
        self.press("k")
        self.press("j")
        self.press(Keys.ENTER)
        self.wait_url("/v/2")
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "h1").text, "River road closed after floods")
        self.assertIn("until Monday", self.driver.find_element(By.TAG_NAME, "article").text)
        # Version pages: the previous/next links, by keyboard focus and Enter.
        link = self.driver.find_element(By.CSS_SELECTOR, "a[rel=next]")
        self.driver.execute_script("arguments[0].focus()", link)
        self.press(Keys.ENTER)
        self.wait_url("/v/3")
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "h1").text, "River road reopens after floods")
        # The version picker submits on change (the script): from 1 to 3.
        self.visit(self.href(floods, "/diff"))
        self.assertEqual(self.text_content("h1.diff-headline del"), ["closed"])
        Select(self.driver.find_element(By.ID, "pick-from")).select_by_value("1")
        self.wait_url("from=1")
        self.assertIn("to=3", self.driver.current_url)
        self.assertEqual(self.text_content("section.diff del"), ["Friday"])
        self.assertEqual(self.drain_logs(), [])

    def test_05_narrow_screen(self):
        self.narrow(True)
        for path in self.all_pages():
            self.visit(path)
            self.assertEqual(self.driver.execute_script("return window.innerWidth"), 360)
            width = self.driver.execute_script("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, 360, f"{path} scrolls sideways at 360 px")
        # The flows still work: a filter, the side view's two columns stacked, the keys.
        self.visit("/")
        self.driver.find_element(By.ID, "f-q").send_keys("联邦预算", Keys.ENTER)
        self.wait_url("q=")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "ol.timeline .row")), 1)
        floods = self.keys["/news/floods"]
        self.visit(self.href(floods, "/diff?from=1&to=2&view=side"))
        old, new = (self.driver.find_elements(By.CSS_SELECTOR, sel)[1] for sel in (".old-col", ".new-col"))
        self.assertLess(old.rect["y"], new.rect["y"])  # one column: before above after
        self.assertEqual(self.text_content("section.diff del"), ["Friday"])
        self.press("n")
        self.assertEqual(self.active("textContent"), "Friday")
        self.press("s")
        self.wait_url("view=changes")
        self.assertLessEqual(self.driver.execute_script("return document.documentElement.scrollWidth"), 360)

    def test_06_hostile_article_is_inert_and_literal(self):
        hostile = self.keys["/news/hostile"]
        pages = ["/", self.href(hostile), self.href(hostile, "/v/1"), self.href(hostile, "/v/2")] + \
            [self.href(hostile, f"/diff?view={v}") for v in ("inline", "side", "changes")]
        for path in pages:
            self.visit(path)
            for el in self.driver.find_elements(By.CSS_SELECTOR, "a"):  # hover and focus whatever is there
                self.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles:true}))",
                                           el)
            self.assertEqual(self.driver.execute_script("return typeof window.__pwned"), "undefined", path)
            hrefs = [a.get_attribute("href") or "" for a in self.driver.find_elements(By.CSS_SELECTOR, "a")]
            self.assertFalse([h for h in hrefs if not h.startswith(("http://", "https://"))], path)
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "main script, main img, main svg, "
                                                                        "main iframe, main textarea, main b"), [])
        self.visit(self.href(hostile, "/v/1"))
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "h1").text, HOSTILE_HEADLINE)
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "article .byline").text, "By " + HOSTILE_BYLINE)
        body = self.driver.find_element(By.TAG_NAME, "article").text
        for p in HOSTILE_PARAGRAPHS:
            self.assertIn(p, body)
        self.assertIn("Read the live blog now.", body)  # the real link: its text only
        self.visit(self.href(hostile, "/diff"))
        self.assertEqual(self.text_content("h1.diff-headline ins"), [" <script>window.__pwned=7</script>"])
        self.assertIn("A new paragraph <iframe src=javascript:window.__pwned=8></iframe> was added.",
                      self.text_content("section.diff ins"))
        self.visit("/")
        heads = self.texts("ol.timeline .row .head")
        self.assertTrue(any("<script>window.__pwned=1</script>" in h for h in heads), heads)
        self.assertEqual(self.driver.execute_script("return typeof window.__pwned"), "undefined")

    def test_07_accessibility_light_and_dark(self):
        for dark in (False, True):
            self.dark(dark)
            for path in self.all_pages():
                self.visit(path)
                self.axe(f"{path} ({'dark' if dark else 'light'})")
        # The check can fail: an unlabelled field added to the page is a violation.
        self.driver.execute_script("document.querySelector('main').append(document.createElement('input'))")
        self.assertIn("label", " ".join(self.driver.execute_async_script(AXE_RUN)))
        # The error page too (its 404 is expected).
        self.visit("/a/nothing-here", allow_status=(404,))
        self.axe("the 404 page")


    def test_08_tab_reaches_every_control(self):
        floods = self.keys["/news/floods"]
        for path in ("/", self.href(floods), self.href(floods, "/diff?from=1&to=2&view=side"),
                     self.href(floods, "/v/2")):
            self.visit(path)
            count = self.driver.execute_script("""
                const all = Array.from(document.querySelectorAll('a[href], button, select, input:not([type=hidden])'));
                all.forEach((e, i) => e.dataset.tabIndexSeen = i);
                return all.length;""")
            seen = []
            # (a date field takes three stops: month, day, year)
            while len(seen) < 2 * count + 8 and len({i for i in seen if i is not None}) < count:
                self.press(Keys.TAB)
                seen.append(self.active("dataset.tabIndexSeen"))
                if len(seen) == 1:  # the skip link comes first and shows itself when focused
                    self.assertEqual(self.active("textContent"), "Skip to content")
                    self.assertGreaterEqual(self.driver.execute_script(
                        "return document.activeElement.getBoundingClientRect().left"), 0)
            self.assertEqual(sorted({int(i) for i in seen if i is not None}), list(range(count)), path)

    # --- the forms: logging in, adding and removing a watch, refusals, retrying a dead delivery ---

    def submit(self, element, allow_status=()):
        """Clicks a form's button (or presses Enter in a field) and waits for the page it leads to."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        if element.tag_name == "input" and element.get_attribute("type") != "submit":
            element.send_keys(Keys.ENTER)
        else:
            element.click()
        # While the old document is torn down, asking about its element can fail with a transient
        # "Node with given id does not belong to the document" instead of the stale-element answer
        # the next poll gives: such errors are retried, not taken for a failure.
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
            staleness_of(old), "the form did not load a page")
        self.wait_ready()
        self.assertEqual(self.drain_logs(allow_status), [], self.driver.current_url)

    def notice(self):
        return " ".join(self.texts("main .notice"))

    def log_in(self, token, next_path=None):
        """Logs in on /login?next=NEXT_PATH, or with the login form already shown when next_path is None."""
        if next_path is not None:
            self.visit("/login?next=" + urllib.parse.quote(next_path, safe=""))
        field = self.driver.find_element(By.ID, "token")
        field.send_keys(token)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]"),
                    allow_status=(401,) if token == WRONG_TOKEN else ())

    def log_out(self):
        self.visit("/login")
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "#logout button")
        if buttons:
            self.submit(buttons[0])
        self.assertEqual(self.session_cookie(), None)

    def session_cookie(self):
        return next((c["value"] for c in self.driver.get_cookies() if c["name"] == "redline_token"), None)

    def runtime_urls(self):
        return [b.get_attribute("value") for b in
                self.driver.find_elements(By.CSS_SELECTOR, "#remove-watches button[name=remove]")]

    def check_width(self, narrow):
        if narrow:
            self.assertLessEqual(self.driver.execute_script("return document.documentElement.scrollWidth"), 360,
                                 self.driver.current_url)

    def add_watch(self, url, every=""):
        self.driver.find_element(By.ID, "add-url").send_keys(url)
        if every:
            self.driver.find_element(By.ID, "add-every").send_keys(every)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "#add-watch button[type=submit]"),
                    allow_status=(403,))

    def watch_flows(self, width):
        narrow = width == "narrow"
        self.narrow(narrow)
        url = self.site.url(f"/news/extra-{width}")
        # Logged out: the page says a write token is needed; the form sent anyway adds nothing and the
        # login page says why.
        self.log_out()
        self.visit("/watches")
        self.assertIn("Changes here need a token with scope “write”", self.notice())
        self.add_watch(url)
        self.assertIn("/login?next=%2Fwatches&need=write", self.driver.current_url)
        self.assertIn("Nothing was changed: that needs a token with scope \"write\"", self.notice())
        self.check_width(narrow)
        # A wrong token (in the form that page shows): refused with a message, no cookie.
        self.log_in(WRONG_TOKEN)
        self.assertIn("/login", self.driver.current_url)
        self.assertIn("That is not one of the configured tokens", self.driver.find_element(
            By.CSS_SELECTOR, "main [role=alert]").text)
        self.assertIsNone(self.session_cookie())
        self.check_width(narrow)
        # A read token (in the form shown again): logged in, but the add is refused (403) with the reason.
        self.log_in(READ_TOKEN)
        self.assertTrue(self.driver.current_url.endswith("/watches"), self.driver.current_url)
        self.assertIn("a read token", self.notice())
        self.add_watch(url)
        self.assertIn("has scope \"read\"; this needs a token with scope \"write\"", self.driver.find_element(
            By.TAG_NAME, "main").text)
        self.visit("/watches")
        self.assertNotIn(url, self.runtime_urls())
        # The write token: the watch is added, listed, and checked once.
        self.log_in(WRITE_TOKEN, "/watches")
        self.assertEqual(self.session_cookie(), WRITE_TOKEN)
        self.assertIn("Logged in as “writer” (write)", self.driver.find_element(By.TAG_NAME, "main").text)
        self.add_watch(url, "1m")
        self.assertIn("done=added", self.driver.current_url)
        self.assertIn("Now watching " + url, self.notice())
        self.assertIn(url, self.runtime_urls())
        self.check_width(narrow)

        def checked(d):
            d.refresh()
            row = [r for r in d.find_elements(By.CSS_SELECTOR, "#remove-watches tbody tr") if url in r.text]
            return row and row[0].find_elements(By.CSS_SELECTOR, "td:nth-child(4) time")
        WebDriverWait(self.driver, WAIT, poll_frequency=0.5).until(checked, "the added watch was never checked")
        self.wait_ready()
        self.assertEqual(self.drain_logs(), [])
        row = next(r for r in self.driver.find_elements(By.CSS_SELECTOR, "#remove-watches tbody tr") if url in r.text)
        self.assertIn("every 1m", row.text)
        self.assertTrue(any(a["url"] == url and a["versions"] == 1 for a in self.desk.articles().values()))
        if not narrow:  # (axe's rules do not depend on the width; it costs a second a page)
            self.axe("/watches logged in")
        # Removed again.
        self.submit(self.driver.find_element(By.CSS_SELECTOR,
                                             f"#remove-watches button[name=remove][value='{url}']"))
        self.assertIn("done=removed", self.driver.current_url)
        self.assertIn("No longer watching " + url, self.notice())
        self.assertNotIn(url, self.runtime_urls())

    def test_09_login_and_watch_forms(self):
        for width in ("wide", "narrow"):
            self.watch_flows(width)

    def dead_events(self):
        return [b.get_attribute("value") for b in self.driver.find_elements(
            By.XPATH, "//h3[@id='dead-heading']/following-sibling::div[1]//button[@name='retry']")]

    def retry_flow(self, narrow):
        self.narrow(narrow)
        self.receiver.answer(500)
        if self.session_cookie() == WRITE_TOKEN:
            self.visit("/status")
        else:
            self.log_in(WRITE_TOKEN, "/status")
        # Every event the receiver refused is dead after a second (max_age); take one it saw.
        found = {}

        def dead_and_seen(d):
            d.refresh()
            seen = [e for e in self.dead_events() if self.receiver.answered(e)]
            found["id"] = seen[0] if seen else None
            return found["id"]
        WebDriverWait(self.driver, WAIT, poll_frequency=0.5).until(dead_and_seen, "no dead delivery on /status")
        self.wait_ready()
        self.assertEqual(self.drain_logs(), [])
        event_id = found["id"]
        before = self.receiver.answered(event_id)
        self.assertTrue(before and all(s == 500 for s in before), before)
        self.assertIn("HTTP 500", self.driver.find_element(By.TAG_NAME, "main").text)
        self.check_width(narrow)
        if not narrow:
            self.axe("/status with dead deliveries, logged in")
        # The receiver is back; Retry: delivered with the same webhook-id, no longer dead.
        self.receiver.answer(200)
        self.submit(self.driver.find_element(By.CSS_SELECTOR,
                                             f"#outbox-actions button[name=retry][value='{event_id}']"))
        self.assertIn("done=retried", self.driver.current_url)
        self.assertIn("Queued again for delivery: " + event_id, self.notice())
        WebDriverWait(self.driver, WAIT, poll_frequency=0.2).until(
            lambda d: self.receiver.answered(event_id)[-1] == 200, "the retried delivery never came")
        self.assertEqual(self.receiver.answered(event_id)[:len(before)], before)

        def gone(d):
            d.refresh()
            return not d.find_elements(By.CSS_SELECTOR, f"#outbox-actions button[value='{event_id}']")
        WebDriverWait(self.driver, WAIT, poll_frequency=0.5).until(gone, "the event is still listed")
        self.wait_ready()
        self.assertNotIn(event_id, self.dead_events())
        self.assertEqual(self.drain_logs(), [])
        self.receiver.answer(500)

    def test_10_retry_a_dead_delivery(self):
        for narrow in (False, True):
            self.retry_flow(narrow)

    def test_11_version_slider(self):
        # Three versions of the floods article (test_01): the slider stands on the newest change.
        floods = self.keys["/news/floods"]
        self.visit(self.href(floods, "/diff"))
        slider = self.driver.find_element(By.ID, "slide-to")
        self.assertTrue(slider.is_displayed())
        self.assertEqual((slider.get_attribute("min"), slider.get_attribute("max"), slider.get_attribute("value")),
                         ("2", "3", "3"))
        self.assertRegex(slider.get_attribute("aria-valuetext"),
                         r"^version 3 of 3, .* UTC \(compared with version 2\)$")
        self.assertEqual(self.text_content("h1.diff-headline del"), ["closed"])
        # Keys: Left loads the change into version 2 (Friday → Monday), the focus stays on the slider.
        slider.send_keys(Keys.ARROW_LEFT)
        self.wait_url("to=2")
        self.assertIn("from=1", self.driver.current_url)
        self.assertEqual(self.drain_logs(), [])
        self.assertEqual(self.text_content("section.diff del"), ["Friday"])
        self.assertEqual(self.active("id"), "slide-to")
        self.assertTrue(self.active("getAttribute('aria-valuetext')").startswith("version 2 of 3, "))
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "form.slider output").text,
                         self.active("getAttribute('aria-valuetext')"))
        self.press(Keys.ARROW_RIGHT)
        self.wait_url("to=3")
        self.assertEqual(self.text_content("h1.diff-headline del"), ["closed"])
        # The pointer: a click at the slider's left end, in the side view (kept).
        self.driver.find_element(By.LINK_TEXT, "Side by side").click()
        self.wait_url("view=side")
        slider = self.driver.find_element(By.ID, "slide-to")
        left_end = -slider.rect["width"] // 2 + 2
        ActionChains(self.driver).move_to_element_with_offset(slider, left_end, 0).click().perform()
        self.wait_url("to=2")
        self.assertIn("view=side", self.driver.current_url)
        self.assertEqual(self.text_content(".old-col del"), ["Friday"])
        self.assertEqual(self.drain_logs(), [])
        self.axe("the diff with its slider")
        # At 360 px it fits.
        self.narrow(True)
        self.visit(self.href(floods, "/diff"))
        self.assertTrue(self.driver.find_element(By.ID, "slide-to").is_displayed())
        self.check_width(True)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True, help="the folder holding redlined and redline")
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.bin_dir, ARGS.source_dir = os.path.abspath(ARGS.bin_dir), os.path.abspath(ARGS.source_dir)
    if not any(map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))):
        skip("chromium is not installed (scripts/install-deps.sh)")
    if not (shutil.which("chromedriver") or os.path.exists("/usr/bin/chromedriver")):
        skip("chromedriver is not installed (chromium-driver, scripts/install-deps.sh)")
    for tool in ("redlined", "redline"):
        if not os.access(os.path.join(ARGS.bin_dir, tool), os.X_OK):
            print(f"desk_browser_test: {ARGS.bin_dir}/{tool} is not built", file=sys.stderr)
            sys.exit(1)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
