"""Files the bot attaches to messages: calendar invitations, check-in QR codes, and the
protocol and quarterly summary as DOCX (``protocol_docx``, ``report_docx``, imported from
their modules so that python-docx loads only where a document is made).

Everything here is pure (no clock; the documents read only their labels from `locales/`)
so handlers can build the bytes and hand them to ``BufferedInputFile`` while tests check
them byte for byte.
"""

from __future__ import annotations

from bot.documents.ics import (
    MeetingInvite,
    cancellation_ics,
    ics_filename,
    invitation_ics,
    meeting_uid,
)
from bot.documents.qr import checkin_qr_png, png_size

__all__ = [
    "MeetingInvite",
    "cancellation_ics",
    "checkin_qr_png",
    "ics_filename",
    "invitation_ics",
    "meeting_uid",
    "png_size",
]
