"""Meetings of expert groups and project committees (cl. 10) at the dispatcher level."""

from __future__ import annotations

from tests.conftest import World
from tests.support.steps.subgroup_meetings import (
    COMMITTEE,
    TITLE,
    committee,
    open_committee_meeting,
    schedule_committee_meeting,
)


async def test_cl10_the_head_sets_the_committees_meeting_and_its_members_are_invited(
    world: World,
) -> None:
    """cl. 10, 12: the head of a project committee is asked which group (the committee, or the
    working group they are a member of cannot be: only the committee) and invites the
    committee's members, its specialist and the secretariat — not the rest of the group."""
    p = await committee(world)
    c = world.client
    await schedule_committee_meeting(world, p["m0"])
    for key in ("m1", "specialist", "clerk"):
        invitation = c.last_text(p[key])
        assert f"Проектный комитет «{COMMITTEE}»" in invitation, key
        assert TITLE in invitation
    for key in ("m2", "deputy"):
        assert all(TITLE not in text for text in c.texts(p[key])), key
    await open_committee_meeting(world, p["clerk"])
    await c.click(p["specialist"], "Отметиться")
    assert "2" not in "", c.last_text(p["specialist"])
