#!/usr/bin/env python3
"""CommonMark's inline examples through lectern, compared with md4c itself.

    compare.py EXAMPLES PACKER READER MD4C_REF WORKDIR MIN_TEXT MIN_STYLES

For every example of EXAMPLES (tests/commonmark/inline-examples.txt):
  - the reference: MD4C_REF (md4c_ref.c) on the example's Markdown, i.e.
    md4c's own callbacks: text, entities (decoded here by the HTML5 table,
    which md4c follows but leaves to its renderer), the spans open around
    each piece (em, strong, code, link, strike);
  - lectern: the example as one .md essay of a folder (front matter gives
    the title and byline, so that neither is taken from the example's first
    lines; the manifest's smart_quotes = no keeps ' " -- ... as typed), one
    pack of all the essays built by PACKER, and READER --dump-layout: the
    runs' text and style of each essay, line by line, block by block.
Both sides are then normalised the same way: NFC; a run of whitespace
(line and block boundaries included) is one space, or one no-break space
if it holds one (lectern folds whitespace so, also inside code spans), none
at the ends. Lectern's additions are taken off its side: the note numbers
after a link (runs styled "note"; superscript digits while the dump has no
styles at all) and the "notes" block of URLs. md4c's side gets lectern's
documented rendering of an image, "[alt]". Raw HTML is dropped on both
sides (lectern shows no markup).

Text matches if the two strings are equal; styles match if, in addition,
every non-space character has the same set of styles on both sides (the
style of a space between two runs is a matter of taste, not of meaning).
Examples whose reference has no text at all (only a link reference
definition, say) are not packed: an essay without text is refused or
skipped by design, and there is nothing to compare.

Prints one "ok"/"FAIL" line per check, in tests/run.sh's format, each
mismatch with both sides, and the summary
  commonmark: N of M inline examples match (text), K of M (styles)
The text check fails below MIN_TEXT matches. The style check is skipped
("SKIP: --dump-layout reports no styles yet") only when no run of the whole
dump has any style; else it fails below MIN_STYLES.
"""
import html.entities
import json
import os
import re
import subprocess
import sys
import unicodedata

STYLE_LETTERS = {"e": "em", "s": "strong", "c": "code", "l": "link", "k": "strike"}
COMPARED = {"em", "strong", "code", "link", "strike"}
SUPERSCRIPT_DIGITS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")
FENCE = "`" * 32


def ok(name):
    print("ok " + name)


def bad(name, why):
    print("FAIL " + name)
    print("  " + why, file=sys.stderr)


def read_examples(path):
    """[(number, section, markdown)], tabs put back for the spec's arrows."""
    out, cur = [], None
    for line in open(path, encoding="utf-8").read().split("\n"):
        m = re.match(FENCE + r" example (\d+) (.*)$", line)
        if m:
            cur = (int(m[1]), m[2], [])
        elif line == FENCE and cur:
            md = "\n".join(cur[2]) + "\n"
            out.append((cur[0], cur[1], md.replace("\u2192", "\t")))
            cur = None
        elif cur:
            cur[2].append(line)
    return out


def decode_entity(s):
    """An entity as md4c hands it over, decoded as CommonMark says."""
    if s.startswith("&#"):
        hexa = s[2] in "xX"
        digits = s[3:-1] if hexa else s[2:-1]
        try:
            c = int(digits, 16 if hexa else 10)
        except ValueError:
            return s
        if c == 0 or c > 0x10FFFF or 0xD800 <= c <= 0xDFFF:
            return "\ufffd"
        return chr(c)
    return html.entities.html5.get(s[1:], s)


def unescape(t):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\"}[m[1]], t)


def reference(ref_bin, md_path):
    """md4c's text as [(char, frozenset(styles))], block boundaries as spaces."""
    r = subprocess.run([ref_bin, md_path], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("md4c_ref failed on %s: %s" % (md_path, r.stderr.decode(errors="replace")))
    chars = []
    for line in r.stdout.decode("utf-8").split("\n"):
        if not line:
            continue
        kind = line[0]
        if kind in "BS":
            chars.append((" ", frozenset()))
        else:
            _, st, text = line.split(" ", 2)
            text = unescape(text)
            if kind == "E":
                text = decode_entity(text)
            styles = frozenset() if st == "-" else frozenset(STYLE_LETTERS[c] for c in st)
            chars.extend((c, styles) for c in unicodedata.normalize("NFC", text))
    return chars


def normalise(chars):
    """Whitespace folded (one space, or one U+00A0 if the run holds one), trimmed."""
    out, run = [], None
    for c, st in chars:
        if c.isspace():
            if run is None:
                run = " "
            if c in "\u00a0\u202f\u2007":
                run = "\u00a0"
            continue
        if run is not None and out:
            out.append((run, frozenset()))
        run = None
        out.append((c, st))
    return out


def text_of(chars):
    return "".join(c for c, _ in chars)


def styles_of(chars):
    return [(c, st) for c, st in chars if c not in (" ", "\u00a0")]


def dump_essays(dump_path, styled):
    """{essay: [(char, frozenset(styles))]} from --dump-layout's lines."""
    essays, last = {}, {}
    for line in open(dump_path, encoding="utf-8"):
        o = json.loads(line)
        if o["kind"] in ("title", "byline", "notes"):
            continue
        e = o["essay"]
        chars = essays.setdefault(e, [])
        if e in last and last[e] != o["block"]:
            chars.append((" ", frozenset()))
        last[e] = o["block"]
        for run in o["runs"]:
            st = set(run["style"])
            if "note" in st:
                continue
            text = run["text"]
            if not styled:
                text = "".join(c for c in text if c not in SUPERSCRIPT_DIGITS)
            chars.extend((c, frozenset(st & COMPARED)) for c in text)
        if o["end"] in ("space", "hard"):
            chars.append((" ", frozenset()))
    return essays


def show(chars):
    """Text with its styles marked: {em:...}."""
    out, cur = [], frozenset()
    for c, st in chars:
        if c not in (" ", "\u00a0") and st != cur:
            if cur:
                out.append("}")
            if st:
                out.append("{" + "+".join(sorted(st)) + ":")
            cur = st
        out.append(c)
    if cur:
        out.append("}")
    return repr("".join(out))


def main():
    examples_path, packer, reader, ref_bin, work, min_text, min_styles = sys.argv[1:8]
    min_text, min_styles = int(min_text), int(min_styles)
    examples = read_examples(examples_path)
    src, essays = os.path.join(work, "src"), os.path.join(work, "essays")
    os.makedirs(src, exist_ok=True)
    os.makedirs(essays, exist_ok=True)

    ref, empty = {}, []
    for num, section, md in examples:
        p = os.path.join(src, "ex%04d.md" % num)
        with open(p, "w", encoding="utf-8") as f:
            f.write(md)
        chars = normalise(reference(ref_bin, p))
        if not chars:
            empty.append(num)
            continue
        ref[num] = chars
        with open(os.path.join(essays, "ex%04d.md" % num), "w", encoding="utf-8") as f:
            f.write("---\ntitle: Example %d\nauthor: CommonMark Spec\n---\n" % num)
            f.write(md)
    with open(os.path.join(essays, "manifest.ini"), "w") as f:
        f.write("[defaults]\nsmart_quotes = no\n")

    # One pack of every example. An example the packer refuses is a
    # mismatch with its message; the rest are packed again without it.
    pack = os.path.join(work, "examples.lpk")
    refused = {}
    for _ in range(5):
        r = subprocess.run([packer, "build", "-o", pack, essays], capture_output=True)
        if r.returncode == 0:
            break
        err = r.stderr.decode(errors="replace")
        named = sorted(set(int(n) for n in re.findall(r"ex(\d{4})\.md", err)))
        if not named:
            bad("commonmark_pack_built", "lectern-pack build failed without naming an example: " + err[:500])
            return 1
        for n in named:
            refused[n] = [l for l in err.split("\n") if "ex%04d.md" % n in l][0][:200]
            os.unlink(os.path.join(essays, "ex%04d.md" % n))
    else:
        bad("commonmark_pack_built", "lectern-pack build still fails after taking out %d examples" % len(refused))
        return 1
    ok("commonmark_pack_built")

    listed = subprocess.run([packer, "list", pack], capture_output=True, check=True).stdout.decode()
    index = {}  # essay number in the pack -> example number
    for line in listed.split("\n"):
        m = re.match(r"\s*(\d+)\s.*\bExample (\d+)\b", line)
        if m:
            index[int(m[1])] = int(m[2])
    expect_packed = set(ref) - set(refused)
    if set(index.values()) != expect_packed:
        bad("commonmark_pack_lists_every_example",
            "lectern-pack list names %d examples, %d were packed" % (len(index), len(expect_packed)))
        return 1
    ok("commonmark_pack_lists_every_example")

    dump_path = os.path.join(work, "dump.jsonl")
    with open(dump_path, "wb") as out:
        r = subprocess.run([reader, "--pack", pack, "--dump-layout", "--size", "1920x1080"], stdout=out,
                           stderr=subprocess.PIPE)
    if r.returncode != 0:
        bad("commonmark_dump", "lectern --dump-layout exit %d: %s" % (r.returncode, r.stderr.decode()[:300]))
        return 1
    ok("commonmark_dump")
    styled = any(run["style"] for line in open(dump_path, encoding="utf-8")
                 for run in json.loads(line)["runs"])
    got = dump_essays(dump_path, styled)

    m = len(ref)
    text_ok, style_ok, text_bad, style_bad = 0, 0, [], []
    section = {num: sec for num, sec, _ in examples}
    for num in sorted(ref):
        want = ref[num]
        if num in refused:
            text_bad.append((num, "refused by lectern-pack: " + refused[num]))
            continue
        essay = [e for e, n in index.items() if n == num][0]
        have = normalise(got.get(essay, []))
        if text_of(have) != text_of(want):
            text_bad.append((num, "md4c %r\n      lectern %r" % (text_of(want), text_of(have))))
            continue
        text_ok += 1
        if styles_of(have) == styles_of(want):
            style_ok += 1
        else:
            style_bad.append((num, "md4c %s\n      lectern %s" % (show(want), show(have))))

    print("commonmark: %d of %d inline examples match (text), %d of %d (styles)" % (text_ok, m, style_ok, m))
    print("  (%d examples have no text to compare: %s)" % (len(empty), " ".join(map(str, empty))))
    for num, why in text_bad:
        print("  text mismatch, example %d (%s):\n      %s" % (num, section[num], why))
    if styled:
        for num, why in style_bad:
            print("  style mismatch, example %d (%s):\n      %s" % (num, section[num], why))

    if text_ok >= min_text:
        ok("commonmark_text_at_least_%d" % min_text)
    else:
        bad("commonmark_text_at_least_%d" % min_text, "only %d of %d examples match in text" % (text_ok, m))
    if not styled:
        print("SKIP: --dump-layout reports no styles yet (no run of %d examples has a style); "
              "styles are compared once it does" % m)
    elif style_ok >= min_styles:
        ok("commonmark_styles_at_least_%d" % min_styles)
    else:
        bad("commonmark_styles_at_least_%d" % min_styles, "only %d of %d examples match in styles" % (style_ok, m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
