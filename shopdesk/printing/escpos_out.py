"""Layout blocks → ESC/POS bytes, built on python-escpos's ``Dummy`` printer.

python-escpos supplies the command encodings we trust (ESC @, native QR through
GS ( k, cut, cash-drawer pulse). Three things we send ourselves, because the
library gets them wrong for Chinese printers:

* **Text.** ``Escpos.text()`` has no Chinese code page: a string with Hanzi goes
  out as raw GB18030 *without* FS & (the printer may not be in double-byte mode)
  and other non-ASCII (``¥`` U+00A5, ``°``) is mangled by its code-page guesser.
  In ``gb18030`` mode each line is sent as ``FS &`` + GB18030 bytes + ``FS .``;
  layout has already sanitised the text, so no byte of it is a command.
* **Raster images** (image text mode, image QR). ``Escpos.image()`` ``print()``s
  a notice to *stdout* whenever the profile has no media width (the ``default``
  profile) and raises when the image is wider than the profile says. We send
  ``GS v 0`` ourselves, in bands a small printer buffer can take.
* **Native QR placement.** ``qr(native=True)`` refuses ``center=True``; we wrap
  it in ESC a 1 / ESC a 0. And it sends GS ( k even when the profile has no QR
  support, so we fall back to an image QR there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopdesk.errors import ConfigError
from shopdesk.printing.cells import pad_right, sanitize
from shopdesk.printing.escpos_lib import load_escpos
from shopdesk.printing.layout import BANNER, BOLD, Block, Line, QrBlock
from shopdesk.printing.raster import (
    find_cjk_font,
    qr_module_dots,
    qr_modules,
    render_lines,
    render_qr,
)

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
FS_KANJI_ON = FS + b"&"  # enter double-byte (GB18030/GBK) character mode
FS_KANJI_OFF = FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
REVERSE_ON, REVERSE_OFF = GS + b"B\x01", GS + b"B\x00"
DOUBLE_HEIGHT, NORMAL_SIZE = GS + b"!\x01", GS + b"!\x00"
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"
#: Rows per GS v 0 command: cheap printers' receive buffers overflow on one huge image.
RASTER_BAND_ROWS = 240
#: Lines fed before the cut so the last printed line clears the cutter.
FEED_BEFORE_CUT = 4
#: python-escpos error-correction constant for level M (15 %), which survives a smudged thermal print.
QR_EC_M = 1


@dataclass(frozen=True)
class JobOptions:
    """How one job is printed; built from the profile's ``[printer]`` settings."""

    dots: int = 384
    cells: int = 32
    text_mode: str = "gb18030"
    profile: str = "default"
    native_qr: bool = True
    cut: bool = True
    kick_drawer: bool = False
    font: str = ""

    @classmethod
    def from_settings(cls, settings: Any, cells: int, *, kick_drawer: bool = False) -> JobOptions:
        return cls(
            dots=settings.dots,
            cells=cells,
            text_mode=settings.text_mode,
            profile=settings.profile,
            native_qr=settings.native_qr,
            cut=settings.cut,
            kick_drawer=kick_drawer,
            font=settings.font,
        )


def _dummy(profile: str) -> Any:
    printer = load_escpos()
    try:
        return printer.Dummy(profile=profile)
    except Exception as exc:  # python-escpos raises its own NotSupported/ProfileNotFound
        raise ConfigError(
            "printer.unknown_profile", value=profile, reason=type(exc).__name__
        ) from None


def gb18030_line(line: Line, cells: int) -> bytes:
    """One text line in double-byte mode, with its style switched on and off around it.

    The text is sanitised again here, at the last step before the wire: layout
    already did it, but a line built elsewhere (a test page, a report) must not
    be able to carry a command byte either.
    """
    text = sanitize(line.text)
    if line.style == BANNER:  # the reversed bar spans the whole paper
        text = pad_right(text, cells)
    body = FS_KANJI_ON + text.encode("gb18030") + FS_KANJI_OFF + LF
    if line.style == BANNER:
        return BOLD_ON + REVERSE_ON + DOUBLE_HEIGHT + body + NORMAL_SIZE + REVERSE_OFF + BOLD_OFF
    if line.style == BOLD:
        return BOLD_ON + body + BOLD_OFF
    return body


def raster_bytes(image: Any) -> bytes:
    """A 1-bit ink image as GS v 0 commands, in bands of :data:`RASTER_BAND_ROWS` rows."""
    width_bytes = (image.width + 7) // 8
    raw = image.tobytes()
    out = bytearray()
    for top in range(0, image.height, RASTER_BAND_ROWS):
        rows = min(RASTER_BAND_ROWS, image.height - top)
        out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += raw[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)


def render_escpos(blocks: Sequence[Block], options: JobOptions) -> bytes:
    """The full job: init, text in the chosen mode, QR, feed and cut, drawer kick."""
    p = _dummy(options.profile)
    p.hw("INIT")
    font: Path | None = None
    if options.text_mode == "image":
        font = find_cjk_font(options.font)
    native = options.native_qr and p.profile.supports("qrCode")
    run: list[Line] = []

    def flush() -> None:
        if not run:
            return
        if font is not None:
            p._raw(raster_bytes(render_lines(run, options.dots, options.cells, font)))
        else:
            p._raw(b"".join(gb18030_line(line, options.cells) for line in run))
        run.clear()

    for block in blocks:
        if isinstance(block, Line):
            run.append(block)
            continue
        flush()
        if isinstance(block, QrBlock):
            if native:
                modules = qr_modules(block.payload)
                size = qr_module_dots(modules, options.dots)
                p._raw(ALIGN_CENTER)
                p.qr(block.payload, ec=QR_EC_M, size=size, native=True)
                p._raw(LF + ALIGN_LEFT)
            else:
                p._raw(raster_bytes(render_qr(block.payload, options.dots)))
    flush()
    p._raw(ESC + b"d" + bytes([FEED_BEFORE_CUT]))
    if options.cut:
        p.cut(feed=False)  # GS V 66 0: feed to the cutter and cut; a no-cutter printer just feeds
    if options.kick_drawer:
        _kick(p)
    return bytes(p.output)


def render_drawer_kick(options: JobOptions) -> bytes:
    """A job that only opens the cash drawer (no paper fed or cut): ESC @, then the pulse."""
    p = _dummy(options.profile)
    p.hw("INIT")
    _kick(p)
    return bytes(p.output)


def _kick(p: Any) -> None:
    """The drawer pulse (ESC p) on pin 2, where receipt printers wire the drawer."""
    p.cashdraw(2)
