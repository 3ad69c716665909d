#!/bin/bash
# Signed packs and installing (issue 14, the host side): lectern-pack
# keygen, sign, verify --pubkey, info, install. Keys are files with modes
# that matter; a byte changed anywhere in a signed pack is refused; install
# leaves DEST as it was on every failure, and a running reader picks up
# what it installs.
. tests/cli/lib.sh
umask 022
cd "$T" || exit 1
P=$OLDPWD/$PACKER
R=$OLDPWD/$READER
ESSAYS=$OLDPWD/assets/essays
# small packs (no fonts) for the many runs; the default pack for the reader
mkdir two one
cp "$ESSAYS"/000_*.txt "$ESSAYS"/001_*.txt two/
cp "$ESSAYS"/002_*.txt one/
"$P" build -o two.lpk --no-fonts two > /dev/null 2>&1
"$P" build -o one.lpk --no-fonts one > /dev/null 2>&1
# a byte of a file, flipped, into another file: flip SRC OFFSET OUT
flip() { python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[int(sys.argv[2])]^=0x20; open(sys.argv[3],'wb').write(b)" "$@"; }
le64() { python3 -c "import sys,struct; print(struct.unpack_from('<Q', open(sys.argv[1],'rb').read(), int(sys.argv[2]))[0])" "$@"; }
notemps() { ! ls -a | grep -q 'tmp-'; }
export -f notemps

# ---- keygen -----------------------------------------------------------------
"$P" keygen -o k > kg.out 2> err; st=$?
check keygen_ok test $st -eq 0
check keygen_key_mode_0600 test "$(stat -c %a k.key)" = 600
check keygen_pub_mode_0644 test "$(stat -c %a k.pub)" = 644
check keygen_key_format bash -c "head -1 k.key | grep -qx 'lectern-pack secret key 1' && test \$(wc -l < k.key) -eq 2"
check keygen_pub_format bash -c "head -1 k.pub | grep -qx 'lectern-pack public key 1' && test \$(sed -n 2p k.pub | base64 -d | wc -c) -eq 32"
fpk=$(sed -n 's/^made key \([0-9a-f ]*\): .*/\1/p' kg.out)
check keygen_says_fingerprint bash -c "echo '$fpk' | grep -qE '^[0-9a-f]{4}( [0-9a-f]{4}){3}$'"
"$P" keygen -o o > kg.out 2>&1
fpo=$(sed -n 's/^made key \([0-9a-f ]*\): .*/\1/p' kg.out)
cp k.key k.key.orig; cp k.pub k.pub.orig
"$P" keygen -o k > /dev/null 2> err; st=$?
check keygen_refuses_existing bash -c "test $st -eq 1 && grep -q 'already exists' err && cmp -s k.key k.key.orig && cmp -s k.pub k.pub.orig"
# a link at NAME.key is not followed, and nothing is written through it
echo target > victim
ln -s victim l.key
"$P" keygen -o l > /dev/null 2> err; st=$?
check keygen_refuses_symlink bash -c "test $st -eq 1 && test \"\$(cat victim)\" = target && test ! -e l.pub"
# NAME.pub there already: NAME.key is not left behind either
echo x > m.pub
"$P" keygen -o m > /dev/null 2>&1; st=$?
check keygen_pub_exists_leaves_nothing bash -c "test $st -eq 1 && test ! -e m.key && test \"\$(cat m.pub)\" = x"
"$P" keygen > /dev/null 2>&1; check keygen_usage_exit_2 test $? -eq 2

# ---- sign, verify, info -------------------------------------------------------
cp two.lpk s.lpk
"$P" sign --key k.key s.lpk > out 2> err; st=$?
check sign_ok bash -c "test $st -eq 0 && grep -q 'with key $fpk' out"
check sign_adds_one_block test $(($(stat -c %s s.lpk) - $(stat -c %s two.lpk))) -eq 128
check sign_leaves_no_temp notemps
"$P" verify --pubkey k.pub s.lpk > out 2> err; st=$?
check verify_signed_ok bash -c "test $st -eq 0 && grep -q 'every checksum matches' out && grep -q 'signed by key $fpk (k.pub), signature valid' out"
"$P" verify s.lpk > out 2>&1; st=$?
check verify_signed_without_key_ok bash -c "test $st -eq 0 && grep -q 'signature matches' out"
"$P" info s.lpk > info 2>&1
check info_signed grep -qx 'signed: yes' info
check info_signed_by grep -qx "signed_by: $fpk" info
# the key's first 8 bytes in hex, as the reader's admin screen shows them
kpre=$(python3 -c "import base64,sys; print(base64.b64decode(open(sys.argv[1]).read().split()[-1])[:8].hex())" k.pub)
check info_signed_key grep -qx "signed_key: $kpre" info
check info_signed_version grep -qx 'pack_version: 3.1' info
"$P" info two.lpk > info 2>&1
check info_unsigned bash -c "grep -qx 'signed: no' info && ! grep -q '^signed_by:' info && grep -qx 'pack_version: 3.0' info"
"$P" info two.lpk | grep -v '^signed\|^pack_version' > i1; "$P" info s.lpk | grep -v '^signed\|^pack_version' | sed 's/^file_size: .*/file_size: X/' > i2
sed -i 's/^file_size: .*/file_size: X/' i1
check info_other_lines_unchanged cmp -s i1 i2

# unsigned, another key
"$P" verify --pubkey k.pub two.lpk > out 2> err; st=$?
check verify_unsigned_exit_1 test $st -eq 1
check verify_unsigned_says_not_signed grep -q 'not signed' err
"$P" verify --pubkey o.pub s.lpk > out 2> err; st=$?
check verify_other_key_exit_1 test $st -eq 1
check verify_other_key_names_both bash -c "grep -q 'signed by another key' err && grep -q '$fpk' err && grep -q '$fpo' err && test -n '$fpo'"

# one byte changed anywhere: header, data, signature block (every field),
# directory, last byte
size=$(stat -c %s s.lpk)
dir=$(le64 s.lpk 24)
sigat=$((dir - 128))
bad=0 n=0
for off in 0 9 11 17 25 33 41 50 60 63 64 100 $((sigat / 2)) $((sigat - 1)) \
           $sigat $((sigat + 8)) $((sigat + 10)) $((sigat + 12)) $((sigat + 16)) $((sigat + 47)) \
           $((sigat + 48)) $((sigat + 90)) $((sigat + 111)) $((sigat + 112)) $((sigat + 120)) $((sigat + 127)) \
           $dir $((dir + 40)) $((dir + 85)) $((size - 1)); do
  n=$((n + 1))
  flip s.lpk $off f.lpk
  "$P" verify --pubkey k.pub f.lpk > /dev/null 2> err; st=$?
  if [ $st -ne 1 ] || ! grep -q 'tampered' err; then bad=$((bad + 1)); echo "  byte $off: exit $st: $(cat err)" >&2; fi
done
check verify_flipped_byte_anywhere_tampered test $bad -eq 0 -a $n -eq 30
# the signature block itself, damaged: the reader refuses it with a message
flip s.lpk $((sigat + 60)) f.lpk
"$P" list f.lpk > /dev/null 2> err; st=$?
check reader_refuses_damaged_signature_block bash -c "test $st -eq 1 && grep -q 'signature block is damaged' err"
# cut short, or junk appended
head -c $((size - 1)) s.lpk > f.lpk
"$P" verify --pubkey k.pub f.lpk > /dev/null 2> err; check verify_truncated_tampered bash -c "test $? -eq 1 && grep -q 'tampered' err"
cat s.lpk one.lpk > f.lpk
"$P" verify --pubkey k.pub f.lpk > /dev/null 2> err; check verify_appended_tampered bash -c "test $? -eq 1 && grep -q 'tampered' err"

# the reader's code opens a signed pack as the unsigned one
"$P" list two.lpk > l1; "$P" list s.lpk > l2
check list_signed_same cmp -s l1 l2
"$P" cat two.lpk 2 > c1; "$P" cat s.lpk 2 > c2
check cat_signed_same cmp -s c1 c2
cp "$OLDPWD/$B/default.lpk" d.lpk; cp d.lpk ds.lpk
"$P" sign --key k.key ds.lpk > /dev/null 2>&1
"$R" --pack d.lpk --dump-layout --essay 1 > dl1 2> /dev/null
"$R" --pack ds.lpk --dump-layout --essay 1 > dl2 2> /dev/null
check reader_dump_layout_signed_same bash -c "test -s dl1 && cmp -s dl1 dl2"

# re-signing replaces the signature: same size, the new key only
cp s.lpk s2.lpk
"$P" sign --key o.key s2.lpk > /dev/null 2>&1
check resign_same_size test "$(stat -c %s s2.lpk)" -eq "$(stat -c %s s.lpk)"
"$P" verify --pubkey o.pub s2.lpk > /dev/null 2>&1; check resign_new_key_valid test $? -eq 0
"$P" verify --pubkey k.pub s2.lpk > /dev/null 2> err; check resign_old_key_refused bash -c "test $? -eq 1 && grep -q 'another key' err"
"$P" sign --key k.key s2.lpk > /dev/null 2>&1
# (Ed25519 signatures are deterministic: the same key gives the same bytes)
check resign_back_same_bytes cmp -s s.lpk s2.lpk

# sign refuses: a damaged pack (unchanged), a symlink, a missing key
flip two.lpk 70 dmg.lpk; cp dmg.lpk dmg.orig
"$P" sign --key k.key dmg.lpk > /dev/null 2> err; st=$?
check sign_refuses_damaged bash -c "test $st -eq 1 && cmp -s dmg.lpk dmg.orig && grep -q 'damaged' err"
ln -s two.lpk link.lpk; cp two.lpk two.orig
"$P" sign --key k.key link.lpk > /dev/null 2> err; st=$?
check sign_refuses_symlink bash -c "test $st -eq 1 && cmp -s two.lpk two.orig && grep -q 'symbolic link' err"
"$P" sign --key nope.key s2.lpk > /dev/null 2> err; st=$?
check sign_missing_key_named bash -c "test $st -eq 1 && grep -q 'nope.key' err"
check sign_failures_leave_no_temp notemps
chmod 644 k.key
"$P" sign --key k.key s2.lpk > /dev/null 2> err; st=$?
check sign_warns_readable_key bash -c "test $st -eq 0 && grep -q 'can be read by other users' err"
chmod 600 k.key

# ---- bad key files: refused, naming the file and the line ------------------
badkey() { # name expect-in-message file-content-command
  local name=$1 want=$2; shift 2
  "$@" > bad.pub
  "$P" verify --pubkey bad.pub s.lpk > /dev/null 2> err; local st=$?
  if [ $st -eq 1 ] && grep -q "bad.pub" err && grep -q -- "$want" err; then ok "$name"
  else fail "$name" "exit $st: $(cat err)"; fi
}
badkey key_empty 'line 1' true
badkey key_wrong_header 'line 1: not a lectern-pack public key' printf 'ssh-ed25519 AAAA\n'
badkey key_secret_as_public 'secret key file, not a public' cat k.key
badkey key_no_key_line 'line 2: the key is missing' printf 'lectern-pack public key 1\n'
badkey key_bad_base64 'line 2: the key is not valid base64' printf 'lectern-pack public key 1\nnot*base64!\n'
badkey key_short 'line 2: the key is 24 bytes' bash -c "head -1 k.pub; sed -n 2p k.pub | cut -c1-32; echo"
badkey key_extra_line 'line 3: unexpected text' bash -c "cat k.pub; echo more"
"$P" verify --pubkey k.pub s.lpk > /dev/null 2>&1
sed 's/$/\r/' k.pub > crlf.pub
"$P" verify --pubkey crlf.pub s.lpk > /dev/null 2> err; check key_crlf_accepted test $? -eq 0
# a secret key whose public half was changed
python3 -c "
import base64; l=open('k.key').read().split('\n'); b=bytearray(base64.b64decode(l[1])); b[40]^=1
open('d.key','w').write(l[0]+'\n'+base64.b64encode(b).decode()+'\n')"
chmod 600 d.key
"$P" sign --key d.key s2.lpk > /dev/null 2> err; st=$?
check key_secret_halves_disagree bash -c "test $st -eq 1 && grep -q 'd.key: line 2: the key is damaged' err"
"$P" sign --key k.pub s2.lpk > /dev/null 2> err; check key_public_as_secret bash -c "test $? -eq 1 && grep -q 'public key file, not a secret' err"
mkfifo fifo.pub
timeout 10 "$P" verify --pubkey fifo.pub s.lpk > /dev/null 2> err; st=$?
check key_fifo_refused bash -c "test $st -eq 1 && grep -q 'FIFO' err"

# ---- install ------------------------------------------------------------------
"$P" install two.lpk dest.lpk > out 2> err; st=$?
check install_new_ok bash -c "test $st -eq 0 && cmp -s two.lpk dest.lpk && test ! -e dest.lpk.previous"
"$P" install one.lpk dest.lpk > out 2> err; st=$?
check install_keeps_previous bash -c "test $st -eq 0 && cmp -s one.lpk dest.lpk && cmp -s two.lpk dest.lpk.previous && grep -q 'dest.lpk.previous' out"
"$P" install one one2.lpk > out 2> err; st=$?
check install_from_folder bash -c "test $st -eq 0 && '$P' verify one2.lpk > /dev/null && '$P' list one2.lpk | grep -q '^  1 '"
"$P" build -o one3.lpk one > /dev/null 2>&1
check install_folder_same_as_build cmp -s one2.lpk one3.lpk
"$P" install --pubkey k.pub s.lpk sdest.lpk > /dev/null 2> err; st=$?
check install_signed_with_pubkey bash -c "test $st -eq 0 && cmp -s s.lpk sdest.lpk"
check install_leaves_no_temp notemps

# failures: DEST (and DEST.previous) byte for byte as they were, no temp files
cp dest.lpk dest.orig; cp dest.lpk.previous prev.orig
refuse_install() { # name expect-in-message args...
  local name=$1 want=$2; shift 2
  "$P" install "$@" > /dev/null 2> err; local st=$?
  if [ $st -eq 1 ] && grep -q -- "$want" err && cmp -s dest.lpk dest.orig && cmp -s dest.lpk.previous prev.orig && notemps
  then ok "$name"; else fail "$name" "exit $st: $(cat err)"; fi
}
refuse_install install_damaged_src 'damaged' dmg.lpk dest.lpk
head -c 500 two.lpk > cut.lpk
refuse_install install_cut_src 'truncated' cut.lpk dest.lpk
refuse_install install_unsigned_with_pubkey 'not signed' --pubkey k.pub two.lpk dest.lpk
refuse_install install_other_key 'another key' --pubkey o.pub s.lpk dest.lpk
flip s.lpk 100 t.lpk
refuse_install install_tampered_signed 'tampered' --pubkey k.pub t.lpk dest.lpk
refuse_install install_tampered_signed_no_pubkey 'tampered' t.lpk dest.lpk
refuse_install install_folder_with_pubkey 'carries no signature' --pubkey k.pub one dest.lpk
mkdir empty
refuse_install install_empty_folder 'lectern-pack' empty dest.lpk
refuse_install install_missing_src 'nope.lpk' nope.lpk dest.lpk
printf 'hello\n' > junk.pub
refuse_install install_bad_pubkey 'junk.pub: line 1' --pubkey junk.pub two.lpk dest.lpk
# DEST that is not a regular file: refused, left as it is
mkfifo dfifo; ln -s dest.lpk dlink; mkdir ddir
for d in dfifo dlink ddir; do
  "$P" install two.lpk $d > /dev/null 2> err; st=$?
  check "install_refuses_dest_$d" bash -c "test $st -eq 1 && grep -q 'refusing to replace' err && test ! -e $d.previous && notemps"
done
check install_dest_fifo_still_fifo test -p dfifo
check install_dest_link_still_link bash -c "test -L dlink && cmp -s dest.lpk dest.orig"
# DEST.previous that is not a regular file: refused before anything is written
ln -s two.lpk pdest.lpk.previous; cp one.lpk pdest.lpk
"$P" install two.lpk pdest.lpk > /dev/null 2> err; st=$?
check install_refuses_previous_symlink bash -c "test $st -eq 1 && cmp -s pdest.lpk one.lpk && test -L pdest.lpk.previous && grep -q 'refusing' err"
"$P" install two.lpk > /dev/null 2>&1; check install_usage_exit_2 test $? -eq 2

# killed at any moment (kill -9: nothing can be held): DEST is the old pack
# or the new one, whole; the next install removes what the kill left
cp "$OLDPWD/$B/default.lpk" big.lpk
cp two.lpk kdest.lpk
good=0
for i in $(seq 12); do
  "$P" install big.lpk kdest.lpk > /dev/null 2>&1 &
  kp=$!
  sleep "0.0$((RANDOM % 3))$((RANDOM % 10))"
  kill -9 $kp 2>/dev/null; wait $kp 2>/dev/null
  if "$P" verify kdest.lpk > /dev/null 2>&1 && { cmp -s kdest.lpk big.lpk || cmp -s kdest.lpk two.lpk; }; then
    good=$((good + 1))
  fi
  cp two.lpk kdest.tmp && mv kdest.tmp kdest.lpk
done
check install_kill9_dest_always_whole test $good -eq 12
"$P" install two.lpk kdest.lpk > /dev/null 2>&1
check install_removes_stale_temps notemps

# ---- a running reader shows what install put under it ----------------------
cp d.lpk live.lpk
HOME=$T ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 SDL_VIDEODRIVER=offscreen "$R" --pack live.lpk > /dev/null 2> rerr &
pid=$!
wait_for() { # up to 20 s for a line on the reader's stderr
  for _ in $(seq 200); do grep -q "$1" rerr && return 0; kill -0 $pid 2>/dev/null || return 1; sleep 0.1; done
  return 1
}
check install_reader_ready wait_for 'lectern: ready'
"$P" build -o two_f.lpk two > /dev/null 2>&1
"$P" sign --key k.key two_f.lpk > /dev/null 2>&1
"$P" install --pubkey k.pub two_f.lpk live.lpk > /dev/null 2>&1
check install_reader_reopens wait_for 'live.lpk was replaced; reopened it: 2 essays'
kill -TERM $pid; wait $pid; st=$?
check install_reader_clean_exit test $st -eq 0
check install_reader_no_crash bash -c "! grep -qiE 'sanitizer|runtime error' rerr"
cd "$OLDPWD" || exit 1
