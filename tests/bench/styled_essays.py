#!/usr/bin/env python3
"""The five default essays again as Markdown with inline styles, for the
re-layout bench: every line a paragraph as in the .txt (the first stays
the title), and in the text every 7th word in *italic*, every 11th in
**bold**, every 29th in `code` and every 43rd in ***bold italic***, so
that lines mix regular, italic, bold and monospace runs.

    styled_essays.py ESSAY_DIR OUT_DIR"""
import os
import re
import sys


def style(i, w):
    if not re.match(r"^[\w’'-]+$", w):  # leave punctuation and markup alone
        return w
    for n, mark in ((43, "***"), (29, "`"), (11, "**"), (7, "*")):
        if i % n == 0:
            return mark + w + mark
    return w


def main(src, out):
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(src)):
        lines = open(os.path.join(src, name), encoding="utf-8").read().split("\n")
        paras, k = [lines[0]], 0
        for line in lines[1:]:
            words = []
            for w in line.split(" "):
                k += 1
                words.append(style(k, w))
            if line.strip():
                paras.append(" ".join(words))
        with open(os.path.join(out, os.path.splitext(name)[0] + ".md"), "w", encoding="utf-8") as f:
            f.write("\n\n".join(paras) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
