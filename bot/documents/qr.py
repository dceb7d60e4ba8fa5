"""QR code the meeting room shows; scanning it opens the bot's check-in deep link."""

from __future__ import annotations

import io
import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO/IEC 18004 asks for a quiet zone of at least four modules; less makes phone
# cameras miss the code when it is shown on a slide with other content around it.
QUIET_ZONE = 4


def checkin_qr_png(url: str, *, scale: int = 8) -> bytes:
    """PNG of a QR code for ``url`` (error correction M, four-module border)."""
    if not url:
        raise ValueError("url must not be empty")
    if scale < 1:
        raise ValueError("scale must be at least 1")
    # Level M survives glare and a partly covered screen while keeping the symbol
    # small; micro=False because Micro QR is unreadable by most phone cameras.
    # boost_error=False keeps the level at M: segno would otherwise silently raise
    # it whenever the same version has room, so the symbol would vary with the URL.
    import segno  # loaded for the first QR code, not by an idle bot (issue #15 item 9)

    qr = segno.make(url, error="m", micro=False, boost_error=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from the PNG header (IHDR is always the first chunk)."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
