#!/usr/bin/python3
"""qmp-drive.py - drive a booting kiosk image under QEMU through QMP, like a
visitor would: wait for the library on the screen, tap a card, check that a
page of text appears, tap the right side, check that the page changed.

  qmp-drive.py --qmp SOCK --out DIR [--ref-library PNG --ref-page PNG
               --ref-next PNG] [--card X,Y] [--timeout S] [--quick] [--start EPOCH]
               [--hold S] [--resume --ref-library2 PNG [--resume-to next|page]]

--hold S: after the page turn, keep still for S seconds (the reader saves the
reading position once reading pauses), then exit; image-test.sh then pulls
the power (kills QEMU) and boots the same disk again with --resume: the
library (now showing the essay as begun, --ref-library2) must appear, and a
tap on the same card must open the page that was on the screen when the
power went: the "next" reference. With a read-only root (overlayroot) the
position lives in RAM and is gone after the cut: image-test.sh passes the
first library as --ref-library2 and --resume-to page (the essay's start).

Screens are taken with QMP `screendump` (PNG) into DIR as artefacts. Taps are
QMP `input-send-event`: an absolute position then a button press and release,
which virtio-tablet turns into evdev events for the reader. virtio-tablet is
an absolute mouse (0..32767 on each axis), not a touchscreen, and SDL 2.26
(Debian 12) hands an absolute mouse's raw axis values to the program as
pixels, unscaled; so with --abs pixels (the default) a tap at X,Y (0..1) is
sent as the pixel X*W, Y*H of the --size WxH panel. --abs scaled sends
X*32767, Y*32767, for an SDL that scales by the device's range. Prints ok/FAIL
lines and the boot-to-library time; exits 1 if anything failed.

Telling the screens apart without OCR: with the references (the same three
screens rendered by the host's reader, headless, at the same size: see
image-test.sh) a screen is the reference it differs least from, and that by
less than MATCH of its pixels. Without them, heuristics:
- library: a bright page (light theme) with some ink that holds still for
  two dumps;
- page of text: ink in the typical range of set text, and different from the
  library;
- page changed: it differs from the previous page.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # imgstat is imported from the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
IMGSTAT = os.path.join(HERE, "..", "test", "imgstat.py")
MATCH = 0.06  # at most this share of pixels clearly different from the reference


class QMP:
    def __init__(self, path, timeout):
        end = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.5)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())  # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError("%s: %s" % (name, r["error"]))
            # an asynchronous event: skip

    def shot(self, path):
        self.cmd("screendump", filename=path, format="png")
        # QEMU writes the file before answering
        return path

    pixels = None  # (W, H) when the axes carry pixels, see the top

    def tap(self, x, y, hold=0.08):
        if self.pixels:
            ax, ay = int(x * self.pixels[0]), int(y * self.pixels[1])
        else:
            ax, ay = int(x * 0x7FFF), int(y * 0x7FFF)
        move = [{"type": "abs", "data": {"axis": "x", "value": ax}},
                {"type": "abs", "data": {"axis": "y", "value": ay}}]
        self.cmd("input-send-event", events=move)
        time.sleep(0.05)
        self.cmd("input-send-event", events=[{"type": "btn", "data": {"down": True, "button": "left"}}])
        time.sleep(hold)
        self.cmd("input-send-event", events=[{"type": "btn", "data": {"down": False, "button": "left"}}])


def stat(path):
    w, h, ink = subprocess.check_output([sys.executable, IMGSTAT, path], text=True).split()
    return int(w), int(h), float(ink)


def diff(a, b):
    return float(subprocess.check_output([sys.executable, IMGSTAT, "--diff", a, b], text=True))


def brightness(path):
    # mean of a coarse sample, from the PNG decoder in imgstat
    sys.path.insert(0, os.path.dirname(IMGSTAT))
    import imgstat  # noqa: E402
    w, h, px = imgstat.load(path)
    s = px[:: max(1, len(px) // 5000)]
    return sum(sum(p) for p in s) / (3 * len(s))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ref-library")
    ap.add_argument("--ref-page")
    ap.add_argument("--ref-next")
    ap.add_argument("--card", default="0.5,0.3")
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--start", type=float, default=time.time())
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--size", default="1024x600")
    ap.add_argument("--abs", choices=("pixels", "scaled"), default="pixels")
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--ref-library2")
    ap.add_argument("--resume-to", choices=("next", "page"), default="next")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    failed = 0

    def ok(name):
        print("ok " + name, flush=True)

    def fail(name, why):
        nonlocal failed
        failed += 1
        print("FAIL " + name, flush=True)
        print("  " + why, file=sys.stderr, flush=True)

    refs = {k: v for k, v in (("library", a.ref_library), ("page", a.ref_page), ("next", a.ref_next),
                              ("library2", a.ref_library2)) if v}
    # After the power cut the library shows the essay as begun.
    want_lib = "library2" if a.resume else "library"
    if a.resume and "library2" in refs:
        refs.pop("library", None)  # the library before: not what is expected now
    pre = "resume-" if a.resume else ""

    def closest(path):
        """(name, share) of the reference the screen is closest to."""
        d = {k: diff(path, v) for k, v in refs.items()}
        k = min(d, key=d.get)
        return k, d[k]

    def report(name, path):
        if refs:
            k, d = closest(path)
            print("  %s: closest to reference %s (%.1f %% of pixels differ)" % (name, k, 100 * d),
                  file=sys.stderr, flush=True)

    q = QMP(a.qmp, 60)
    if a.abs == "pixels":
        q.pixels = tuple(int(v) for v in a.size.lower().split("x"))
    # ---- wait for the library -------------------------------------------------
    prev, n, lib, t_lib = None, 0, None, None
    end = a.start + a.timeout
    while time.time() < end:
        n += 1
        cur = q.shot(os.path.join(a.out, "boot-%03d.png" % n))
        try:
            w, h, ink = stat(cur)
            bright = brightness(cur)
        except Exception:  # a half-initialised display: try again
            time.sleep(2)
            continue
        if refs:
            k, d = closest(cur)
            looks = k == want_lib and d < MATCH
        else:
            looks = bright > 150 and 0.003 < ink < 0.6
        if looks and prev and diff(cur, prev) < 0.01:
            lib, t_lib = cur, time.time() - a.start
            break
        prev = cur if looks else None
        if n % 10 == 0:
            print("  t=%4.0fs screen %dx%d ink %.3f brightness %.0f" % (time.time() - a.start, w, h, ink, bright),
                  file=sys.stderr, flush=True)
        time.sleep(3)
    # keep only the last few boot screens
    for i in range(1, n - 3):
        p = os.path.join(a.out, "boot-%03d.png" % i)
        if os.path.exists(p) and p != lib:
            os.unlink(p)
    if not lib:
        fail(pre + "image_library_shown", "no library on the screen after %.0f s (see %s)" % (a.timeout, a.out))
        return 1
    os.replace(lib, os.path.join(a.out, pre + "1-library.png"))
    lib = os.path.join(a.out, pre + "1-library.png")
    report("library", lib)
    ok(pre + "image_library_shown")
    print("%sboot-to-library: %.0f s (QEMU TCG, cortex-a72)" % ("after the power cut, " if a.resume else "", t_lib),
          flush=True)
    if a.quick:
        return 1 if failed else 0
    cx, cy = (float(v) for v in a.card.split(","))

    def tap_until(x, y, name, want, before):
        """Tap at X,Y, then take screens into NAME until one is the reference
        WANT (or, without references, a page of text that differs from the
        screen BEFORE); after a short wait for an animation, the final screen
        or None."""
        q.tap(x, y)
        path = os.path.join(a.out, name)
        for i in range(40):
            time.sleep(1.5)
            cur = q.shot(path)
            if refs.get(want):
                k, d = closest(cur)
                hit = k == want and d < MATCH
            else:
                _, _, ink = stat(cur)
                hit = diff(cur, before) > 0.02 and 0.02 < ink < 0.4
            if hit:
                time.sleep(1.5)  # let an opening or turning animation end
                return q.shot(path)
        return None

    if a.resume:
        # ---- the same card: the page that was read when the power went --------
        check = "image_power_cut_keeps_position" if a.resume_to == "next" else "image_ro_power_cut_starts_clean"
        got = tap_until(cx, cy, "resume-2-page.png", a.resume_to, lib)
        if got:
            report("resumed page", got)
            ok(check)
        else:
            cur = os.path.join(a.out, "resume-2-page.png")
            k, d = closest(cur)
            fail(check, "after the power cut the card opened a screen closest to %s (%.1f %% differ), not the "
                 "%s reference (see %s)" % (k, 100 * d, a.resume_to, cur))
        return 1 if failed else 0

    # ---- tap a card: a page of text --------------------------------------------
    page1 = tap_until(cx, cy, "2-page.png", "page", lib)
    if page1:
        report("page", page1)
        ok("image_tap_card_opens_page")
    else:
        fail("image_tap_card_opens_page", "the screen did not change to a page of text after a tap at %s" % a.card)
        return 1

    # ---- tap on the right: the next page -----------------------------------------
    page2 = tap_until(0.85, 0.55, "3-next-page.png", "next", page1)
    if page2:
        report("next page", page2)
        ok("image_tap_right_turns_page")
    else:
        fail("image_tap_right_turns_page", "the page did not change after a tap on the right")
    if a.hold:
        time.sleep(a.hold)
        still = q.shot(os.path.join(a.out, "4-before-power-cut.png"))
        if page2 and diff(still, page2) > 0.01:
            fail("image_page_holds_still", "the screen changed while nobody touched it (see %s)" % still)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
