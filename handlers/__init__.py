"""Routers, one per capability; handlers parse, call one service and render the reply."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    acknowledgements,
    agenda,
    broadcasts,
    common,
    composition,
    fallback,
    gate,
    group_chat,
    guests,
    invites,
    meetings,
    onboarding,
    protocols,
    register_changes,
    register_entry,
    register_steps,
    registers,
    reporting,
    roster,
    tasks,
    units,
)


def routers() -> list[Router]:
    """In the order they are tried: /start first, then the gate for people not in the roster."""
    return [
        onboarding.router(),
        group_chat.router(),
        gate.router(),
        common.router(),
        roster.router(),
        invites.router(),
        units.router(),
        composition.router(),
        meetings.router(),
        agenda.router(),
        protocols.router(),
        broadcasts.router(),
        acknowledgements.router(),
        reporting.router(),
        tasks.router(),
        registers.router(),
        register_steps.router(),
        register_entry.router(),
        register_changes.router(),
        guests.router(),
        fallback.router(),
    ]
