"""Routers, one per capability; handlers parse, call one service and render the reply."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    absence,
    acknowledgements,
    agenda,
    attendance,
    audit,
    broadcasts,
    common,
    compliance,
    composition,
    delegations,
    document_versions,
    fallback,
    gate,
    group_chat,
    guests,
    indicators,
    invites,
    meeting_card,
    meeting_schedule,
    onboarding,
    protocols,
    recording,
    register_changes,
    register_entry,
    register_steps,
    registers,
    reporting,
    roster,
    subgroups,
    task_changes,
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
        # Meetings, one router per job, in the order their handlers were tried as one.
        meeting_schedule.router(),
        meeting_card.router(),
        attendance.router(),
        recording.router(),
        absence.router(),
        compliance.router(),
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
        task_changes.router(),
        document_versions.router(),
        indicators.router(),
        delegations.router(),
        subgroups.router(),
        audit.router(),
        fallback.router(),
    ]
