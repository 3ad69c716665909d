#!/usr/bin/python3
"""imgstat.py - numbers about a PNG or PPM screenshot, with only the standard
library (no PIL on a bare Debian).

  imgstat.py FILE            prints: WIDTH HEIGHT INK
  imgstat.py FILE A B        (not used)
  imgstat.py --diff A B      prints the fraction of pixels that differ by more
                             than 48 in any channel (sizes must match)
  imgstat.py --crop X Y W H FILE   INK of a region (for the page-changed check)

INK is the fraction of pixels that differ clearly from the most common colour
(the page background): 0 for a blank screen, a few percent for text.
"""
import struct
import sys
import zlib


def read_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and ctype in (2, 6, 0), "unsupported PNG"
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    px = []
    for r in rows:
        for x in range(w):
            q = r[x * bpp:x * bpp + bpp]
            px.append((q[0], q[0], q[0]) if bpp == 1 else (q[0], q[1], q[2]))
    return w, h, px


def read_ppm(data):
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    assert parts[0] == b"P6", "not a binary PPM"
    w, h = int(parts[1]), int(parts[2])
    pos += 1
    body = data[pos:pos + w * h * 3]
    return w, h, [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]


def load(path):
    data = open(path, "rb").read()
    return read_png(data) if data[:4] == b"\x89PNG" else read_ppm(data)


def ink(px):
    counts = {}
    for p in px[::7]:
        counts[p] = counts.get(p, 0) + 1
    bg = max(counts, key=counts.get)
    far = sum(1 for p in px if max(abs(p[0] - bg[0]), abs(p[1] - bg[1]), abs(p[2] - bg[2])) > 48)
    return far / max(1, len(px))


def main(a):
    if a[:1] == ["--diff"]:
        w1, h1, p1 = load(a[1])
        w2, h2, p2 = load(a[2])
        if (w1, h1) != (w2, h2):
            print("1.0")
            return
        d = sum(1 for x, y in zip(p1, p2) if max(abs(x[0] - y[0]), abs(x[1] - y[1]), abs(x[2] - y[2])) > 48)
        print("%.4f" % (d / len(p1)))
    elif a[:1] == ["--crop"]:
        x0, y0, cw, ch = map(int, a[1:5])
        w, h, px = load(a[5])
        sub = [px[y * w + x] for y in range(y0, min(h, y0 + ch)) for x in range(x0, min(w, x0 + cw))]
        print("%.4f" % ink(sub))
    else:
        w, h, px = load(a[0])
        print(w, h, "%.4f" % ink(px))


if __name__ == "__main__":
    main(sys.argv[1:])
