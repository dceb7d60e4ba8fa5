"""Text typed in a meetings dialog.

The meetings' handlers were once one router, whose commands came before its dialogs; split
by job, a dialog's router may come before the router of a command. So a dialog takes any
text but the meetings' own commands, which still reach their handlers as they did.
"""

from __future__ import annotations

from aiogram import F

from bot.filters import Inline

MEETING_COMMANDS = ("newmeeting", "meetings", "absence", "compliance")
_COMMAND = rf"^/(?:{'|'.join(MEETING_COMMANDS)})(?:@\w+)?(?:\s|$)"


def dialog_text() -> Inline:
    return Inline(F.text & ~F.text.regexp(_COMMAND))
