"""Layout blocks drawn as 1-bit images: image text mode, image QR codes, PNG previews.

Images here use the *ink* convention of ESC/POS raster data: a pixel value of
255 ("1" mode: bit set) means a burned dot. :func:`to_png_image` flips them for
people to look at.

Each character is drawn in its own cell slot (12 dots per cell, Font A's
grid), not as a run of text, so columns line up exactly as they do in
``gb18030`` mode whatever the font's own advance widths are; glyphs are cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.errors import PrinterError
from shopdesk.printing.cells import cell_width, sanitize
from shopdesk.printing.layout import BANNER, BOLD, Block, Line, QrBlock

if TYPE_CHECKING:
    from PIL import Image

#: Font A is 12×24 dots; a text row is printed 30 dots apart (ESC 2 default at 203 dpi ≈ 1/6").
CELL_DOTS = 12
GLYPH_DOTS = 24
ROW_DOTS = 30
BANNER_ROW_DOTS = 2 * GLYPH_DOTS + 6
#: Fonts tried when the profile names none: Debian/Ubuntu fonts-wqy-microhei, Noto CJK, Droid.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
FONT_GLOBS = ("wqy-microhei*", "wqy-zenhei*", "NotoSansCJK*", "NotoSerifCJK*", "DroidSansFallback*")
#: The QR takes at most this share of the paper's width; quiet zone of 4 modules (ISO 18004).
QR_MAX_SHARE = 0.75
QR_QUIET = 4
QR_MIN_MODULE = 3
#: Larger modules only waste paper: phones read 8-dot (1 mm) modules easily.
QR_MAX_MODULE = 8


def find_cjk_font(configured: str = "") -> Path:
    """The font for image mode: ``printer.font`` when set, else the first CJK font found.

    Raises ``PrinterError("printer.no_font")`` naming the setting to fill in.
    """
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise PrinterError("printer.font_missing", file=str(path))
        return path
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"):
        if root.is_dir():
            for pattern in FONT_GLOBS:
                for found in sorted(root.rglob(pattern)):
                    return found
    raise PrinterError("printer.no_font")


@lru_cache(maxsize=4)
def _font(path: str, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    try:
        return ImageFont.truetype(path, size)
    except OSError:
        raise PrinterError("printer.font_unreadable", file=path) from None


@lru_cache(maxsize=8192)
def _glyph(font_path: str, ch: str) -> Image.Image:
    """One character drawn centred in its 12- or 24-dot slot, 24 dots high ("L", ink = 255)."""
    from PIL import Image, ImageDraw

    width = CELL_DOTS * cell_width(ch)
    wide = Image.new("L", (3 * width, GLYPH_DOTS), 0)
    font = _font(font_path, GLYPH_DOTS - 2)
    ImageDraw.Draw(wide).text((1.5 * width, GLYPH_DOTS - 4), ch, fill=255, font=font, anchor="ms")
    box = wide.getbbox()
    image = Image.new("L", (width, GLYPH_DOTS), 0)
    if box is None:
        return image
    ink = wide.crop((box[0], 0, box[2], GLYPH_DOTS))
    if (
        ink.width > width
    ):  # a proportional font's wide Latin letters (M, W, %): squeeze into the cell
        ink = ink.resize((width, GLYPH_DOTS), Image.Resampling.LANCZOS)
    image.paste(ink, ((width - ink.width) // 2, 0))
    return image


def _draw_text(canvas: Image.Image, text: str, x0: int, y: int, font_path: str) -> None:
    x = x0
    for ch in sanitize(text):
        if ch != " ":
            glyph = _glyph(font_path, ch)
            canvas.paste(255, (x, y), glyph)
        x += CELL_DOTS * cell_width(ch)


def render_lines(lines: Sequence[Line], dots: int, cells: int, font_path: Path) -> Image.Image:
    """Text lines as one 1-bit image ``dots`` wide; bold is over-struck, banners reversed and tall."""
    from PIL import Image

    left = max(0, (dots - cells * CELL_DOTS) // 2)
    heights = [BANNER_ROW_DOTS if ln.style == BANNER else ROW_DOTS for ln in lines]
    canvas = Image.new("L", (dots, max(1, sum(heights))), 0)
    y = 0
    font = str(font_path)
    for line, height in zip(lines, heights, strict=True):
        if line.style == BANNER:
            strip = Image.new("L", (dots, GLYPH_DOTS), 0)
            _draw_text(strip, line.text, left, 0, font)
            strip = strip.resize((dots, 2 * GLYPH_DOTS))
            band = Image.new("L", (dots, BANNER_ROW_DOTS - 2), 255)
            band.paste(0, (0, 2), strip)
            canvas.paste(band, (0, y))
        else:
            _draw_text(canvas, line.text, left, y + 3, font)
            if line.style == BOLD:
                _draw_text(canvas, line.text, left + 1, y + 3, font)
        y += height
    return canvas.convert("1", dither=Image.Dither.NONE)


def _zxing():  # type: ignore[no-untyped-def]
    """zxing-cpp when installed (optional ``fast-qr`` extra), else ``None``."""
    try:
        import zxingcpp
    except ImportError:
        return None
    return zxingcpp if hasattr(zxingcpp, "create_barcode") else None


@lru_cache(maxsize=16)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules for ``payload`` (error correction M, no quiet zone); True = dark.

    Both encoders choose the mask by the ISO 18004 penalty rules. ``qrcode``
    (pure Python) spends ~25 ms doing so; zxing-cpp, when installed, takes
    ~0.5 ms, which is what keeps an image-QR receipt within its time budget.
    Cached: one job draws the same code twice (job bytes and preview PNG), and
    reprints reuse it.
    """
    zxing = _zxing()
    if zxing is not None:
        code = zxing.create_barcode(payload, zxing.BarcodeFormat.QRCode, ec_level="M")
        image = code.to_image(scale=1, add_quiet_zones=False)
        rows, cols = image.shape
        raw = bytes(memoryview(image))
        return tuple(tuple(raw[r * cols + c] < 128 for c in range(cols)) for r in range(rows))
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(v) for v in row) for row in code.get_matrix())


def qr_modules(payload: str) -> int:
    """Modules across the QR for ``payload`` at level M, without building it.

    Choosing the version needs only the data length; building the matrix
    (mask evaluation) is what makes ``qrcode`` slow, and a native QR is built
    by the printer.
    """
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload.encode("utf-8"))
    return 17 + 4 * code.best_fit()


def qr_module_dots(modules: int, dots: int) -> int:
    """Dots per module so the QR and its quiet zone fit the paper (at least 3 to scan).

    A payload too long for the paper (a very long ``qr_template``) is an error
    rather than a QR cut off at the paper's edge that no phone can read.
    """
    fit = int(dots * QR_MAX_SHARE) // (modules + 2 * QR_QUIET)
    scale = max(QR_MIN_MODULE, min(QR_MAX_MODULE, fit))
    if (modules + 2 * QR_QUIET) * scale > dots:
        raise PrinterError("printer.qr_too_large", modules=modules, dots=dots)
    return scale


def render_qr(payload: str, dots: int) -> Image.Image:
    """A QR image as wide as the paper, centred, with its quiet zone ("1", ink = 255)."""
    from PIL import Image

    matrix = qr_matrix(payload)
    n = len(matrix)
    scale = qr_module_dots(n, dots)
    small = Image.frombytes(
        "1", (n, n), _pack_bits([bool(v) for row in matrix for v in row], n), "raw", "1"
    )
    big = small.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    canvas = Image.new("1", (dots, (n + 2 * QR_QUIET) * scale), 0)
    canvas.paste(big, ((dots - n * scale) // 2, QR_QUIET * scale))
    return canvas


def _pack_bits(bits: list[bool], width: int) -> bytes:
    """Rows of booleans as 1-bit raw rows (MSB first, each row padded to a byte)."""
    out = bytearray()
    for start in range(0, len(bits), width):
        row = bits[start : start + width]
        for i in range(0, width, 8):
            byte = 0
            for bit in row[i : i + 8]:
                byte = (byte << 1) | int(bit)
            byte <<= 8 - len(row[i : i + 8])
            out.append(byte)
    return bytes(out)


def render_blocks(blocks: Sequence[Block], dots: int, cells: int, font_path: Path) -> Image.Image:
    """A whole layout as one image: what the preview shows and image mode prints."""
    from PIL import Image

    parts: list[Image.Image] = []
    run: list[Line] = []
    for block in blocks:
        if isinstance(block, Line):
            run.append(block)
            continue
        if run:
            parts.append(render_lines(run, dots, cells, font_path))
            run = []
        if isinstance(block, QrBlock):
            parts.append(render_qr(block.payload, dots))
    if run:
        parts.append(render_lines(run, dots, cells, font_path))
    height = sum(p.height for p in parts) or 1
    sheet = Image.new("1", (dots, height), 0)
    y = 0
    for part in parts:
        sheet.paste(part, (0, y))
        y += part.height
    return sheet


def to_png_image(ink: Image.Image) -> Image.Image:
    """Black on white, for people (ink images store a burned dot as 255)."""
    from PIL import ImageOps

    return ImageOps.invert(ink.convert("L"))
