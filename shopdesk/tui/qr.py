"""A QR code drawn with half-block characters: two modules per terminal cell.

A terminal cell is about twice as tall as wide, so one character holds a
module pair stacked vertically (▀ top, ▄ bottom, █ both, space none); the code
comes out square and a phone can scan it off the screen.
"""

from __future__ import annotations

#: Modules of white margin around the code (the standard asks for 4; 1 reads fine
#: on a lit screen and saves rows at 80×24).
QUIET_ZONE = 1


#: Bytes a QR version holds in byte mode at error correction M (ISO/IEC 18004
#: table 7), versions 1–10; enough to size a receipt's QR without building it.
BYTE_CAPACITY_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)


def qr_size(payload: str) -> tuple[int, int]:
    """(columns, rows) the half-block code will take, or a large size past version 10.

    Building a QR (mask selection) costs ~12 ms for a signed payload; the screen
    asks this first and only draws the code when there is room for it.
    """
    length = len(payload.encode("utf-8"))
    version = next((v for v, cap in enumerate(BYTE_CAPACITY_M, 1) if length <= cap), 40)
    modules = 17 + 4 * version + 2 * QUIET_ZONE
    return modules, (modules + 1) // 2


def qr_matrix(payload: str) -> list[list[bool]]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def half_block_lines(matrix: list[list[bool]]) -> list[str]:
    """Rows of characters where *dark* modules are drawn (light-on-dark text is
    inverted by the widget style so the code keeps dark modules on a light ground)."""
    rows = [*matrix, [False] * len(matrix[0])] if len(matrix) % 2 else matrix
    chars = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return [
        "".join(chars[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    ]


def qr_text(payload: str) -> str:
    return "\n".join(half_block_lines(qr_matrix(payload)))
