"""ESC/POS output decoded back into what the customer sees, for every paper and mode."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk.domain.money import format_yuan
from shopdesk.errors import ConfigError, PrinterError
from shopdesk.printing import raster
from shopdesk.printing.escpos_out import JobOptions, render_escpos
from shopdesk.printing.layout import (
    BANNER,
    CELLS_58MM,
    CELLS_80MM,
    CELLS_80MM_512,
    Line,
    ShopHeader,
    block_texts,
    layout_receipt,
)
from shopdesk.printing.qr import make_qr_payload
from tests.printing.escpos_decode import decode, read_qr_images
from tests.printing.fixtures import needs_cjk_font
from tests.printing.test_layout import SHOP, demo_record, line, record

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PAPERS = [(384, CELLS_58MM), (512, CELLS_80MM_512), (576, CELLS_80MM)]


def receipt_blocks(cells: int, rec: dict | None = None, shop: ShopHeader = SHOP):
    rec = rec or demo_record()
    payload = make_qr_payload(rec, shop.uscc, KEY)
    return layout_receipt(rec, shop, cells, qr=payload), payload


@pytest.mark.parametrize(("dots", "cells"), PAPERS)
@pytest.mark.parametrize("native", [True, False], ids=["native-qr", "image-qr"])
def test_gb18030_mode_prints_the_exact_chinese_lines_and_the_qr(dots, cells, native):
    blocks, payload = receipt_blocks(cells)
    data = render_escpos(blocks, JobOptions(dots=dots, cells=cells, native_qr=native))
    out = decode(data)
    printed = [t for t in out.texts if t]  # the LF after a native QR is an empty line
    assert printed == [t.rstrip() for t in block_texts(blocks)]
    assert "临时收据" in [t.strip() for t in printed]
    banner = next(ln for ln in out.lines if ln.text.strip() == "临时收据")
    assert banner.reverse and banner.bold and banner.tall
    total = next(t for t in printed if t.startswith("合计"))
    assert total == "合计" + " " * (cells - 4 - 7) + "￥12.60"
    assert "大写 壹拾贰元陆角整" in printed
    if native:
        assert out.native_qrs == [payload]
        assert out.images == []
    else:
        assert out.native_qrs == []
        assert read_qr_images(out) == [payload]
        assert out.images[0].width == dots
    assert out.cuts == 1 and out.drawer_kicks == 0 and out.inits == 1


@needs_cjk_font
@pytest.mark.parametrize(("dots", "cells"), [(384, CELLS_58MM), (576, CELLS_80MM)])
@pytest.mark.parametrize("native", [True, False], ids=["native-qr", "image-qr"])
def test_image_mode_sends_no_text_bytes_and_a_scannable_qr(dots, cells, native):
    blocks, payload = receipt_blocks(cells)
    out = decode(
        render_escpos(
            blocks, JobOptions(dots=dots, cells=cells, text_mode="image", native_qr=native)
        )
    )
    assert [t for t in out.texts if t] == []  # every character went as pixels
    assert all(image.width == dots for image in out.images)
    lines = [b for b in blocks if isinstance(b, Line)]
    text_rows = sum(raster.BANNER_ROW_DOTS if b.style == BANNER else raster.ROW_DOTS for b in lines)
    if native:
        assert out.native_qrs == [payload]
        assert sum(image.height for image in out.images) == text_rows
    else:
        assert read_qr_images(out) == [payload]
    assert out.cuts == 1


@needs_cjk_font
def test_image_mode_banner_is_printed_white_on_black():
    blocks, _ = receipt_blocks(CELLS_58MM)
    out = decode(render_escpos(blocks, JobOptions(text_mode="image", native_qr=True)))
    picture = out.images[0]
    lines = [b for b in blocks if isinstance(b, Line)]
    top = 0
    for block in lines:
        height = raster.BANNER_ROW_DOTS if block.style == BANNER else raster.ROW_DOTS
        if block.text.strip() == "临时收据":
            break
        top += height
    band = b"".join(picture.rows[top + 4 : top + 8])
    ink = sum(bin(byte).count("1") for byte in band) / (len(band) * 8)
    assert ink > 0.6  # mostly burned: reversed banner


def test_cash_sale_kicks_the_drawer_only_when_asked():
    blocks, _ = receipt_blocks(CELLS_58MM)
    assert decode(render_escpos(blocks, JobOptions(kick_drawer=True))).drawer_kicks == 1
    assert decode(render_escpos(blocks, JobOptions(kick_drawer=False))).drawer_kicks == 0


def test_no_cut_option_only_feeds():
    blocks, _ = receipt_blocks(CELLS_58MM)
    assert decode(render_escpos(blocks, JobOptions(cut=False))).cuts == 0


def test_item_names_cannot_smuggle_printer_commands():
    hostile = record([line("可乐\x1b@\x1dV\x00\x1bp\x00\x19\xfa\x1c.¥", "1", "3.00")])
    blocks, _ = receipt_blocks(CELLS_58MM, hostile)
    out = decode(render_escpos(blocks, JobOptions()))  # the decoder rejects any stray control byte
    assert out.cuts == 1 and out.drawer_kicks == 0 and out.inits == 1
    assert any(t.startswith("可乐@Vpú.￥") for t in out.texts)


def test_profile_without_native_qr_falls_back_to_an_image():
    blocks, payload = receipt_blocks(CELLS_58MM)
    out = decode(render_escpos(blocks, JobOptions(profile="POS-5890", native_qr=True)))
    assert out.native_qrs == []
    assert read_qr_images(out) == [payload]


def test_unknown_escpos_profile_is_a_config_error():
    with pytest.raises(ConfigError) as caught:
        render_escpos([], JobOptions(profile="NO-SUCH-PRINTER"))
    assert caught.value.code == "printer.unknown_profile"


def test_image_mode_without_a_font_names_the_setting(monkeypatch):
    monkeypatch.setattr(raster, "FONT_CANDIDATES", ())
    monkeypatch.setattr(raster, "FONT_GLOBS", ())
    with pytest.raises(PrinterError) as caught:
        render_escpos([Line("x")], JobOptions(text_mode="image"))
    assert caught.value.code == "printer.no_font"
    from shopdesk.messages import message

    assert "font" in message("printer.no_font", "en") and "[printer]" in message(
        "printer.no_font", "zh"
    )
    with pytest.raises(PrinterError) as caught:
        render_escpos([Line("x")], JobOptions(text_mode="image", font="/nope/font.ttc"))
    assert caught.value.code == "printer.font_missing"


def test_fullwidth_yuan_is_sent_as_its_gbk_bytes():
    data = render_escpos([Line(format_yuan(__import__("decimal").Decimal("3")))], JobOptions())
    assert "￥".encode("gb18030") == b"\xa3\xa4" and b"\xa3\xa43.00" in data


@needs_cjk_font
@pytest.mark.parametrize(("dots", "cells"), [(384, CELLS_58MM), (576, CELLS_80MM)])
def test_image_mode_text_reads_back_cell_for_cell(dots, cells):
    """Every character of every line is drawn in its own cells: the same columns as gb18030."""
    from shopdesk.printing.layout import QrBlock
    from tests.printing.escpos_decode import read_raster_text

    blocks, _ = receipt_blocks(cells)
    out = decode(render_escpos(blocks, JobOptions(dots=dots, cells=cells, text_mode="image")))
    qr_at = next(i for i, b in enumerate(blocks) if isinstance(b, QrBlock))
    before, after = blocks[:qr_at], blocks[qr_at + 1 :]  # the native QR splits the text images

    def expected(part):
        return [None if b.style == BANNER else b.text.rstrip() for b in part]

    alphabet = "".join(b.text for b in blocks if isinstance(b, Line))
    font = str(raster.find_cjk_font())
    first, second = out.images
    assert read_raster_text(first, font, alphabet, cells=cells, dots=dots) == expected(before)
    assert read_raster_text(second, font, alphabet, cells=cells, dots=dots) == expected(after)


def test_a_line_built_outside_layout_still_cannot_carry_commands():
    out = decode(render_escpos([Line("tcp://x\x1bp\x00\x19\x1dV\x00")], JobOptions(cut=False)))
    assert out.texts[0] == "tcp://xpV" and out.drawer_kicks == 0 and out.cuts == 0


def test_a_qr_too_large_for_the_paper_is_an_error_not_a_cut_off_code():
    from shopdesk.printing.layout import QrBlock

    with pytest.raises(PrinterError) as caught:
        render_escpos([QrBlock("https://example.cn/" + "x" * 1500)], JobOptions(native_qr=False))
    assert caught.value.code == "printer.qr_too_large"


@pytest.mark.parametrize("encoder", ["zxing-cpp", "qrcode"])
def test_image_qr_scans_to_the_payload_with_either_encoder(monkeypatch, encoder):
    if encoder == "qrcode":
        monkeypatch.setattr(raster, "_zxing", lambda: None)
    elif raster._zxing() is None:
        pytest.skip("zxing-cpp is not installed (optional fast-qr extra)")
    raster.qr_matrix.cache_clear()
    blocks, payload = receipt_blocks(CELLS_58MM)
    out = decode(render_escpos(blocks, JobOptions(native_qr=False)))
    raster.qr_matrix.cache_clear()
    assert read_qr_images(out) == [payload]
