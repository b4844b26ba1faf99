#include "web/assets.hpp"

namespace redline::web {

// Colours meet WCAG AA (4.5:1) on their backgrounds in both schemes; deletions are struck through and
// insertions underlined, so the diff does not depend on colour.
const std::string_view k_app_css = R"CSS(:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#555;--line:#ccc;
--link:#0645ad;--del-bg:#fde2e1;--del-fg:#8a1010;--ins-bg:#dcf5dc;--ins-fg:#0b5a0b;--badge:#eef;--badge-fg:#223;
--focus:#b35c00}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e8e8e8;--muted:#b0b0b0;--line:#444;--link:#8ab4f8;
--del-bg:#4a1717;--del-fg:#ffc9c9;--ins-bg:#143d14;--ins-fg:#c8f7c8;--badge:#2a2f45;--badge-fg:#e0e4ff;--focus:#ffb55c}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans",
"Noto Sans CJK SC","Noto Sans Arabic",sans-serif;overflow-wrap:anywhere}
a{color:var(--link)}
a:focus,button:focus,input:focus,select:focus,.row:focus,.edit:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5em;top:.5em;background:var(--bg);padding:.3em}
header.top{border-bottom:1px solid var(--line);padding:.4em 1em}
header.top ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1em}
header.top .brand a{font-weight:700;text-decoration:none;color:var(--fg)}
a[aria-current=page]{font-weight:700}
main{max-width:72em;margin:0 auto;padding:1em}
footer{color:var(--muted);font-size:.85em;padding:1em;border-top:1px solid var(--line)}
h1{font-size:1.5em;line-height:1.3;margin:.3em 0}h2{font-size:1.2em}
del{background:var(--del-bg);color:var(--del-fg);text-decoration:line-through}
ins{background:var(--ins-bg);color:var(--ins-fg);text-decoration:underline}
del::before,del::after,ins::before,ins::after{position:absolute;clip-path:inset(100%);width:1px;height:1px;overflow:hidden}
del::before{content:" [deleted: "}del::after{content:"] "}ins::before{content:" [inserted: "}ins::after{content:"] "}
.badge{display:inline-block;background:var(--badge);color:var(--badge-fg);border-radius:.3em;padding:0 .4em;
font-size:.8em;margin-right:.25em}
.muted,.meta{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:.6em;align-items:end;margin:.5em 0 1em}
.filters label{display:flex;flex-direction:column;font-size:.85em}
.filters fieldset{display:flex;flex-wrap:wrap;gap:.1em .9em;margin:0;border:1px solid var(--line)}
.filters label.check{flex-direction:row;align-items:center;gap:.3em;font-size:.9em}
input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--muted);padding:.25em .4em}
button{cursor:pointer}
ol.timeline{list-style:none;padding:0;margin:0}
.row{border-bottom:1px solid var(--line);padding:.6em .2em}
.row .head{font-size:1.05em;font-weight:600}
.row .excerpt{margin:.2em 0 0;font-size:.95em}
table{border-collapse:collapse;width:100%}th,td{text-align:start;padding:.3em .5em;border-bottom:1px solid var(--line);
vertical-align:top}
.table-wrap{overflow-x:auto}
.views{display:flex;flex-wrap:wrap;gap:1em;margin:.5em 0}
.para{margin:.6em 0;padding-inline-start:.6em;border-inline-start:.25em solid transparent}
.para.changed{border-color:#b35c00}.para.added{border-color:#2e7d32}.para.removed{border-color:#c62828}
.para.moved{border-color:#1565c0}
.fate{font-size:.8em;color:var(--muted);display:block}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.side>div{min-width:0}
.gap{color:var(--muted);text-align:center}
.notice{border:1px solid var(--line);padding:.5em 1em}
.error{border-color:#c62828}
.ok{border-color:#2e7d32}
.vh{position:absolute;clip-path:inset(100%);width:1px;height:1px;overflow:hidden;white-space:nowrap}
ul.plain{list-style:none;padding:0;margin:.3em 0}
.error-text{color:var(--del-fg)}
@media (max-width:600px){.side{grid-template-columns:1fr}.side .old-col{border-bottom:1px solid var(--line)}
main{padding:.5em}}
.slider{display:flex;flex-wrap:wrap;gap:.3em .6em;align-items:center;margin:.5em 0}.slider[hidden]{display:none}
.slider input[type=range]{flex:1 1 10em;min-width:0;padding:0;accent-color:var(--link)}
.slider output{color:var(--muted);font-size:.9em}
@media print{header.top,footer,.filters,.views,.picker,.slider{display:none}del{color:#000;background:none}
ins{color:#000;background:none}}
)CSS";

const std::string_view k_app_js = R"JS('use strict';
(function () {
  function items(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function step(selector, delta) {
    var list = items(selector);
    if (!list.length) return;
    var at = list.indexOf(document.activeElement);
    var next = at < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
    var el = list[next];
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.focus();
    el.scrollIntoView({block: 'center'});
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    if (e.key === 'j') step('.row', 1);
    else if (e.key === 'k') step('.row', -1);
    else if (e.key === 'n') step('.edit', 1);
    else if (e.key === 'p') step('.edit', -1);
    else if (e.key === 's') {
      var next = document.querySelector('a[data-next-view]');
      if (next) window.location.href = next.getAttribute('href');
      else return;
    } else if (e.key === 'Enter' && t && t.classList && t.classList.contains('row')) {
      var link = t.querySelector('a.open');
      if (link) window.location.href = link.getAttribute('href');
      else return;
    } else return;
    e.preventDefault();
  });
  items('form.picker select').forEach(function (el) {
    el.addEventListener('change', function () { el.form.submit(); });
  });
  // The version slider: says where it is as it moves, loads that change when it stops (from = to - 1),
  // and keeps the focus after the load (the form's action ends in #slide-to) so the arrows go on.
  items('form.slider').forEach(function (form) {
    var range = form.querySelector('input[type=range]');
    var out = form.querySelector('output');
    var from = form.querySelector('input[name=from]');
    var times = (range.getAttribute('data-times') || '').split('|');
    function say() {
      var v = Number(range.value);
      var text = 'version ' + v + ' of ' + range.max + ', ' + (times[v - 1] || '') +
                 ' (compared with version ' + (v - 1) + ')';
      range.setAttribute('aria-valuetext', text);
      out.textContent = text;
    }
    range.addEventListener('input', say);
    range.addEventListener('change', function () {
      say();
      from.value = String(Number(range.value) - 1);
      form.submit();
    });
    form.hidden = false;
    if (window.location.hash === '#slide-to') range.focus();
  });
})();
)JS";

const std::string_view k_favicon_svg =
    R"SVG(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#b3261e"/>)SVG"
    R"SVG(<path d="M3 8.5h10" stroke="#fff" stroke-width="2"/></svg>
)SVG";

}  // namespace redline::web
