"""Protocol rules (regulation cl. 12, 14, 15): the version a consent binds to, and what
must hold before the presiding person may sign."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.protocol import (
    DEFAULT_CONSENT_PERIOD,
    Attendee,
    Missing,
    ProtocolContent,
    SignatureCheck,
    canonical_text,
    check_signature,
    version_hash,
)
from tests.support.protocol_content import make_content

# --- version hash (cl. 14: consent binds to the exact text) ----------------------------


BASE = make_content()

Edit = Callable[[ProtocolContent], ProtocolContent]


def _set(**changes: Any) -> Edit:
    return lambda c: dataclasses.replace(c, **changes)


def _item(index: int, **changes: Any) -> Edit:
    def edit(c: ProtocolContent) -> ProtocolContent:
        items = list(c.items)
        items[index] = dataclasses.replace(items[index], **changes)
        return dataclasses.replace(c, items=tuple(items))

    return edit


def _task(**changes: Any) -> Edit:
    def edit(c: ProtocolContent) -> ProtocolContent:
        task = dataclasses.replace(c.items[0].tasks[0], **changes)
        return _item(0, tasks=(task,))(c)

    return edit


SUBSTANTIVE_EDITS: dict[str, Edit] = {
    "body_name": _set(body_name="Министерство экономики Московской области"),
    "group_name": _set(group_name="Экспертная группа"),
    "number": _set(number="4/2026"),
    "meeting_date": _set(meeting_date=date(2026, 12, 26)),
    "meeting_time": _set(meeting_time="16:00"),
    "place": _set(place="г. Москва, ул. Тверская, д. 1"),
    "place_to_remote": _set(place=None),
    "presiding": _set(presiding="Орлов Денис Андреевич"),
    "presiding_role": _set(presiding_role="заместитель председателя рабочей группы"),
    "secretary": _set(secretary="Иванова И.И."),
    "secretary_removed": _set(secretary=None),
    "present_members": _set(present_members=3),
    "total_members": _set(total_members=6),
    "quorum": _set(quorum=False),
    "attendee_name": _set(attendees=(Attendee("Соколова М.В.", "Управление делами"),)),
    "attendee_unit": _set(
        attendees=(
            Attendee("Соколова Марина Викторовна", None),
            Attendee("Орлов Денис Андреевич", "Отдел цифровых сервисов"),
        )
    ),
    "attendee_added": lambda c: dataclasses.replace(
        c, attendees=(*c.attendees, Attendee("Ким Виктор", None))
    ),
    "attendees_reordered": lambda c: dataclasses.replace(c, attendees=c.attendees[::-1]),
    "guest": _set(guests=("Лебедев Артём Олегович",)),
    "guests_removed": _set(guests=()),
    "item_number": _item(1, number=3),
    "item_title": _item(0, title="Об опросе заявителей за IV квартал"),
    "heard": _item(0, heard="Орлов Д.А., Петрова А.С."),
    "spoke": _item(0, spoke=""),
    "decided": _item(0, decided="Отложить."),
    "vote": _item(1, vote="за — 4, против — 0"),
    "task_text": _task(text="Подготовить и согласовать план"),
    "task_owner": _task(owner="Петрова А.С."),
    "task_deadline": _task(deadline=date(2027, 2, 28)),
    "task_deadline_removed": _task(deadline=None),
    "task_added": _item(0, tasks=()),
    "item_removed": lambda c: dataclasses.replace(c, items=c.items[:1]),
    "items_reordered": lambda c: dataclasses.replace(c, items=c.items[::-1]),
}


@pytest.mark.parametrize("edit", SUBSTANTIVE_EDITS.values(), ids=SUBSTANTIVE_EDITS.keys())
def test_cl14_any_substantive_edit_makes_a_new_version(edit: Edit) -> None:
    """Cl. 14: a consent binds to the exact text, so any edit of substance changes both
    the canonical text and the hash, and earlier consents no longer apply."""
    edited = edit(BASE)
    assert edited != BASE
    assert canonical_text(edited) != canonical_text(BASE)
    assert version_hash(edited) != version_hash(BASE)


def test_cl14_same_content_same_hash() -> None:
    """Cl. 14: rebuilding the same content (e.g. after a restart) gives the same version,
    so consents already given still count."""
    assert make_content() is not BASE
    assert version_hash(make_content()) == version_hash(BASE)
    assert re.fullmatch(r"[0-9a-f]{64}", version_hash(BASE))


def test_cl14_carriage_returns_are_not_substance() -> None:
    """Cl. 14: text pasted from Windows (CRLF) is the same version as the LF text."""
    crlf = _item(0, heard="Орлов Д.А.\r\nо результатах")(BASE)
    lf = _item(0, heard="Орлов Д.А.\nо результатах")(BASE)
    assert version_hash(crlf) == version_hash(lf)


def test_cl14_extra_metadata_is_outside_the_version() -> None:
    """Cl. 14: ``extra`` is bookkeeping outside the canonical text; it does not ask members
    for consent again."""
    assert version_hash(dataclasses.replace(BASE, extra={"draft_by": "42"})) == version_hash(BASE)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param(
            _set(attendees=(Attendee("Орлов|Отдел", "А"),)),
            _set(attendees=(Attendee("Орлов", "Отдел|А"),)),
            id="separator-in-attendee",
        ),
        pytest.param(
            _item(0, heard="Орлов\nspoke=Ким", spoke=""),
            _item(0, heard="Орлов", spoke="Ким\nspoke="),
            id="newline-moves-text-between-blocks",
        ),
        pytest.param(_set(place="-"), _set(place=None), id="dash-place-vs-remote"),
    ],
)
def test_cl14_distinct_contents_have_distinct_versions(left: Edit, right: Edit) -> None:
    """Cl. 14: two protocols that read differently must not share a version hash,
    otherwise a consent given to one would count for the other."""
    assert left(BASE) != right(BASE)
    assert version_hash(left(BASE)) != version_hash(right(BASE))


@given(st.text(), st.text())
def test_cl14_decision_text_edit_changes_hash(before: str, after: str) -> None:
    """Cl. 14: any change to what was decided (other than line-ending style) is a new
    version."""
    first = _item(0, decided=before)(BASE)
    second = _item(0, decided=after)(BASE)
    same = before.replace("\r", "") == after.replace("\r", "")
    assert (version_hash(first) == version_hash(second)) is same


# --- check_signature (cl. 12, 14, 15) --------------------------------------------------

REQUESTED = datetime(2026, 12, 25, 18, 0, tzinfo=UTC)
DURING = REQUESTED + timedelta(days=1)
AFTER = REQUESTED + DEFAULT_CONSENT_PERIOD + timedelta(minutes=1)
PRESENT = frozenset({1, 2, 3, 4})


def check(
    *,
    has_recording: bool = True,
    decisions_with_quorum: bool = True,
    open_disagreements: int = 0,
    present: frozenset[int] = PRESENT,
    consented: frozenset[int] = PRESENT,
    objected: frozenset[int] = frozenset(),
    requested: datetime | None = REQUESTED,
    now: datetime = DURING,
    period: timedelta = DEFAULT_CONSENT_PERIOD,
) -> SignatureCheck:
    return check_signature(
        has_recording=has_recording,
        decisions_with_quorum=decisions_with_quorum,
        open_disagreements=open_disagreements,
        present_members=present,
        consented=consented,
        objected=objected,
        consent_requested_at=requested,
        now=now,
        consent_period=period,
    )


def test_cl14_everyone_present_consented_may_sign() -> None:
    """Cl. 14: signed on the oral consent of the members present; with all of them
    consenting the protocol may be signed at once, before the period ends."""
    result = check()
    assert result.may_sign
    assert result.missing == ()
    assert result.silent == frozenset()


def test_cl12_no_recording_blocks_signature() -> None:
    """Cl. 12: the audio recording is mandatory; no signature without it."""
    result = check(has_recording=False, now=AFTER)
    assert not result.may_sign
    assert result.missing == (Missing.RECORDING,)


def test_cl14_decision_without_quorum_blocks_signature() -> None:
    """Cl. 14: decisions need at least half of the members present."""
    result = check(decisions_with_quorum=False)
    assert result.missing == (Missing.QUORUM,)


def test_cl14_silent_member_blocks_during_consent_period() -> None:
    """Cl. 14: while the period runs, a member present who has not answered is awaited."""
    result = check(consented=frozenset({1, 2, 3}))
    assert result.missing == (Missing.CONSENT,)
    assert result.silent == frozenset({4})


def test_cl14_silent_members_do_not_block_after_period_and_are_listed() -> None:
    """Cl. 14: once the period is over with no objection, silence does not block; those
    who did not answer are named in the record."""
    result = check(consented=frozenset({1, 2}), now=AFTER)
    assert result.may_sign
    assert result.silent == frozenset({3, 4})


def test_cl14_period_ends_exactly_at_its_length() -> None:
    """Cl. 14: at request time + period the period is over; a moment before it is not."""
    partial = frozenset({1, 2, 3})
    end = REQUESTED + DEFAULT_CONSENT_PERIOD
    assert check(consented=partial, now=end).may_sign
    assert not check(consented=partial, now=end - timedelta(microseconds=1)).may_sign


def test_cl14_custom_consent_period() -> None:
    """Cl. 14: the group may set a shorter or longer period than the default."""
    partial = frozenset({1, 2, 3})
    now = REQUESTED + timedelta(hours=25)
    assert check(consented=partial, now=now, period=timedelta(days=1)).may_sign
    assert not check(consented=partial, now=now, period=timedelta(days=2)).may_sign


def test_cl14_consent_to_an_earlier_version_does_not_count() -> None:
    """Cl. 14: a consent binds to the exact version; after an edit, consents recorded
    for the old hash are not consents to the new one, so those members are awaited."""
    old = version_hash(BASE)
    new = version_hash(_item(0, decided="Отложить.")(BASE))
    recorded = {(1, old), (2, old), (3, new), (4, new)}
    consented = frozenset(member for member, hashed in recorded if hashed == new)
    # Asking again after the edit restarts the period.
    result = check(consented=consented, requested=AFTER, now=AFTER + timedelta(hours=1))
    assert result.missing == (Missing.CONSENT,)
    assert result.silent == frozenset({1, 2})


def test_cl15_open_disagreement_blocks_signature() -> None:
    """Cl. 15: disagreements are settled at a conciliation meeting first; an open one
    blocks the signature even with every consent in and the period over."""
    result = check(open_disagreements=1, now=AFTER)
    assert result.missing == (Missing.DISAGREEMENT,)


def test_cl15_objection_from_present_member_blocks_even_after_period() -> None:
    """Cl. 15: an objection is not silence; it blocks until resolved, whatever the time."""
    result = check(consented=frozenset({1, 2, 3}), objected=frozenset({4}), now=AFTER)
    assert result.missing == (Missing.CONSENT,)
    assert result.silent == frozenset()


def test_cl14_objection_from_absent_member_does_not_block() -> None:
    """Cl. 14: consent is asked of the members present; a member who was absent has no
    say on this protocol's consent."""
    result = check(objected=frozenset({9}))
    assert result.may_sign


def test_cl14_no_consent_request_yet() -> None:
    """Cl. 14: consent has to be asked before anyone can be counted as silent or the
    protocol signed; the check says the request is what is missing, not a consent."""
    result = check(consented=frozenset(), requested=None, now=AFTER)
    assert result.missing == (Missing.CONSENT_REQUEST,)
    assert Missing.CONSENT not in result.missing


def test_cl12_14_15_every_gap_reported_in_order() -> None:
    """Cl. 12, 14, 15: the check lists everything missing at once, in a stable order."""
    result = check(
        has_recording=False,
        decisions_with_quorum=False,
        open_disagreements=2,
        requested=None,
    )
    assert result.missing == (
        Missing.RECORDING,
        Missing.QUORUM,
        Missing.DISAGREEMENT,
        Missing.CONSENT_REQUEST,
    )


_members = st.frozensets(st.integers(min_value=1, max_value=8), max_size=8)
_offsets = st.timedeltas(min_value=timedelta(days=-1), max_value=timedelta(days=10))


@given(
    has_recording=st.booleans(),
    with_quorum=st.booleans(),
    disagreements=st.integers(min_value=0, max_value=3),
    present=_members,
    consented=_members,
    objected=_members,
    requested=st.booleans(),
    offset=_offsets,
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
)
def test_cl12_14_15_signature_properties(
    has_recording: bool,
    with_quorum: bool,
    disagreements: int,
    present: frozenset[int],
    consented: frozenset[int],
    objected: frozenset[int],
    requested: bool,
    offset: timedelta,
    later: timedelta,
) -> None:
    """Cl. 12, 14, 15 as properties over any inputs."""
    now = REQUESTED + offset
    args: dict[str, Any] = {
        "has_recording": has_recording,
        "decisions_with_quorum": with_quorum,
        "open_disagreements": disagreements,
        "present": present,
        "consented": consented,
        "objected": objected,
        "requested": REQUESTED if requested else None,
    }
    result = check(now=now, **args)

    # Signing implies the recording (cl. 12), quorum (cl. 14), no open disagreement and
    # no objection from a member present (cl. 15), and a consent request (cl. 14).
    if result.may_sign:
        assert has_recording and with_quorum and disagreements == 0 and requested
        assert not objected & present
    # Everyone present consented and nobody present objected: consent is never missing.
    if present <= consented and not objected & present:
        assert Missing.CONSENT not in result.missing
    # Silent means present and neither consented nor objected.
    assert result.silent == present - consented - objected
    assert len(set(result.missing)) == len(result.missing)
    assert not {Missing.CONSENT, Missing.CONSENT_REQUEST} <= set(result.missing)
    # Waiting never takes away a signature that was possible (cl. 14: the period only
    # ever releases silent members).
    if result.may_sign:
        assert check(now=now + later, **args).may_sign
