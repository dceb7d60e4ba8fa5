"""What a meetings dialog takes.

The meetings' handlers were once one router, whose commands came before its dialogs; split
by job, a dialog's router may come before the router of a command. So a dialog takes any
message but the meetings' own commands, which still reach their handlers as they did; a
step that wants text refuses a file or a photo itself, with the same question.
"""

from __future__ import annotations

from aiogram import F

from bot.filters import Inline

MEETING_COMMANDS = ("newmeeting", "meetings", "absence", "compliance")
_COMMAND = rf"^/(?:{'|'.join(MEETING_COMMANDS)})(?:@\w+)?(?:\s|$)"


def dialog_text() -> Inline:
    # A message without text (a photo, a document) resolves `F.text.regexp` to None: taken.
    return Inline(~F.text.regexp(_COMMAND))
