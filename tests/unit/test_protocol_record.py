"""The protocol as a legal record (issue #12): the signature check's new conditions, the
consent record, the snapshot taken at signature, the numbering series and what the DOCX
shows of them. Pure rules, no storage."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from docx import Document

from bot.documents.protocol_docx import render_protocol
from bot.domain.protocol import (
    DEFAULT_CONSENT_PERIOD,
    ConsentEntry,
    ConsentState,
    InclusionVote,
    ItemRecord,
    Missing,
    Objection,
    SignatureCheck,
    check_signature,
    consent_record,
    consents_from_data,
    consents_to_data,
    content_from_data,
    content_to_data,
    empty_decisions,
    protocol_number,
    version_hash,
)
from tests.support.protocol_content import make_content

REQUESTED = datetime(2026, 12, 25, 18, 0, tzinfo=UTC)
DURING = REQUESTED + timedelta(days=1)
AFTER = REQUESTED + DEFAULT_CONSENT_PERIOD + timedelta(minutes=1)
HASH = "a" * 64
CONCILIATION_DAY = date(2026, 12, 28)


def _check(**kw: object) -> SignatureCheck:
    args: dict[str, object] = {
        "has_recording": True,
        "decisions_with_quorum": True,
        "open_disagreements": 0,
        "present_members": frozenset({1, 2, 3}),
        "consented": frozenset({1, 2, 3}),
        "objected": frozenset(),
        "consent_requested_at": REQUESTED,
        "now": DURING,
    }
    args.update(kw)
    return check_signature(**args)  # type: ignore[arg-type]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# --- finding 2: every item has its decision -------------------------------------------


def test_cl14_an_item_without_decision_blocks_signing_and_is_named() -> None:
    """Cl. 14: a protocol with an item whose РЕШИЛИ is blank is not signed."""
    items = (
        ItemRecord(1, "Первый", "Докладчик", "", "Решили."),
        ItemRecord(2, "Второй", "", "", "  \n "),
    )
    assert empty_decisions(items) == (2,)
    result = _check(empty_items=empty_decisions(items))
    assert not result.may_sign
    assert Missing.DECISION in result.missing
    assert result.empty_items == (2,)
    assert _check(empty_items=()).may_sign


# --- finding 13: settled objections, changed text --------------------------------------


def test_cl15_a_settled_objector_is_neither_silent_nor_waited_for() -> None:
    """Cl. 15: an objection kept «без изменений» or withdrawn is the member's position."""
    result = _check(consented=frozenset({1, 2}), settled=frozenset({3}))
    assert result.may_sign and result.silent == frozenset()


def test_cl15_text_changed_needs_a_new_version_and_the_objectors_consent() -> None:
    """Cl. 15: «text changed» is settled by a newer version the objector consents to; the end
    of the consent period does not excuse them."""
    waiting = _check(awaiting_new_version=True)
    assert Missing.NEW_VERSION in waiting.missing
    not_yet = _check(consented=frozenset({1, 2}), must_consent=frozenset({3}), now=AFTER)
    assert Missing.CONSENT in not_yet.missing
    assert _check(must_consent=frozenset({3}), now=AFTER).may_sign


# --- finding 3: the consent record -----------------------------------------------------


def test_cl14_cl15_every_member_present_ends_in_exactly_one_state() -> None:
    """Cl. 14-15: consented (with the mode); objected and the outcome; or silent."""
    present = [(1, "А"), (2, "Б"), (3, "В"), (4, "Г"), (5, "Д"), (6, "Е")]
    consents = {1: "in_person", 2: "video", 4: "audio"}
    objections = [
        Objection(2, 1, "changed", CONCILIATION_DAY),
        Objection(3, 2, "unchanged", CONCILIATION_DAY),
        Objection(4, 1, "withdrawn"),
        Objection(6, 2, "changed", CONCILIATION_DAY),
    ]
    record = consent_record(present, consents, objections)
    assert [(e.name, e.state, e.mode, e.item_number) for e in record] == [
        ("А", ConsentState.CONSENTED, "in_person", None),
        ("Б", ConsentState.CHANGED, "video", 1),
        ("В", ConsentState.UNCHANGED, None, 2),
        ("Г", ConsentState.WITHDRAWN, None, 1),
        ("Д", ConsentState.SILENT, None, None),
        # Text changed but no consent to the new text: no position on what was signed.
        ("Е", ConsentState.SILENT, None, None),
    ]
    assert record[2].conciliation_on == CONCILIATION_DAY


def test_cl15_the_docx_lists_each_members_state_and_no_objector_as_silent() -> None:
    """Cl. 15 (finding 3): an objection settled without change is recorded as such."""
    entries = (
        ConsentEntry("Соколова М.В.", ConsentState.CONSENTED, "in_person"),
        ConsentEntry("Орлов Д.А.", ConsentState.UNCHANGED, None, 2, CONCILIATION_DAY),
        ConsentEntry("Петрова А.С.", ConsentState.CHANGED, "video", 1, CONCILIATION_DAY),
        ConsentEntry("Иванов И.И.", ConsentState.WITHDRAWN, None, 1),
        ConsentEntry("Сидоров С.С.", ConsentState.SILENT),
    )
    text = _text(
        render_protocol(
            make_content(),
            version_hash=HASH,
            signed_by="Соколова М.В.",
            signed_on=date(2026, 12, 29),
            consents=entries,
        )
    )
    assert "Согласование протокола присутствовавшими членами рабочей группы:" in text
    assert "Соколова М.В. — устное согласие (очно)" in text
    assert (
        "Орлов Д.А. — возражение по вопросу 2 рассмотрено на согласительном совещании от "
        "28 декабря 2026 г., текст оставлен без изменений"
    ) in text
    assert (
        "Петрова А.С. — возражение по вопросу 1; по итогам согласительного совещания от "
        "28 декабря 2026 г. текст изменён, устное согласие с новой редакцией (по видеосвязи)"
    ) in text
    assert "Иванов И.И. — возражение по вопросу 1 отозвано заявителем" in text
    # The silent are named together, in the words the chat uses for them.
    assert "Не выразили позицию в срок: Сидоров С.С." in text
    assert "Сидоров С.С. —" not in text


# --- finding 1: the snapshot ------------------------------------------------------------


def test_cl14_the_snapshot_gives_back_the_same_content_and_the_same_bytes() -> None:
    """Cl. 14 (finding 1): what the DOCX shows survives the JSON snapshot unchanged, so a
    copy rendered from it is byte for byte the one signed."""
    content = replace(
        make_content(),
        extraordinary=True,
        closed_time="16:40",
        rejected=(("О выезде", InclusionVote(1, 2, 0, 3, None, False)),),
        items=(
            *make_content().items,
            ItemRecord(
                3,
                "Дополнительный",
                "",
                "",
                "Решили.",
                (),
                "",
                InclusionVote(3, 0, 0, 3, "consensus", True),
            ),
        ),
    )
    back = content_from_data(content_to_data(content))
    assert back == content
    entries = (ConsentEntry("А", ConsentState.UNCHANGED, None, 2, CONCILIATION_DAY),)
    assert consents_from_data(consents_to_data(entries)) == entries
    signed = {"version_hash": HASH, "signed_by": "А", "signed_on": date(2026, 12, 29)}
    assert render_protocol(content, consents=entries, **signed) == render_protocol(  # type: ignore[arg-type]
        back,
        consents=consents_from_data(consents_to_data(entries)),
        **signed,  # type: ignore[arg-type]
    )


def test_cl14_facts_added_later_keep_the_hash_of_versions_saved_before() -> None:
    """Cl. 14: consents bind to a version's hash; a protocol without the new facts hashes
    as it did, and each new fact, when set, changes the hash."""
    base = make_content()
    assert version_hash(base) == version_hash(replace(base, rejected=(), extraordinary=False))
    for changed in (
        replace(base, extraordinary=True),
        replace(base, closed_time="16:40"),
        replace(base, rejected=(("X", InclusionVote(0, 3, 0, 3, None, False)),)),
        replace(base, series="conciliation"),
    ):
        assert version_hash(changed) != version_hash(base)


# --- finding 14, finding 6 and the heading -----------------------------------------------


def test_cl15_conciliation_protocols_are_numbered_in_their_own_series() -> None:
    """Cl. 15 (finding 14): «С-1/2026» cannot be mistaken for the group's «1/2026»."""
    assert protocol_number(1, 2026) == "1/2026"
    assert protocol_number(1, 2026, "conciliation") == "С-1/2026"


def test_cl12_cl13_docx_states_the_hours_held_extraordinary_and_every_additional_vote() -> None:
    """Cl. 12-13: the hours the meeting was held, «внеочередного заседания», and each
    additional item put to the vote with its counts, included or not."""
    content = replace(
        make_content(),
        extraordinary=True,
        closed_time="16:40",
        rejected=(("О выездном совещании", InclusionVote(1, 2, 0, 3, None, False)),),
        items=(
            ItemRecord(
                1,
                "О пилотном проекте",
                "Орлов Д.А.",
                "",
                "Одобрить.",
                inclusion=InclusionVote(2, 1, 0, 3, "majority", True),
            ),
        ),
    )
    text = _text(render_protocol(content, version_hash=HASH, signed_by=None, signed_on=None))
    assert "внеочередного заседания" in text
    assert "Время проведения: 15:00–16:40" in text
    assert (
        "ГОЛОСОВАЛИ о включении в повестку дня: «за» — 2, «против» — 1, «воздержались» — 0 "
        "(присутствовавших членов рабочей группы — 3). Вопрос включён в повестку дня простым "
        "большинством голосов."
    ) in text
    assert "Не включены в повестку дня:" in text
    assert "О выездном совещании" in text
    assert "Вопрос не включён в повестку дня." in text
    conciliation = _text(
        render_protocol(
            replace(make_content(), series="conciliation", number="С-1/2026"),
            version_hash=HASH,
            signed_by=None,
            signed_on=None,
        )
    )
    assert "согласительного совещания" in conciliation and "№ С-1/2026" in conciliation


def test_cl15_a_kept_or_withdrawn_objection_settles_the_position_and_a_change_does_not() -> None:
    from bot.domain.protocol import Objection, position_settled

    assert position_settled(1, [Objection(1, 2, "unchanged")])
    assert position_settled(1, [Objection(1, 2, "withdrawn")])
    # A changed text asks for the objector's consent to the new version.
    assert not position_settled(1, [Objection(1, 2, "changed")])
    assert not position_settled(1, [Objection(1, 2, "open")])
    # The latest settled objection decides; others' objections say nothing of this member.
    assert not position_settled(1, [Objection(1, 2, "unchanged"), Objection(1, 1, "changed")])
    assert not position_settled(1, [Objection(2, 2, "unchanged")])
