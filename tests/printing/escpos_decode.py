"""Read an ESC/POS byte stream back into what a customer would see.

A small interpreter for the commands shopdesk (and python-escpos) send: text
(single-byte, and GB18030 between FS & and FS .), line styles, raster images
(GS v 0, stacked into pictures), native QR codes (GS ( k store), cuts and the
cash-drawer pulse. Anything it does not know fails loudly, so a stray command
byte in the output fails the test that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10


@dataclass
class TextLine:
    text: str
    bold: bool = False
    reverse: bool = False
    tall: bool = False


@dataclass
class Decoded:
    """Everything the printer was asked to do, in order."""

    items: list = field(default_factory=list)  # TextLine | RasterImage | NativeQr
    cuts: int = 0
    drawer_kicks: int = 0
    inits: int = 0

    @property
    def lines(self) -> list[TextLine]:
        return [i for i in self.items if isinstance(i, TextLine)]

    @property
    def texts(self) -> list[str]:
        return [line.text.rstrip() for line in self.lines]

    @property
    def images(self) -> list[RasterImage]:
        return [i for i in self.items if isinstance(i, RasterImage)]

    @property
    def native_qrs(self) -> list[str]:
        return [i.payload for i in self.items if isinstance(i, NativeQr)]


@dataclass
class RasterImage:
    width: int  # dots
    height: int
    rows: list[bytes]  # each width_bytes long, bit set = burned dot

    def to_pil(self):  # type: ignore[no-untyped-def]
        """Black on white, as the paper looks."""
        from PIL import Image, ImageOps

        raw = b"".join(self.rows)
        img = Image.frombytes("1", (self.width, self.height), raw, "raw", "1")
        return ImageOps.invert(img.convert("L"))


@dataclass
class NativeQr:
    payload: str
    module: int = 0
    ec: int = 0


class DecodeError(AssertionError):
    pass


def decode(data: bytes) -> Decoded:
    out = Decoded()
    i = 0
    n = len(data)
    kanji = False
    bold = reverse = tall = False
    buf = bytearray()
    qr_module = qr_ec = 0
    pending_raster: RasterImage | None = None

    def flush_line() -> None:
        nonlocal buf
        out.items.append(TextLine(bytes(buf).decode("gb18030"), bold, reverse, tall))
        buf = bytearray()

    while i < n:
        b = data[i]
        if b == 0x0A:
            flush_line()
            pending_raster = None
            i += 1
        elif b == ESC:
            cmd = data[i + 1]
            if cmd == ord("@"):
                out.inits += 1
                bold = reverse = tall = kanji = False
                i += 2
            elif cmd == ord("E"):
                bold = bool(data[i + 2])
                i += 3
            elif cmd == ord("a") or cmd == ord("!") or cmd == ord("t") or cmd == ord("3"):
                i += 3
            elif cmd == ord("2"):
                i += 2
            elif cmd == ord("d"):
                if buf:
                    flush_line()
                i += 3
            elif cmd == ord("p"):
                out.drawer_kicks += 1
                i += 5
            else:
                raise DecodeError(f"unknown ESC {cmd:#x} at {i}")
        elif b == GS:
            cmd = data[i + 1]
            if cmd == ord("B"):
                reverse = bool(data[i + 2])
                i += 3
            elif cmd == ord("!"):
                tall = bool(data[i + 2] & 0x0F)
                i += 3
            elif cmd == ord("V"):
                out.cuts += 1
                i += 4 if data[i + 2] in (65, 66) else 3
            elif cmd == ord("v") and data[i + 2] == ord("0"):
                xb = int.from_bytes(data[i + 4 : i + 6], "little")
                rows = int.from_bytes(data[i + 6 : i + 8], "little")
                start = i + 8
                body = data[start : start + xb * rows]
                if len(body) != xb * rows:
                    raise DecodeError("truncated GS v 0 image")
                chunk = [body[r * xb : (r + 1) * xb] for r in range(rows)]
                if pending_raster is not None and pending_raster.width == xb * 8:
                    pending_raster.rows += chunk
                    pending_raster.height += rows
                else:
                    pending_raster = RasterImage(xb * 8, rows, chunk)
                    out.items.append(pending_raster)
                i = start + xb * rows
            elif cmd == ord("(") and data[i + 2] == ord("k"):
                length = int.from_bytes(data[i + 3 : i + 5], "little")
                cn, fn = data[i + 5], data[i + 6]
                body = data[i + 7 : i + 5 + length]
                if cn == 49 and fn == 67:
                    qr_module = body[0]
                elif cn == 49 and fn == 69:
                    qr_ec = body[0] - 48
                elif cn == 49 and fn == 80:
                    out.items.append(NativeQr(body[1:].decode("utf-8"), qr_module, qr_ec))
                i += 5 + length
            else:
                raise DecodeError(f"unknown GS {cmd:#x} at {i}")
        elif b == FS:
            cmd = data[i + 1]
            if cmd == ord("&"):
                kanji = True
            elif cmd == ord("."):
                kanji = False
            else:
                raise DecodeError(f"unknown FS {cmd:#x} at {i}")
            i += 2
        elif b < 0x20 or b == 0x7F:
            raise DecodeError(f"control byte {b:#x} in text at {i}")
        elif b >= 0x80:
            if not kanji:
                raise DecodeError(f"byte {b:#x} outside FS & double-byte mode at {i}")
            buf += data[i : i + 2]
            i += 2
        else:
            buf.append(b)
            i += 1
    if buf:
        flush_line()
    return out


def read_qr_images(decoded: Decoded) -> list[str]:
    """Payloads of every QR code found in the raster images, read with zxing-cpp."""
    import zxingcpp

    found = []
    for image in decoded.images:
        for result in zxingcpp.read_barcodes(image.to_pil()):
            found.append(result.text)
    return found


def read_raster_text(
    image: RasterImage, font_path: str, alphabet: str, *, cells: int, dots: int
) -> list[str | None]:
    """Read image-mode text back, row by row, by matching cell slots against glyphs.

    Rows are 30 dots (a banner row, 54 dots white on black, reads as ``None``).
    Each row is split into characters by dynamic programming: every way of
    tiling the row's cells with one-cell and two-cell glyphs of ``alphabet`` (or
    blank cells) is scored by how many pixels differ, and the best tiling is the
    text. This checks that every character landed in its own cells, in order,
    with nothing spilling over — the column arithmetic a customer sees —
    without an OCR engine.
    """
    from shopdesk.printing import raster
    from shopdesk.printing.cells import cell_width

    cell = raster.CELL_DOTS
    candidates: dict[int, list[tuple[str, int]]] = {1: [(" ", 0)], 2: []}
    for ch in sorted(set(alphabet) - {" "}):
        glyph = raster._glyph(font_path, ch).point(lambda v: 255 if v >= 128 else 0).convert("1")
        candidates[cell_width(ch)].append((ch, int.from_bytes(glyph.tobytes(), "big")))
    picture = image.to_pil().point(lambda v: 0 if v >= 128 else 255).convert("1")  # ink = 1
    left = max(0, (dots - cells * cell) // 2)
    rows: list[str | None] = []
    y = 0
    while y + raster.GLYPH_DOTS <= picture.height:
        probe = picture.crop((0, y + 4, picture.width, y + 6)).tobytes()
        if sum(bin(b).count("1") for b in probe) > 0.6 * len(probe) * 8:
            rows.append(None)
            y += raster.BANNER_ROW_DOTS
            continue

        def slot(position: int, width: int, top: int = y) -> int:
            x = left + position * cell
            box = (x, top + 3, x + width * cell, top + 3 + raster.GLYPH_DOTS)
            return int.from_bytes(picture.crop(box).tobytes(), "big")

        # best[p] = (cost, text) for the first p cells
        best: list[tuple[int, str] | None] = [(0, "")] + [None] * cells
        for p in range(cells):
            if best[p] is None:
                continue
            cost, text = best[p]
            for width in (1, 2):
                if p + width > cells:
                    continue
                bits = slot(p, width)
                ch, score = min(
                    ((c, (bits ^ g).bit_count()) for c, g in candidates[width]),
                    key=lambda pair: pair[1],
                )
                entry = (cost + score, text + ch)
                if best[p + width] is None or entry[0] < best[p + width][0]:
                    best[p + width] = entry
        rows.append(best[cells][1].rstrip())
        y += raster.ROW_DOTS
    return rows
