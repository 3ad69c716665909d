#!/usr/bin/env python3
"""Write tests/commonmark/inline-examples.txt from the CommonMark spec.

    python3 tests/commonmark/extract.py SPEC.txt > tests/commonmark/inline-examples.txt

SPEC.txt is spec.txt of github.com/commonmark/commonmark-spec at tag 0.30
(the version md4c 0.4.8, Debian's libmd4c, implements). Only the examples
of the inline sections are kept, with their spec numbers, Markdown only
(the spec's HTML is not what lectern shows; md4c itself is the reference).
The spec writes a tab as U+2192 (→); the file keeps that, as the spec does.
"""
import sys

SECTIONS = ["Backslash escapes", "Entity and numeric character references", "Code spans",
            "Emphasis and strong emphasis", "Links", "Autolinks"]
FENCE = "`" * 32

def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    section, number, i, out = None, 0, 0, []
    while i < len(lines):
        l = lines[i]
        if l.startswith(FENCE + " example"):
            number += 1
            j = i + 1
            md = []
            while lines[j] != ".":
                md.append(lines[j])
                j += 1
            while lines[j] != FENCE:
                j += 1
            if section in SECTIONS:
                out.append("%s example %d %s" % (FENCE, number, section))
                out.extend(md)
                out.append(FENCE)
            i = j + 1
            continue
        if l.startswith("## ") or l.startswith("# "):
            section = l.lstrip("#").strip()
        i += 1
    sys.stdout.write(HEADER)
    sys.stdout.write("\n".join(out) + "\n")

HEADER = """\
CommonMark inline examples, for tests/cli/commonmark.sh.

Extracted by tests/commonmark/extract.py from spec.txt of the CommonMark
Spec, version 0.30 (https://github.com/commonmark/commonmark-spec, tag
0.30, commit 6af106130d168e923d6008316a6a5681ca5e326d): the examples of
the sections Backslash escapes, Entity and numeric character references,
Code spans, Emphasis and strong emphasis, Links and Autolinks, Markdown
only, with their numbers in the spec. A tab is written as U+2192, as in
the spec.

Copyright (C) 2014-16 John MacFarlane. Released under the Creative
Commons CC-BY-SA 4.0 license: https://creativecommons.org/licenses/by-sa/4.0/
(this extract is shared under the same licence).

Each example: a line of 32 backticks, " example N SECTION", the Markdown
lines, a line of 32 backticks. Everything before the first example is
this header.

"""

if __name__ == "__main__":
    main(sys.argv[1])
