"""The terminal QR decodes to its payload with a real decoder."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from shopdesk.tui.qr import half_block_lines, qr_matrix, qr_size

CHAR_MODULES = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
SCALE = 8


def image_from_lines(lines: list[str]) -> Image.Image:
    """Redraw the half-block text as modules: black where a half block is dark."""
    width, height = len(lines[0]), len(lines) * 2
    img = Image.new("L", ((width + 8) * SCALE, (height + 8) * SCALE), 255)
    for row, line in enumerate(lines):
        for col, char in enumerate(line):
            for half, dark in enumerate(CHAR_MODULES[char]):
                if dark:
                    y = (row * 2 + half + 4) * SCALE
                    x = (col + 4) * SCALE
                    img.paste(0, (x, y, x + SCALE, y + SCALE))
    return img


def test_half_block_qr_decodes_to_the_receipt_number():
    lines = half_block_lines(qr_matrix("T01-00000042"))
    assert len(lines) <= 13  # fits the sale screen at 80×24
    results = zxingcpp.read_barcodes(image_from_lines(lines))
    assert [r.text for r in results] == ["T01-00000042"]


def test_odd_matrix_gets_a_blank_last_half_row():
    lines = half_block_lines([[True, False], [False, True], [True, True]])
    assert lines == ["▀▄", "▀▀"]


def test_size_estimate_matches_the_built_code():
    for payload in ("T01-00000042", "x" * 100, "SDPR*" + "y" * 172):
        lines = half_block_lines(qr_matrix(payload))
        assert qr_size(payload) == (len(lines[0]), len(lines))
