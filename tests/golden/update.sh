#!/bin/sh
# Regenerate the golden pages that tests/test_render.c compares against:
#   tests/golden/update.sh            (B=build/host by default)
# Builds the test and the default pack, writes tests/golden/*.png (16-level
# grey), then lists them. LOOK AT EVERY PAGE before keeping them: a golden
# is only as right as the eyes that accepted it.
set -eu
B=${B:-build/host}
export B
make --no-print-directory B="$B" "$B/tests/test_render" "$B/default.lpk" >/dev/null
"$B/tests/test_render" --update-golden tests/golden
ls -l tests/golden/*.png
echo "update.sh: now look at each page above (an image viewer) before keeping them."
