#!/bin/bash
# lectern-pack's folder walking from the outside: files that are not what
# they seem (a symbolic link out of the folder, a FIFO, a link to a device)
# are refused by name with exit 1 and no pack; --follow-symlinks takes a
# link out of the folder. Nothing here may hang: each build runs under
# `timeout`, and a build that needs it fails.
. tests/cli/lib.sh

build() { # build OUT ARGS...: exit status in $st, stderr in $T/err
  local out=$1; shift
  rm -f "$out"
  timeout 30 "$PACKER" build --no-fonts -o "$out" "$@" > /dev/null 2> "$T/err"; st=$?
}
refused() { # NAME TEXT: the last build exited 1, said TEXT, left no pack
  if [ "$st" -eq 1 ] && grep -qF -- "$2" "$T/err" && [ ! -e "$T/out.lpk" ] &&
     [ "$(ls "$T" | grep -c 'out.lpk')" -eq 0 ]; then ok "$1"
  else fail "$1" "exit $st, stderr: $(head -c 300 "$T/err")"; fi
}

mkdir -p "$T/in" "$T/elsewhere"
printf 'An essay\n\nIts text, here.\n' > "$T/in/a.txt"
printf 'Secret\n\nNot for the kiosk.\n' > "$T/elsewhere/secret.txt"

ln -s ../elsewhere/secret.txt "$T/in/b.txt"
build "$T/out.lpk" "$T/in"
refused symlink_out_of_folder_refused "in/b.txt: a symbolic link to "
check symlink_message_names_target grep -qF "elsewhere/secret.txt, which is outside the folder" "$T/err"
check symlink_message_names_the_flag grep -q -- '--follow-symlinks' "$T/err"
build "$T/out.lpk" --follow-symlinks "$T/in"
check follow_symlinks_packs_it test "$st" -eq 0
check follow_symlinks_two_essays test "$("$PACKER" list "$T/out.lpk" | wc -l)" -eq 2
check follow_symlinks_has_the_text bash -c "'$PACKER' cat '$T/out.lpk' 2 | grep -q 'kiosk'"
rm "$T/in/b.txt"

ln -s a.txt "$T/in/c.txt"
build "$T/out.lpk" "$T/in"
check symlink_inside_folder_packed test "$st" -eq 0
rm "$T/in/c.txt"

mkfifo "$T/in/pipe.txt"
build "$T/out.lpk" "$T/in"
refused fifo_in_folder_refused "in/pipe.txt: a named pipe (FIFO), not a text file"
mv "$T/in/pipe.txt" "$T/in/manifest.ini"
build "$T/out.lpk" "$T/in"
refused fifo_manifest_refused "in/manifest.ini: a named pipe (FIFO)"
rm "$T/in/manifest.ini"

# a link to a device: refused as a link out of the folder, and with
# --follow-symlinks as a device; it is never opened
ln -s /dev/zero "$T/in/z.txt"
build "$T/out.lpk" "$T/in"
refused device_link_refused "in/z.txt: a symbolic link to /dev/zero"
build "$T/out.lpk" --follow-symlinks "$T/in"
refused device_link_followed_refused "in/z.txt: a device, not a text file"
rm "$T/in/z.txt"

# a FIFO given by name on the command line
mkfifo "$T/pipe.txt"
build "$T/out.lpk" "$T/pipe.txt"
refused fifo_argument_refused "pipe.txt: not a file or folder (a named pipe (FIFO))"
rm "$T/pipe.txt"

build "$T/out.lpk" "$T/in"
check clean_folder_packs test "$st" -eq 0
