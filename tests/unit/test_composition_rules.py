"""The approved composition (cl. 9) and several roles per person (cl. 6-7): pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.commands import commands_for
from bot.domain.composition import (
    ActDetails,
    ActKind,
    CompositionError,
    CompositionRuleError,
    check_extra_roles,
    check_member_role,
    check_signed_on,
    clean_number,
    number_clashes,
)
from bot.domain.roles import Role, Standing
from bot.domain.tasks import may_assign, sees_all
from bot.services.broadcasts import Audience, select_audience
from bot.services.reporting import representatives
from bot.services.task_directory import ESCALATED_TO, Directory
from storage.dto import MemberView, PersonView

TODAY = date(2026, 12, 1)


def _code(call: object) -> CompositionError:
    with pytest.raises(CompositionRuleError) as caught:
        call()  # type: ignore[operator]
    return caught.value.code


def test_cl9_an_act_is_signed_already_never_dated_in_the_future() -> None:
    """cl. 9: the act approving the composition is recorded once signed: today or earlier."""
    assert check_signed_on(TODAY, TODAY) == TODAY
    assert check_signed_on(date(2020, 1, 9), TODAY) == date(2020, 1, 9)
    assert _code(lambda: check_signed_on(date(2026, 12, 2), TODAY)) is CompositionError.DATE_FUTURE


def test_cl9_the_same_kind_number_and_year_is_the_same_act() -> None:
    """cl. 9: acts of one kind are numbered per year; a clash means the act is recorded twice."""
    recorded = [ActDetails(ActKind.DIRECTIVE, "45-р", date(2026, 11, 25))]
    assert number_clashes(ActDetails(ActKind.DIRECTIVE, "45-Р", date(2026, 3, 1)), recorded)
    # Another year, another kind: a different act.
    assert not number_clashes(ActDetails(ActKind.DIRECTIVE, "45-р", date(2025, 11, 25)), recorded)
    assert not number_clashes(ActDetails(ActKind.ORDER, "45-р", date(2026, 11, 25)), recorded)
    # The initial act has no number and clashes with nothing.
    initial = ActDetails(ActKind.ORDER, None, None)
    assert not initial.complete
    assert not number_clashes(initial, recorded)
    assert not number_clashes(ActDetails(ActKind.ORDER, "1", TODAY), [initial])


@pytest.mark.parametrize(("raw", "expected"), [("№ 45-р", "45-р"), ("  12  ", "12"), ("№12", "12")])
def test_cl9_act_numbers_are_taken_as_typed_without_the_sign(raw: str, expected: str) -> None:
    assert clean_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "№", "1" * 51])
def test_cl9_an_empty_or_overlong_number_is_refused(raw: str) -> None:
    assert _code(lambda: clean_number(raw)) is CompositionError.NUMBER_INVALID


def test_cl9_an_act_includes_members_chair_and_deputy_never_a_guest() -> None:
    """cl. 9, 14, 16 а: the composition is members; a guest and the secretariat's staff are not
    included by an act."""
    for role in (Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER):
        assert check_member_role(role) is role
    for role in (Role.GUEST, Role.SECRETARIAT, Role.UNIT_REPRESENTATIVE):
        assert _code(lambda r=role: check_member_role(r)) is CompositionError.NOT_A_MEMBER_ROLE


def test_cl7_extra_roles_are_a_representative_with_a_unit_or_the_secretariat() -> None:
    """cl. 6-7: a member may also represent their unit (which needs the unit) and work in the
    secretariat; nothing else is held besides the main role."""
    both = {Role.UNIT_REPRESENTATIVE, Role.SECRETARIAT}
    assert check_extra_roles(Role.MEMBER, both, unit_id=3) == both
    assert check_extra_roles(Role.CHAIR, set(), unit_id=None) == frozenset()
    assert (
        _code(lambda: check_extra_roles(Role.MEMBER, {Role.UNIT_REPRESENTATIVE}, None))
        is CompositionError.EXTRA_NEEDS_UNIT
    )
    for wrong in (Role.GUEST, Role.CHAIR, Role.MEMBER):
        assert (
            _code(lambda w=wrong: check_extra_roles(Role.MEMBER, {w}, 3))
            is CompositionError.EXTRA_ROLE_INVALID
        )
    assert (
        _code(lambda: check_extra_roles(Role.SECRETARIAT, {Role.SECRETARIAT}, 3))
        is CompositionError.EXTRA_SAME_AS_MAIN
    )


def test_cl7_the_command_list_is_the_union_of_the_roles() -> None:
    """cl. 7: a member who also represents a unit gets /report; one in the secretariat gets
    the roster's commands; the chair in the secretariat keeps /newmeeting."""
    rep = commands_for(Standing(Role.MEMBER, extra_roles=frozenset({Role.UNIT_REPRESENTATIVE})))
    assert "report" in rep and "members" not in rep
    clerk = commands_for(Standing(Role.CHAIR, extra_roles=frozenset({Role.SECRETARIAT})))
    assert {"newmeeting", "members", "composition", "broadcast"} <= set(clerk)
    assert "report" not in commands_for(Standing(Role.MEMBER))


def _member(
    pid: int, role: Role, extra: frozenset[Role] = frozenset(), unit: int | None = None
) -> MemberView:
    person = PersonView(pid, 7000 + pid, f"Person {pid}", f"Person {pid}", "ru")
    return MemberView(
        pid, person, role, unit, None, datetime(2026, 1, 1, tzinfo=UTC), frozenset(extra)
    )


def test_cl7_broadcast_to_members_reaches_every_member_and_no_secretariat_only_staff() -> None:
    """cl. 7, 14: «members» are the chair, the deputy and members whatever else they hold; a
    member working in the secretariat is in the secretariat's audience too."""
    roster = [
        _member(1, Role.CHAIR),
        _member(2, Role.DEPUTY_CHAIR),
        _member(3, Role.MEMBER, frozenset({Role.UNIT_REPRESENTATIVE}), unit=5),
        _member(4, Role.MEMBER, frozenset({Role.SECRETARIAT})),
        _member(5, Role.SECRETARIAT),
        _member(6, Role.UNIT_REPRESENTATIVE, unit=5),
    ]
    ids = lambda found: [m.person.id for m in found]  # noqa: E731
    assert ids(select_audience(roster, Audience.MEMBERS, None)) == [1, 2, 3, 4]
    assert ids(select_audience(roster, Audience.SECRETARIAT, None)) == [4, 5]
    assert ids(select_audience(roster, Audience.EVERYONE, None)) == [1, 2, 3, 4, 5, 6]
    # cl. 4 г: a unit's representatives are those holding the role, main or extra.
    assert representatives(roster) == {5: [3, 6]}


def test_cl7_task_notices_reach_a_member_in_the_secretariat_not_one_outside_the_bot() -> None:
    """cl. 4 д-е, 7: escalations and completion reports go to whoever holds the role, main or
    extra, and only to people with a chat."""
    clerk = _member(1, Role.MEMBER, frozenset({Role.SECRETARIAT}))
    absent = MemberView(
        2,
        PersonView(2, None, "Не в боте", "Не в боте", None),
        Role.CHAIR,
        None,
        None,
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    directory = Directory([clerk, absent, _member(3, Role.MEMBER)], [])
    assert [m.person.id for m in directory.holding(ESCALATED_TO)] == [1]
    standing = Standing(Role.MEMBER, extra_roles=frozenset({Role.SECRETARIAT}))
    assert sees_all(standing) and may_assign(standing)
