"""Every kind of button payload the bot defines, for tests that must cover them all."""

from __future__ import annotations

import inspect

from bot import callbacks
from bot.callbacks import Payload


def payload_classes() -> list[type[Payload]]:
    return [
        obj
        for _, obj in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(obj, Payload) and obj is not Payload
    ]
