#!/bin/bash
# New essays from a USB stick (src/import.h, src/app_import.c): the reader
# headless in replays, with a fake media folder as the mount helper makes
# it (MEDIA/NAME/ per stick). A folder of essays is offered and loaded; Cancel
# changes nothing; a damaged pack says why and the old essays stay; with
# import = signed an unsigned pack is not offered and a signed one is, on the
# admin screen; Go back restores the previous and the built-in essays; the
# place in an essay whose text did not change survives the new pack.
# REPLAY_SHOTS=DIR keeps the screenshots.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk
SHOTS=${REPLAY_SHOTS:-$T/shots}
mkdir -p "$SHOTS"

# run NAME SCRIPT-TEXT ARGS...: the script from the text, stdout and stderr kept
run() {
  local name=$1 text=$2; shift 2
  printf '%s\n' "$text" > "$T/$name.txt"
  "$READER" --replay "$T/$name.txt" --screenshot "$SHOTS/import-$name" --pack "$PACK" --boot-config none \
    --packer "$PACKER" "$@" > "$T/$name.out" 2> "$T/$name.err"
}
cards() { sed -n 's/^line [0-9]*: .* cards \([0-9]*\) .*/\1/p' "$T/$1.out" | tail -n 1; } # at the last print

# a stick with a lectern/ folder of two essays, as a teacher makes it on Windows
stick=$T/media/sda1
mkdir -p "$stick/lectern" "$T/empty-media"
printf 'The River Walk\r\n\r\nA short essay written by a teacher, saved from Notepad.\r\n' > "$stick/lectern/river.txt"
printf '# Second Thoughts\n\nAnother essay, in Markdown.\n' > "$stick/lectern/second.md"
printf 'not an essay' > "$stick/lectern/photo.jpg"
# on the panel (800x480): Load and Cancel (and OK) at y 0.85, Load left, Cancel right
LOAD='tap 0.3 0.85'
CANCEL='tap 0.7 0.85'
OKB='tap 0.5 0.85'

# the built-in essays' library, as many cards as it draws at 800x480
mkdir -p "$T/state0"
run baseline "expect screen library
print" --media-dir "$T/empty-media" --state-dir "$T/state0"
check baseline_replay test $? -eq 0
NDEF=$(cards baseline)
check baseline_not_two test "${NDEF:-0}" -gt 2

# ---- ask (the default): the folder is offered at start, Load shows it ---------------------
S1=$T/state1
mkdir -p "$S1"
run load "expect screen import
shot prompt
$LOAD
expect screen library
print
shot library" --media-dir "$T/media" --state-dir "$S1"
check load_replay test $? -eq 0
check load_offered_said grep -q 'new essays on a USB stick: .*/sda1/lectern (2 essays); asking' "$T/load.err"
check load_installed_default_place test -f "$S1/imported.lpk"
[ "$(cards load)" = 2 ] || fail load_library_shows_two_cards "cards: $(cards load)"
"$PACKER" list "$S1/imported.lpk" > "$T/list1" 2>&1
check load_pack_has_the_essays sh -c "grep -q 'The River Walk' '$T/list1' && grep -q 'Second Thoughts' '$T/list1'"
check load_prompt_shot test -s "$SHOTS/import-load/prompt.png"
# a second start: the loaded essays show, and the same stick is offered again
# (a new start remembers nothing), Cancel leaves them
run again "expect screen import
$CANCEL
expect screen library
print" --media-dir "$T/media" --state-dir "$S1"
check again_replay test $? -eq 0
[ "$(cards again)" = 2 ] && ok again_shows_the_loaded_essays || fail again_shows_the_loaded_essays "cards $(cards again)"

# ---- Cancel changes nothing ---------------------------------------------------------------
S2=$T/state2
mkdir -p "$S2"
run cancel "expect screen import
$CANCEL
expect screen library
print
wait 5000
expect screen library" --media-dir "$T/media" --state-dir "$S2"
check cancel_replay test $? -eq 0
check cancel_nothing_installed test ! -e "$S2/imported.lpk"
[ "$(cards cancel)" = "$NDEF" ] && ok cancel_old_essays || fail cancel_old_essays "cards $(cards cancel)"
check cancel_said grep -q 'were not loaded (Cancel)' "$T/cancel.err"

# ---- import = off: nothing --------------------------------------------------------------------
mkdir -p "$T/state-off"
run off "expect screen library" --media-dir "$T/media" --state-dir "$T/state-off" --import off
check off_not_offered test $? -eq 0

# ---- a damaged pack: the message, and the old essays stay ---------------------------------------
mkdir -p "$T/media2/sdb1"
damage_essay "$PACK" 3 "$T/media2/sdb1/essays.lpk"
"$PACKER" verify "$T/media2/sdb1/essays.lpk" > /dev/null 2>&1
check damaged_fixture_is_damaged test $? -ne 0
S3=$T/state3
mkdir -p "$S3"
cp "$S1/imported.lpk" "$S3/imported.lpk" # the essays a class loaded last week
cp "$S3/imported.lpk" "$T/before.lpk"
run damaged "expect screen import
$LOAD
expect screen import
shot failed
$OKB
expect screen library
print" --media-dir "$T/media2" --state-dir "$S3"
check damaged_replay test $? -eq 0
check damaged_says_why grep -q 'loading .*essays.lpk failed' "$T/damaged.err"
check damaged_names_the_essay grep -q 'essay 3' "$T/damaged.err"
check damaged_pack_untouched cmp -s "$S3/imported.lpk" "$T/before.lpk"
check damaged_no_previous_made test ! -e "$S3/imported.lpk.previous"
[ "$(cards damaged)" = 2 ] && ok damaged_old_essays_stay || fail damaged_old_essays_stay "cards $(cards damaged)"
check damaged_failed_shot test -s "$SHOTS/import-damaged/failed.png"

# ---- import = signed ---------------------------------------------------------------------------
mkdir -p "$T/keys" "$T/media3/sdc1"
(cd "$T" && "$OLDPWD/$PACKER" keygen -o museum > /dev/null 2>&1)
mv "$T/museum.pub" "$T/keys/"
cp "$PACK" "$T/media3/sdc1/a-unsigned.lpk"
S4=$T/state4
mkdir -p "$S4"
run unsigned "expect screen library
print" --media-dir "$T/media3" --state-dir "$S4" --import signed --keys-dir "$T/keys"
check signed_unsigned_not_offered test $? -eq 0
check signed_unsigned_said grep -q 'a-unsigned.lpk is not loaded: it is not signed' "$T/unsigned.err"
check signed_unsigned_nothing_installed test ! -e "$S4/imported.lpk"
# the folder too: it carries no signature
run unsigned_folder "expect screen library" --media-dir "$T/media" --state-dir "$S4" --import signed --keys-dir "$T/keys"
check signed_folder_not_offered test $? -eq 0
check signed_folder_said grep -q 'a folder of essays carries no signature' "$T/unsigned_folder.err"
# a pack signed by the museum's key: offered on the admin screen (kiosk), not over the library
"$PACKER" sign --key "$T/museum.key" "$T/media3/sdc1/a-unsigned.lpk" > /dev/null 2>&1
check signed_fixture "$PACKER" verify --pubkey "$T/keys/museum.pub" "$T/media3/sdc1/a-unsigned.lpk"
# the admin screen at 800x480, one import button: full width above Close and Leave the kiosk
ADMIN='longpress 0.05 0.05
longpress 0.95 0.05
longpress 0.95 0.95
expect screen admin'
# and beside it, first by name, a copy with one byte changed: it still names
# the museum's key in its signature block, so only the whole check (the
# reader's lectern-pack verify child) can refuse it
damage_essay "$T/media3/sdc1/a-unsigned.lpk" 2 "$T/media3/sdc1/0-tampered.lpk"
"$PACKER" verify --pubkey "$T/keys/museum.pub" "$T/media3/sdc1/0-tampered.lpk" > /dev/null 2>&1
check signed_tampered_fixture test $? -ne 0
run signed "expect screen library
$ADMIN
shot admin
tap 0.5 0.78
expect screen import
$LOAD
expect screen library
print" --media-dir "$T/media3" --state-dir "$S4" --import signed --keys-dir "$T/keys" --kiosk
check signed_loaded test $? -eq 0
check signed_installed_with_key grep -q "install --pubkey $T/keys/museum.pub" "$T/signed.err"
check signed_tampered_said grep -q "import = signed: .*0-tampered.lpk is not loaded: .*0-tampered.lpk" "$T/signed.err"
check signed_tampered_not_installed test "$(grep -c 'install .*0-tampered' "$T/signed.err")" -eq 0
check signed_good_one_installed grep -q "install --pubkey $T/keys/museum.pub $T/media3/sdc1/a-unsigned.lpk" "$T/signed.err"
[ "$(cards signed)" = "$NDEF" ] && ok signed_library || fail signed_library "cards $(cards signed)"
check signed_reopened grep -q "imported.lpk was loaded from a USB stick; reopened it: 5 essays" "$T/signed.err"

# ---- Go back ---------------------------------------------------------------------------------
# S1 has the folder's essays and no previous: the admin screen offers the built-in essays
run back_builtin "$ADMIN
shot admin
tap 0.5 0.78
expect screen library
print" --media-dir "$T/empty-media" --state-dir "$S1" --kiosk
check back_builtin_replay test $? -eq 0
check back_builtin_removed test ! -e "$S1/imported.lpk"
[ "$(cards back_builtin)" = "$NDEF" ] && ok back_builtin_shows_builtin || fail back_builtin_shows_builtin "cards $(cards back_builtin)"
# S3 has last week's essays; load the stick's folder over them, then go back to them
run over "expect screen import
$LOAD
expect screen library" --media-dir "$T/media" --state-dir "$S3"
check over_replay test $? -eq 0
check over_previous_kept cmp -s "$S3/imported.lpk.previous" "$T/before.lpk"
cp "$S3/imported.lpk" "$T/new.lpk"
run back_prev "$ADMIN
tap 0.5 0.78
expect screen library
print" --media-dir "$T/empty-media" --state-dir "$S3" --kiosk
check back_prev_replay test $? -eq 0
check back_prev_swapped sh -c "cmp -s '$S3/imported.lpk' '$T/before.lpk' && cmp -s '$S3/imported.lpk.previous' '$T/new.lpk'"
check back_prev_said grep -q 'went back to the previous essays' "$T/back_prev.err"

# ---- the place in an unchanged essay survives a new pack ------------------------------------------
# essay 2 of the built-in pack read to page 3; then a stick with an unchanged
# copy of it, which is essay 1 of the new pack, and a new essay 2
S5=$T/state5
mkdir -p "$S5" "$T/media4/sdd1/lectern"
run read "tap 0.5 0.54
expect essay 2
key right
key right
expect page 3
key home
expect screen library" --media-dir "$T/empty-media" --state-dir "$S5"
check resume_read test $? -eq 0
second=$(ls assets/essays | sed -n 2p)
cp "assets/essays/$second" "$T/media4/sdd1/lectern/a.txt"
printf 'A New Second Essay\n\nIt comes after the first.\n' > "$T/media4/sdd1/lectern/b.txt"
run resume "expect screen import
$LOAD
expect screen library
tap 0.5 0.29
expect essay 1
expect page 3" --media-dir "$T/media4" --state-dir "$S5"
check resume_place_kept_by_content test $? -eq 0
[ -s "$T/resume.err" ] && grep -q 'expected' "$T/resume.err" && echo "  $(grep expected "$T/resume.err")" >&2

# ---- the SD card's boot partition: a lectern folder beside lectern.conf, looked at on start ------
mkdir -p "$T/boot/lectern" "$T/state6"
printf 'From the SD Card\n\nCopied from a Mac onto the FAT partition.\n' > "$T/boot/lectern/card.txt"
printf 'From the SD Card\n\n' > "$T/boot/lectern/._card.txt" # what macOS leaves beside it
run boot "expect screen import
shot boot
$LOAD
expect screen library
print" --media-dir "$T/empty-media" --state-dir "$T/state6" --boot-config "$T/boot/lectern.conf"
check boot_replay test $? -eq 0
check boot_offered grep -q 'new essays on the SD card: .*/boot/lectern (1 essay)' "$T/boot.err"
[ "$(cards boot)" = 1 ] && ok boot_library_one_essay || fail boot_library_one_essay "cards $(cards boot)"
# the next start: the card still holds the folder, but it is not offered again
run boot2 "expect screen library
print" --media-dir "$T/empty-media" --state-dir "$T/state6" --boot-config "$T/boot/lectern.conf"
check boot_not_asked_again test $? -eq 0
[ "$(cards boot2)" = 1 ] && ok boot_loaded_essays_shown || fail boot_loaded_essays_shown "cards $(cards boot2)"

# nothing in any run crashed or hit a sanitizer
check no_sanitizer_reports sh -c "! grep -qiE 'sanitizer|runtime error' '$T'/*.err"
