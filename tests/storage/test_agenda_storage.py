"""The agenda's storage on both engines (cl. 13-14): who counts as present for a vote, the
first decision of a proposal standing, who approved the agenda, and the ballots of a vote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.roles import Role
from bot.services.outbox import Envelope, enqueue
from storage.db import Database, write
from storage.repositories.agenda import AgendaRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.roster import RosterRepository

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def _setup(db: Database) -> tuple[int, int, dict[str, int], dict[str, int]]:
    """A group with a chair, a deputy, a member, a secretariat officer and an outsider (a
    guest); a meeting; an additional item under vote. Returns group, meeting, people, ids."""
    async with db.session() as s, write(s):
        roster = RosterRepository(s)
        group = await roster.add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        people: dict[str, int] = {}
        memberships: dict[str, int] = {}
        for n, (key, role) in enumerate(
            [
                ("chair", Role.CHAIR),
                ("deputy", Role.DEPUTY_CHAIR),
                ("member", Role.MEMBER),
                ("clerk", Role.SECRETARIAT),
                ("guest", None),
            ],
            start=1,
        ):
            people[key] = await roster.add_person(
                telegram_id=n,
                telegram_name=key,
                username=None,
                full_name=f"Человек {key}",
                language="ru",
                now=NOW - timedelta(days=10),
            )
            if role is not None:
                memberships[key] = await roster.start_membership(
                    group_id=group,
                    person_id=people[key],
                    role=role,
                    unit_id=None,
                    now=NOW - timedelta(days=10),
                )
        meeting = await MeetingRepository(s).add(
            group_id=group,
            title="Заседание",
            format="remote",
            place=None,
            link=None,
            starts_at=NOW,
            status="open",
            sequence=0,
            checkin_token="tok",
            created_by=1,
            created_at=NOW,
        )
    return group, meeting.id, people, memberships


async def test_cl13_cl14_only_members_present_count_for_a_vote(any_db: Database) -> None:
    """A guest or a secretariat officer checked in never makes «everyone present voted» false."""
    _, meeting, people, _ = await _setup(any_db)
    async with any_db.session() as s, write(s):
        meetings, agenda = MeetingRepository(s), AgendaRepository(s)
        item = await agenda.add(
            meeting_id=meeting,
            position=0,
            title="Дополнительный",
            source="additional",
            status="voting",
            created_at=NOW,
        )
        for key in ("chair", "member", "clerk", "guest", "deputy"):
            await meetings.check_in(meeting, people[key], "remote", NOW)
        await meetings.check_out(meeting, people["deputy"], NOW)
        for key in ("chair", "member", "clerk", "guest", "deputy"):
            await agenda.set_vote(item.id, people[key], "for", NOW)
        count = await agenda.tally_present(item.id, meeting)
    assert (count.present, count.voted_for, count.against, count.abstained) == (2, 2, 0, 0)


async def test_cl13_the_first_decision_of_a_proposal_stands(any_db: Database) -> None:
    _, meeting, _, _ = await _setup(any_db)
    async with any_db.session() as s, write(s):
        agenda = AgendaRepository(s)
        item = await agenda.add(
            meeting_id=meeting,
            position=0,
            title="Предложение",
            source="proposal",
            status="proposed",
            created_at=NOW,
        )
        await agenda.lock_meeting(meeting)  # FOR UPDATE on PostgreSQL, nothing on SQLite
        assert await agenda.decide(item.id, status="included", decided_at=NOW)
        assert not await agenda.decide(item.id, status="rejected", decided_at=NOW)
        decided = await agenda.item(item.id)
    assert decided is not None and decided.status == "included"


async def test_cl13_the_approver_is_named_in_the_role_held_when_approving(
    any_db: Database,
) -> None:
    group, meeting, people, memberships = await _setup(any_db)
    async with any_db.session() as s, write(s):
        agenda = AgendaRepository(s)
        assert await agenda.approval(meeting) is None
        await agenda.bump_version(
            meeting, agenda_approved_at=NOW, agenda_approved_by=people["deputy"]
        )
        # Later the deputy becomes a member: the record still says the deputy approved.
        roster = RosterRepository(s)
        await roster.end_membership(memberships["deputy"], NOW + timedelta(days=1))
        await roster.start_membership(
            group_id=group,
            person_id=people["deputy"],
            role=Role.MEMBER,
            unit_id=None,
            now=NOW + timedelta(days=1),
        )
        approval = await agenda.approval(meeting)
    assert approval is not None
    assert (approval.person_id, approval.name, approval.acted_as) == (
        people["deputy"],
        "Человек deputy",
        Role.DEPUTY_CHAIR.value,
    )


async def test_cl13_a_votes_ballots_and_an_unsent_one_rewritten(any_db: Database) -> None:
    _, meeting, people, _ = await _setup(any_db)
    async with any_db.session() as s, write(s):
        agenda = AgendaRepository(s)
        item = await agenda.add(
            meeting_id=meeting,
            position=0,
            title="Дополнительный",
            source="additional",
            status="voting",
            created_at=NOW,
        )
        envelopes = [
            Envelope(
                key=f"vote:{item.id}:{people['chair']}",
                kind="announcement",
                chat_id=1,
                person_id=people["chair"],
                text="Голосование",
            ),
            Envelope(key=f"vote:{item.id}:chat", kind="announcement", chat_id=-100, text="Г"),
            # Another item whose id starts with the same digits is not this vote's ballot.
            Envelope(
                key=f"vote:{item.id}0:{people['chair']}",
                kind="announcement",
                chat_id=1,
                text="Другое",
            ),
        ]
        await enqueue(s, envelopes, NOW)
        ballots = await agenda.ballots(item.id)
        assert [(b.key, b.status, b.message_id) for b in ballots] == [
            (f"vote:{item.id}:{people['chair']}", "pending", None),
            (f"vote:{item.id}:chat", "pending", None),
        ]
        assert await agenda.rewrite_unsent(ballots[1].key, "Итог", None, NOW)
        row = await OutboxRepository(s).by_key(ballots[1].key)
    assert row is not None and (row.text, row.reply_markup) == ("Итог", None)
