#!/usr/bin/env python3
"""The King James Bible as 66 essays, one per book, for `make bench`.

    kjv_essays.py BIBLE_TEXT MD_DIR TXT_DIR

BIBLE_TEXT is the whole text as Debian's `bible` program (package
bible-kjv, data in bible-kjv-text) prints it with one verse a line:
    bible -l99999 -p DATADIR gen1:1-rev22:21
("Genesis 1" chapter lines, then "  1 In the beginning ..." verses).
MD_DIR gets NN.md: "# Book", "## Chapter N", each verse a paragraph with
its number in bold. TXT_DIR gets NN.txt, the same text with the .txt
rules: "# Book", "## Chapter N", a verse a line. Written at bench time
into a scratch folder, never into the source tree."""
import os
import re
import sys


def main(src, md_dir, txt_dir):
    books = []
    for line in open(src, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        m = re.match(r"^(\S.*) (\d+)$", line)
        if m:
            if not books or books[-1][0] != m[1]:
                books.append((m[1], []))
            books[-1][1].append((int(m[2]), []))
            continue
        m = re.match(r"^\s+(\d+) (.*)$", line)
        if not m or not books:
            sys.exit("kjv_essays.py: %s: unexpected line %r" % (src, line[:60]))
        books[-1][1][-1][1].append((int(m[1]), m[2]))
    if len(books) != 66:
        sys.exit("kjv_essays.py: %s: %d books, not 66" % (src, len(books)))
    os.makedirs(md_dir, exist_ok=True)
    os.makedirs(txt_dir, exist_ok=True)
    for i, (name, chapters) in enumerate(books):
        md, txt = ["# " + name, ""], ["# " + name]
        for c, verses in chapters:
            md += ["## Chapter %d" % c, ""]
            txt.append("## Chapter %d" % c)
            for v, t in verses:
                md += ["**%d** %s" % (v, t), ""]
                txt.append("%d %s" % (v, t))
        with open(os.path.join(md_dir, "%02d.md" % (i + 1)), "w", encoding="utf-8") as f:
            f.write("\n".join(md) + "\n")
        with open(os.path.join(txt_dir, "%02d.txt" % (i + 1)), "w", encoding="utf-8") as f:
            f.write("\n".join(txt) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
