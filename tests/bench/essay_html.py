#!/usr/bin/env python3
"""Turn `lectern-pack cat --show-hyphens` output into an HTML page set like
lectern's: same face (Charis SIL from the system), same size, same text
width, justified, with the same soft hyphens (as &shy;). With --measure, the
page also measures its own justified lines and writes the figures into
<body data-stats=...>, for `chromium --dump-dom`.

usage: essay_html.py TEXT-FILE OUT.html FONT_PX LINE_PX WIDTH_PX [--measure]
"""
import html, sys

src, out, font_px, line_px, width_px = sys.argv[1:6]
measure = "--measure" in sys.argv
lines = open(src, encoding="utf-8").read().split("\n")
title, body = lines[0], [l for l in lines[2:] if l.strip()]
paras = []
for l in body:
    t = html.escape(l).replace("\u2027", "&shy;")
    if l.startswith("#"):
        paras.append("<h2>%s</h2>" % t.lstrip("# "))
    else:
        paras.append("<p>%s</p>" % t)

MEASURE = r"""
<script>
window.addEventListener('load', () => {
  // the width of a normal space in this font and size
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'pre';
  document.body.appendChild(probe);
  probe.textContent = 'a a'; const w2 = probe.getBoundingClientRect().width;
  probe.textContent = 'aa';  const w1 = probe.getBoundingClientRect().width;
  const space = w2 - w1;
  probe.remove();
  let lines = 0, over = 0, max = 0, stacks = 0;
  for (const p of document.querySelectorAll('p')) {
    // wrap each word in a span, keeping the spaces between them
    const words = p.textContent.split(' ');
    p.textContent = '';
    words.forEach((w, i) => {
      const s = document.createElement('span'); s.textContent = w; p.appendChild(s);
      if (i < words.length - 1) p.appendChild(document.createTextNode(' '));
    });
    // fragments (a word broken at a soft hyphen has two), grouped by line
    const rows = new Map();
    for (const s of p.querySelectorAll('span'))
      for (const r of s.getClientRects()) {
        const k = Math.round(r.top);
        if (!rows.has(k)) rows.set(k, []);
        rows.get(k).push(r);
      }
    const keys = [...rows.keys()].sort((a, b) => a - b);
    // rows that end inside a word: broken at a soft hyphen, a hyphen drawn
    const hy = new Set();
    for (const s of p.querySelectorAll('span')) {
      const rs = [...s.getClientRects()];
      rs.slice(0, -1).forEach(r => hy.add(Math.round(r.top)));
    }
    let run = 0;
    keys.slice(0, -1).forEach(k => { run = hy.has(k) ? run + 1 : 0; if (run === 3) stacks++; });
    keys.slice(0, -1).forEach(k => {   // the last line is ragged
      const rs = rows.get(k).sort((a, b) => a.left - b.left);
      if (rs.length < 2) return;
      let worst = 0;
      for (let i = 1; i < rs.length; i++) worst = Math.max(worst, (rs[i].left - rs[i-1].right) / space);
      lines++; if (worst > 1.5) over++; max = Math.max(max, worst);
    });
  }
  document.body.setAttribute('data-stats', JSON.stringify({lines, over, max: +max.toFixed(2), space, stacks}));
});
</script>"""

page = """<!doctype html>
<html><head><meta charset="utf-8"><title>%s</title>
<style>
@font-face { font-family: Text; src: url(file:///usr/share/fonts/truetype/charis/CharisSIL-Regular.ttf); }
html, body { margin: 0; background: #fff; }
body { font-family: Text, serif; font-size: %spx; line-height: %spx; color: #222;
       width: %spx; margin: 0 auto; padding-top: 24px; text-align: justify;
       hyphens: manual; -webkit-hyphens: manual; }
p { margin: 0 0 0.4em 0; }
h2 { font-size: 1.2em; margin: 0.6em 0 0.3em; text-align: left; }
</style></head>
<body>
%s
%s
</body></html>
""" % (html.escape(title), font_px, line_px, width_px, "\n".join(paras), MEASURE if measure else "")
open(out, "w", encoding="utf-8").write(page)
