#!/bin/bash
# The CommonMark Spec's own examples for the inline sections (backslash
# escapes, entities, code spans, emphasis, links, autolinks; extracted in
# tests/commonmark/inline-examples.txt), each an essay of one pack, through
# lectern-pack and `lectern --dump-layout`, compared in text and in styles
# with what md4c itself reports for the same Markdown
# (tests/commonmark/md4c_ref.c, built here against libmd4c). How they are
# compared: tests/commonmark/compare.py.
#
# The thresholds, measured (CommonMark 0.30, md4c 0.4.8): 287 examples have
# text, and all 287 match in text, example 25 (the HTML5 named entities
# &AElig; &Dcaron; &HilbertSpace; ...) too, since tools/input_md.c decodes
# every HTML5 name (tools/entities.h). Any example that stops matching is a
# regression. Styles: the pack's own style spans (read back from the pack
# built here) match md4c's for the same 287 examples.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
MIN_TEXT=287
MIN_STYLES=287

need() { command -v "$1" > /dev/null 2>&1 || { fail "commonmark_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need python3
need pkg-config
need "${CC:-cc}"
if ! pkg-config --exists md4c; then
  fail commonmark_needs_md4c "libmd4c-dev is missing (pkg-config md4c)"
  exit 1
fi
# shellcheck disable=SC2046
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags md4c) \
     -o "$T/md4c_ref" tests/commonmark/md4c_ref.c $(pkg-config --libs md4c) 2> "$T/cc.err"; then
  fail commonmark_reference_built "$(cat "$T/cc.err")"
  exit 1
fi
ok commonmark_reference_built

mkdir -p "$T/cm"
python3 tests/commonmark/compare.py tests/commonmark/inline-examples.txt "$PACKER" "$READER" \
  "$T/md4c_ref" "$T/cm" "$MIN_TEXT" "$MIN_STYLES"
