#!/bin/sh
# Run inside an arm64 or armhf Debian chroot (under qemu-user) by
# deb-test.sh, as root: install the package the way a person would, then
# check what it did. Prints ok/FAIL lines.
cd /root || exit 1
ok() { echo "ok $1"; }
fail() { echo "FAIL $1"; }
check() { n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else fail "$n"; fi; }
export DEBIAN_FRONTEND=noninteractive

# apt's own default installs Recommends, as on Debian and Raspberry Pi OS;
# mmdebstrap turns that off in the chroots it makes, so say it here.
apt install -y -o APT::Install-Recommends=true ./lectern_*.deb > /root/apt.log 2>&1; check deb_apt_install test $? -eq 0
check deb_installed sh -c "dpkg-query -W -f='\${Status}' lectern | grep -q 'install ok installed'"
# the package of the chroot's own architecture, not a foreign one
check deb_native_arch sh -c "test \"\$(dpkg-query -W -f='\${Architecture}' lectern)\" = \"\$(dpkg --print-architecture)\""
check deb_bin_lectern test -x /usr/bin/lectern
check deb_bin_pack test -x /usr/bin/lectern-pack
check deb_default_pack test -s /usr/share/lectern/default.lpk
check deb_conffile sh -c "dpkg-query -W -f='\${Conffiles}' lectern | grep -q /etc/lectern/lectern.conf"
check deb_unit test -f /lib/systemd/system/lectern.service
check deb_splash test -x /usr/libexec/lectern/lectern-splash
check deb_splash_unit test -f /lib/systemd/system/lectern-splash.service
check deb_udev_rule test -f /lib/udev/rules.d/70-lectern-backlight.rules
for m in man1/lectern.1 man1/lectern-pack.1 man5/lectern.conf.5 man8/lectern-install-kiosk.8; do
  check "deb_man_$(basename $m)" test -f /usr/share/man/$m.gz
done
check deb_user getent passwd lectern
check deb_user_nologin sh -c "getent passwd lectern | grep -q ':/usr/sbin/nologin$'"
for g in video input render; do
  check "deb_user_in_$g" sh -c "id -nG lectern | tr ' ' '\n' | grep -qx $g"
done
check deb_state_dir sh -c "test \"\$(stat -c %U /var/lib/lectern)\" = lectern"
check deb_pack_verify lectern-pack verify /usr/share/lectern/default.lpk
# lectern-pack works straight after apt install (its default fonts, text
# and code, and hyphenation patterns come as Recommends, which apt installs)
check deb_recommends_fonts_hyphen sh -c "dpkg-query -W -f='\${Status}\\n' fonts-sil-charis fonts-dejavu-core hyphen-en-us | grep -c 'install ok installed' | grep -qx 3"
mkdir -p /tmp/essays && printf 'A short essay\n\nIt has one paragraph, which is enough for a pack.\n' > /tmp/essays/one.txt
lectern-pack build -o /tmp/mine.lpk /tmp/essays > /root/pack.log 2>&1; check deb_pack_build_after_install test $? -eq 0
check deb_pack_build_verifies lectern-pack verify /tmp/mine.lpk
check deb_udev_drm_rule test -f /lib/udev/rules.d/70-lectern-drm.rules
# the USB-stick helper: its rule, its unit and the script it runs, which
# refuses what is not a USB stick (deb-test.sh verifies the unit itself)
check deb_media_rule test -f /lib/udev/rules.d/71-lectern-media.rules
check deb_media_unit test -f /lib/systemd/system/lectern-media@.service
check deb_media_helper test -x /usr/libexec/lectern/lectern-media
check deb_media_refuses_sd_card sh -c "! /usr/libexec/lectern/lectern-media add mmcblk0p1"

# The installed reader renders a page, as the service user, headless; the
# pack comes from the built-in default (/usr/share/lectern/default.lpk).
rm -rf /tmp/shots
runuser -u lectern -- env SDL_VIDEODRIVER=offscreen HOME=/var/lib/lectern \
  lectern --screenshot /tmp/shots --essay 1 --page 1 > /root/shot.log 2>&1
check deb_screenshot_runs test $? -eq 0
check deb_screenshot_png test -s /tmp/shots/essay1-page001.png

# lectern-install-kiosk from the package, on a scratch boot partition
mkdir -p /tmp/boot && echo "console=tty1 root=/dev/mmcblk0p2 rootwait" > /tmp/boot/cmdline.txt
lectern-install-kiosk --profile pi-dsi-7in --boot /tmp/boot --no-apt > /root/kiosk.log 2>&1
check deb_install_kiosk_runs test $? -eq 0
check deb_install_kiosk_config grep -qx 'dtoverlay=vc4-kms-dsi-7inch' /tmp/boot/config.txt
check deb_install_kiosk_enabled test -L /etc/systemd/system/multi-user.target.wants/lectern.service
check deb_install_kiosk_splash_enabled test -L /etc/systemd/system/sysinit.target.wants/lectern-splash.service
lectern-install-kiosk --profile pi-dsi-7in --boot /tmp/boot --no-apt 2>&1 | grep -q 'nothing to do'
check deb_install_kiosk_idempotent test $? -eq 0

# postinst again (reinstall): idempotent, keeps the edited conffile
echo "theme = dark" >> /etc/lectern/lectern.conf
apt install -y --reinstall -o Dpkg::Options::=--force-confold ./lectern_*.deb > /root/apt2.log 2>&1
check deb_reinstall test $? -eq 0
check deb_conffile_kept grep -qx 'theme = dark' /etc/lectern/lectern.conf

apt purge -y lectern > /root/apt3.log 2>&1; check deb_purge test $? -eq 0
check deb_purge_user_gone sh -c "! getent passwd lectern"
check deb_purge_state_gone test ! -e /var/lib/lectern
check deb_purge_conf_gone test ! -e /etc/lectern/lectern.conf
# put it back for whoever looks at the chroot next
apt install -y ./lectern_*.deb > /root/apt4.log 2>&1; check deb_install_after_purge test $? -eq 0
