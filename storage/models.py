"""Typed SQLAlchemy models. Every timestamp is stored in UTC and converted at the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain import fields

# Constraint names are fixed so that migrations can drop and alter them on every backend,
# including SQLite's batch mode, which needs named constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class WorkingGroup(Base):
    """A working group, or later an expert group or project committee under it (cl. 10)."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(fields.GROUP_NAME.column))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id"))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # The group's own Telegram chat, linked by an administrator, for announcements.
    linked_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    linked_chat_title: Mapped[str | None] = mapped_column(String(300))
    # An expert group or project committee (cl. 10): what it is for, the decision that formed
    # it (a signed protocol's item), and when a later decision dissolved it. The protocol is
    # not a foreign key: protocol → meeting → working_group would make the tables a cycle.
    purpose: Mapped[str | None] = mapped_column(Text)
    protocol_id: Mapped[int | None]
    item_number: Mapped[int | None]
    dissolved_at: Mapped[datetime | None]


class StructuralUnit(Base):
    __tablename__ = "structural_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(fields.UNIT_NAME.column))
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]
    # Where the unit's mail goes when SMTP is configured (issue #18 item 3).
    email: Mapped[str | None] = mapped_column(String(320))


class Person(Base):
    """Anyone the bot knows; the roster is what `Membership` says about them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str | None] = mapped_column(String(fields.PERSON_NAME.column))
    telegram_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    # The language of the person's Telegram client, for messages sent on the bot's own
    # initiative; an explicit /language choice (`language`) wins over it.
    client_language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    # Set when Telegram answered 403 for this person; cleared when they write to the bot.
    blocked_bot_at: Mapped[datetime | None]
    # A digest of the command menu last set for this person's chat at start-up, so that a
    # release that changes the menus re-sends only the menus that differ.
    menu_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # An e-mail address set by the secretariat: with SMTP configured, protocols, invitations
    # and reminders also go there; someone without Telegram gets them only there (issue #18).
    email: Mapped[str | None] = mapped_column(String(320))


class Membership(Base):
    """A person's role in a group for a period; a removal closes it, history stays."""

    __tablename__ = "membership"
    __table_args__ = (
        # One current membership per person and group.
        Index(
            "uq_membership_current_person",
            "group_id",
            "person_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        # Exactly one current chair and one current deputy chair (cl. 7), held by the database
        # too, so that two concurrent assignments cannot both win.
        Index(
            "uq_membership_single_holder",
            "group_id",
            "role",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND role IN ('chair', 'deputy_chair')"),
            postgresql_where=text("ended_at IS NULL AND role IN ('chair', 'deputy_chair')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The person's main role; chair and deputy are always main roles, so that the partial
    # index above keeps one holder each.
    role: Mapped[str] = mapped_column(String(32))
    # Roles held besides the main one (cl. 7): a member who is also their unit's reporting
    # representative, or works in the secretariat. What a person may do is the union.
    extra_roles: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_unit.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # The act of the body that included the member in the composition, and the one that
    # removed them (cl. 9); None for roles outside the composition (secretariat staff).
    act_id: Mapped[int | None] = mapped_column(ForeignKey("composition_act.id"))
    end_act_id: Mapped[int | None] = mapped_column(ForeignKey("composition_act.id"))


class CompositionAct(Base):
    """An act of the body (приказ, распоряжение) that approves or changes the personal
    composition of the working group (cl. 9). The initial act made for an existing roster
    has no number and date until the secretariat completes it."""

    __tablename__ = "composition_act"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    # order (приказ) or directive (распоряжение)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(fields.ACT_NUMBER.column))
    signed_on: Mapped[date | None]
    # {"telegram_file_id": ..., "file_name": ..., "mime_type": ..., "size": ...,
    #  "kept_sha256": ... when the bot keeps a copy under DATA_DIR/files}
    document: Mapped[dict[str, Any] | None]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Invite(Base):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_unit.id"))
    full_name: Mapped[str | None] = mapped_column(String(fields.PERSON_NAME.column))
    # The roster row this invite connects: a member of the composition who has not yet
    # joined the bot. None for an invite that creates its own roster row.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # Set when the creator confirmed that redeeming replaces the current chair or deputy.
    replaces_holder: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Append-only: the application only ever inserts here."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id"))
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    # --- the hash chain (issue #18 item 1, bot/domain/audit_chain.py): the entry's number in
    # the chain, the hash of the entry before it and its own hash. Database triggers refuse
    # UPDATE and DELETE on this table (migration 0018).
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ProcessedUpdate(Base):
    """Telegram update ids already handled, so a redelivered update changes nothing twice."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(index=True)


class FsmRecord(Base):
    """Dialog state per chat and user, so a dialog survives a restart of the bot."""

    __tablename__ = "fsm_record"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class Broadcast(Base):
    """A message from the secretariat to a chosen audience, with its delivery report."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    author_telegram_id: Mapped[int] = mapped_column(BigInteger)
    audience: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_unit.id"))
    text: Mapped[str | None] = mapped_column(Text)
    document: Mapped[dict[str, Any] | None]
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # The author's progress message, edited in place while the broadcast runs.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The claim walks pending rows in id order; this keeps it flat as the queue grows.
        Index("ix_outbox_status_id", "status", "id"),
        Index("ix_outbox_chat_order", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deterministic, e.g. "broadcast:12:345": enqueuing the same thing twice is a no-op.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast.id"), index=True)
    # "send" a new message, or "edit" the text of `edit_message_id`.
    method: Mapped[str] = mapped_column(String(8), default="send")
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(Text)
    document: Mapped[dict[str, Any] | None]
    reply_markup: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    unknown_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(300))
    # "telegram" or "email" (issue #18 item 3): an e-mail row goes to `address` with
    # `subject`; its chat_id is a stand-in derived from the address (bot.domain.email).
    channel: Mapped[str] = mapped_column(String(8), default="telegram", server_default="telegram")
    address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))


class Acknowledgement(Base):
    """ "Ознакомлен(а)": a person confirms they received something (a broadcast, a protocol)."""

    __tablename__ = "acknowledgement"
    __table_args__ = (
        Index("uq_acknowledgement_subject_person", "subject", "person_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]


class StoredFile(Base):
    """A file the bot made (an .ics, a QR code, later a DOCX), sent through the outbox.

    After the first upload Telegram's file_id is kept, so the next recipients get the same
    file without another upload.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(fields.FILE_NAME.column))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    telegram_file_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_group_start", "group_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    title: Mapped[str] = mapped_column(String(fields.MEETING_TITLE.column))
    format: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(fields.MEETING_PLACE.column))
    link: Mapped[str | None] = mapped_column(String(fields.MEETING_LINK.column))
    starts_at: Mapped[datetime]
    # scheduled, open, closed, cancelled
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    # Raised on every reschedule or cancellation, as iCalendar's SEQUENCE requires.
    sequence: Mapped[int] = mapped_column(default=0)
    checkin_token: Mapped[str] = mapped_column(String(32), unique=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Raised on every change of the agenda, so that buttons of an older agenda are stale.
    agenda_version: Mapped[int] = mapped_column(default=0, server_default="0")
    agenda_approved_at: Mapped[datetime | None]
    # regular, or conciliation (согласительное совещание) about a protocol's disagreement
    kind: Mapped[str] = mapped_column(String(16), default="regular", server_default="regular")
    # Recorded when the meeting closes: who presided and whether there was quorum (cl. 11, 14).
    presiding_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    quorum_at_close: Mapped[bool | None]
    # An extraordinary meeting («внеочередное заседание», cl. 12), called by the chair at any
    # time; it counts for the month like a regular one.
    extraordinary: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The number of members of the composition in force when the meeting opened: the total
    # that quorum is counted over (cl. 9, 14).
    composition_total: Mapped[int | None]
    # Who approved the agenda: the chair, or the deputy acting for them (cl. 13).
    agenda_approved_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class MeetingGuest(Base):
    """A guest invited to one meeting (cl. 16 а): never in the roster, never counted."""

    __tablename__ = "meeting_guest"
    __table_args__ = (
        # One invitation per person and meeting: a second link for the same person is a
        # mistake to refuse, not a second guest.
        Index(
            "uq_meeting_guest_person",
            "meeting_id",
            "person_id",
            unique=True,
            sqlite_where=text("person_id IS NOT NULL AND revoked_at IS NULL"),
            postgresql_where=text("person_id IS NOT NULL AND revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # Name and organisation as the inviter typed them; this is what the protocol lists.
    full_name: Mapped[str] = mapped_column(String(fields.GUEST_NAME.column))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    revoked_at: Mapped[datetime | None]
    # In what capacity: "guest" (cl. 16 а) or "specialist", an outside specialist brought in
    # for this meeting (cl. 16 в); see bot.domain.guests.GuestCapacity.
    capacity: Mapped[str] = mapped_column(String(16), default="guest", server_default="guest")


class AgendaItem(Base):
    """A question on a meeting's agenda (cl. 13): drafted by the chair, proposed by a member,
    or an additional item put to the vote of the members present."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(fields.ITEM_TITLE.column))
    speaker: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    document: Mapped[dict[str, Any] | None]
    # chair, proposal, additional
    source: Mapped[str] = mapped_column(String(16))
    # proposed, included, rejected, voting, not_included
    status: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reject_reason: Mapped[str | None] = mapped_column(String(fields.AGENDA_REASON.column))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    # The vote on an additional item, recorded when it closes (cl. 13, 14).
    vote_opened_at: Mapped[datetime | None]
    vote_closed_at: Mapped[datetime | None]
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    present_at_close: Mapped[int | None]
    quorum_at_close: Mapped[bool | None]
    basis: Mapped[str | None] = mapped_column(String(16))


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (Index("uq_vote_item_person", "item_id", "person_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    choice: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]


class Protocol(Base):
    """The protocol of one meeting (cl. 14-15); signed versions are immutable."""

    __tablename__ = "protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), unique=True)
    year: Mapped[int]
    sequence: Mapped[int]
    # draft, consent, signed
    status: Mapped[str] = mapped_column(String(16), default="draft")
    current_version: Mapped[int] = mapped_column(default=0)
    consent_requested_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast.id"))
    created_at: Mapped[datetime]
    # regular (the group's own meetings) or conciliation: each series is numbered apart.
    series: Mapped[str] = mapped_column(String(16), default="regular", server_default="regular")
    # Frozen at signature: the DOCX rendered once, and what it shows (composition total,
    # those present, presiding person, consents), so every later copy is byte-identical.
    document_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    snapshot: Mapped[dict[str, Any] | None]


class ProtocolVersion(Base):
    __tablename__ = "protocol_version"
    __table_args__ = (Index("uq_protocol_version_number", "protocol_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id"))
    number: Mapped[int]
    # What the secretariat wrote per agenda item (heard, spoke, decided, tasks).
    items: Mapped[dict[str, Any]]
    canonical: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class ProtocolAnswer(Base):
    """A member's oral consent or objection, bound to one version's hash (cl. 14)."""

    __tablename__ = "protocol_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id"), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # consent or objection
    kind: Mapped[str] = mapped_column(String(16))
    # in_person, video, audio: how the member took part
    mode: Mapped[str | None] = mapped_column(String(16))
    item_number: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class Disagreement(Base):
    """An objection to a protocol item, settled by a conciliation meeting (cl. 15)."""

    __tablename__ = "disagreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("protocol_answer.id"))
    item_number: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    # open, changed, unchanged, withdrawn
    status: Mapped[str] = mapped_column(String(16), default="open")
    conciliation_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)
    resolved_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # For «text changed»: the protocol's version when the outcome was recorded; a newer
    # version must exist (and be consented to) before signing.
    resolved_version: Mapped[int | None]


class Task(Base):
    """A task (поручение) set by a decision of a signed protocol (cl. 4 д-е)."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(fields.TASK_OWNER.column))
    # The owner as the roster knows them, when the protocol's text names a person or a unit.
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_unit.id"))
    deadline: Mapped[date | None]
    # open, done, cancelled; "overdue" is derived from the deadline and the clock
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    report_text: Mapped[str | None] = mapped_column(Text)
    # {"telegram_file_id": ..., "file_name": ..., "mime_type": ..., "size": ...,
    #  "kept_sha256": ... when the bot keeps a copy under DATA_DIR/files}
    report_document: Mapped[dict[str, Any] | None]


class Rsvp(Base):
    __tablename__ = "rsvp"
    __table_args__ = (Index("uq_rsvp_meeting_person", "meeting_id", "person_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    answer: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(fields.ABSENCE_REASON.column))
    answered_at: Mapped[datetime]


class Attendance(Base):
    """A check-in at an open meeting; remote participants count as present (cl. 14)."""

    __tablename__ = "attendance"
    __table_args__ = (
        Index("uq_attendance_meeting_person", "meeting_id", "person_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    mode: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[datetime]
    # Set when the member leaves before the end; quorum is counted without them.
    left_at: Mapped[datetime | None]


class ChairAbsence(Base):
    """While the chair is absent the deputy acts for them (cl. 11, 13)."""

    __tablename__ = "chair_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class Recording(Base):
    """The meeting's audio recording (cl. 12): required before closing and signing."""

    __tablename__ = "recording"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    file_id: Mapped[str | None] = mapped_column(String(200))
    file_unique_id: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str | None] = mapped_column(String(fields.FILE_NAME.column))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    duration: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    # For files too large to download through the cloud Bot API: where the file is kept.
    storage_ref: Mapped[str | None] = mapped_column(String(500))
    # The SHA-256 the bot's own copy is kept under in DATA_DIR/files (storage.file_store);
    # None when only Telegram (or the place named in storage_ref) has the file.
    kept_sha256: Mapped[str | None] = mapped_column(String(64))
    attached_by: Mapped[int] = mapped_column(BigInteger)
    attached_at: Mapped[datetime]


class LiveMessage(Base):
    """A meeting's live message in one chat, edited in place as people check in."""

    __tablename__ = "live_message"
    __table_args__ = (Index("uq_live_message_meeting_chat", "meeting_id", "chat_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class DueTask(Base):
    """Something the scheduler must do at a time: a reminder, a warning, a month's verdict.

    APScheduler only ticks; these rows are the truth, so nothing is lost over a restart.
    """

    __tablename__ = "due_task"
    __table_args__ = (Index("ix_due_task_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending, done, skipped, cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    done_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(300))


class MonthCompliance(Base):
    """Whether a calendar month had at least one meeting held (cl. 12)."""

    __tablename__ = "month_compliance"
    __table_args__ = (
        Index("uq_month_compliance_group_month", "group_id", "year", "month", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    year: Mapped[int]
    month: Mapped[int]
    meetings_held: Mapped[int]
    compliant: Mapped[bool]
    recorded_at: Mapped[datetime]


class RegisterEntry(Base):
    """An entry of a register the group approves and controls (cl. 4 а–к): a priority
    measure, an event of the Plan, a priority project or one of its roadmap's milestones,
    or a document."""

    __tablename__ = "register_entry"
    __table_args__ = (Index("ix_register_entry_group_register", "group_id", "register"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    # measures, events, projects, documents
    register: Mapped[str] = mapped_column(String(16))
    # documents: interaction_rules, methodical, training, legislative; projects: project or
    # milestone
    kind: Mapped[str | None] = mapped_column(String(32))
    # A milestone belongs to its project's roadmap.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("register_entry.id"))
    title: Mapped[str] = mapped_column(String(fields.REGISTER_TITLE.column))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_unit.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due: Mapped[date | None]
    # planned, in_progress, done, cancelled; "overdue" is derived from the due date
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # The decision (protocol item) that created or last changed the entry.
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RegisterNote(Base):
    """A progress note on a register entry; notes are only added, never edited."""

    __tablename__ = "register_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int | None]
    created_at: Mapped[datetime]


class ReportCycle(Base):
    """A quarter's reporting cycle (cl. 4 г): opened automatically, closed with a summary."""

    __tablename__ = "report_cycle"
    __table_args__ = (
        Index("uq_report_cycle_group_quarter", "group_id", "year", "quarter", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    year: Mapped[int]
    quarter: Mapped[int]
    deadline_day: Mapped[date]
    deadline: Mapped[datetime]
    closes_at: Mapped[datetime]
    # open, closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    summary_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))


class ReportSubmission(Base):
    """A structural unit's consolidated information for a cycle; editable until the
    deadline, marked late when it comes after it."""

    __tablename__ = "report_submission"
    __table_args__ = (Index("uq_report_submission_cycle_unit", "cycle_id", "unit_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("report_cycle.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("structural_unit.id"))
    text: Mapped[str | None] = mapped_column(Text)
    # {"telegram_file_id": ..., "file_name": ..., "mime_type": ..., "size": ...,
    #  "kept_sha256": ... when the bot keeps a copy under DATA_DIR/files}
    document: Mapped[dict[str, Any] | None]
    submitted_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    late: Mapped[bool] = mapped_column(default=False, server_default=false())


class AgendaOffer(Base):
    """A question the bot offers for the next meeting's agenda (an overdue task, a quarterly
    review). It waits until a meeting with a draft agenda exists, then becomes a proposed
    item there for the chair to include or reject (cl. 13)."""

    __tablename__ = "agenda_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(fields.ITEM_TITLE.column))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    attached_at: Mapped[datetime | None]
    # --- subgroups (cl. 10): a subgroup's report may carry a file, which the proposed
    # agenda item takes over ({"file_id": ..., "file_name": ..., "kept_sha256": ...}).
    document: Mapped[dict[str, Any] | None]


class AuditChainHead(Base):
    """The audit chain's head (issue #18 item 1): one row with the last entry's number and
    hash. Writers lock it (FOR UPDATE on PostgreSQL) so that two transactions never chain onto
    the same entry, and verification notices when the last entries were removed."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


__all__ = [
    "Acknowledgement",
    "AgendaItem",
    "AgendaOffer",
    "Attendance",
    "AuditEntry",
    "Base",
    "Broadcast",
    "ChairAbsence",
    "CompositionAct",
    "Disagreement",
    "DueTask",
    "FsmRecord",
    "Invite",
    "LiveMessage",
    "Meeting",
    "Membership",
    "MonthCompliance",
    "OutboxMessage",
    "Person",
    "ProcessedUpdate",
    "Protocol",
    "ProtocolAnswer",
    "ProtocolVersion",
    "Recording",
    "RegisterEntry",
    "RegisterNote",
    "ReportCycle",
    "ReportSubmission",
    "Rsvp",
    "StoredFile",
    "StructuralUnit",
    "Task",
    "Vote",
    "WorkingGroup",
]


# --- tasks decided again (cl. 4 д–е, 14)
class TaskChange(Base):
    """A task's deadline extended or the task cancelled (by a decision, or by the chair with a
    reason), or its completion report accepted or returned by the secretariat. Only added."""

    __tablename__ = "task_change"
    # One verdict per completion report: a second acceptance (a double tap, two officers at
    # once) fails here whatever the service saw. NULLs (extensions, cancellations) never clash.
    __table_args__ = (Index("uq_task_change_report", "task_id", "report_at", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    # extend, cancel, accept, return
    kind: Mapped[str] = mapped_column(String(16))
    old_deadline: Mapped[date | None]
    new_deadline: Mapped[date | None]
    # The decision: an item of a signed protocol; or the chair's reason, or the comment.
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    # When the report an acceptance or a return concerns was made (the task's done_at).
    report_at: Mapped[datetime | None]
    # The returned report's text, kept since the task's own is cleared when it reopens.
    report_text: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]


# --- document_versions (cl. 4 б, в, к, 5)
class DocumentVersion(Base):
    """A version of a document a register entry carries (the Plan, a roadmap, the
    interaction rules, a methodical document, a training programme, a legislative
    proposal): its file, and the decision (a signed protocol's item) that approved it.
    draft → approved by a decision → superseded when a later version is approved."""

    __tablename__ = "document_version"
    __table_args__ = (Index("uq_document_version_entry_number", "entry_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id"))
    number: Mapped[int]
    # draft, approved, superseded
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # {"file_id": ..., "file_name": ..., "mime_type": ..., "size": ...,
    #  "kept_sha256": ... when the bot keeps a copy under DATA_DIR/files}
    document: Mapped[dict[str, Any]]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    # The decision that approved it.
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int | None]
    approved_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]


__all__ += ["DocumentVersion"]


# --- indicators (cl. 3 в, 4 ж)
class Kpi(Base):
    """An effectiveness indicator of a priority project, or of the Plan as a whole when it
    names no entry (cl. 3 в, 4 ж): a baseline on the start day and a target by its day."""

    __tablename__ = "kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    # The priority project measured; None: the Plan of events as a whole.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("register_entry.id"), index=True)
    # Widths of bot.domain.indicators.KPI_NAME and KPI_MEASURE (a unit test holds them equal).
    name: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(50))
    baseline: Mapped[float]
    target: Mapped[float]
    start_on: Mapped[date]
    target_on: Mapped[date]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


class KpiValue(Base):
    """A measured value of an indicator: the day it was measured, its source, who entered it
    and when, and the reporting cycle it came with (if it came with a quarterly report)."""

    __tablename__ = "kpi_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    value: Mapped[float]
    measured_on: Mapped[date]
    # The width of bot.domain.indicators.KPI_SOURCE.
    source: Mapped[str | None] = mapped_column(String(300))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("report_cycle.id"))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    entered_at: Mapped[datetime]


# --- delegations (cl. 16 б)
class Delegation(Base):
    """Members representing the working group at an outside event (cl. 16 б), and the report
    they bring back. `plan` counts the follow-up plans: moving the date makes a new one, and
    due rows of an older plan are skipped."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(Text)
    event_day: Mapped[date]
    # The moment the event starts when a time was given; None for a day only.
    event_at: Mapped[datetime | None]
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("protocol.id"))
    item_number: Mapped[int | None]
    # planned, cancelled
    status: Mapped[str] = mapped_column(String(16), default="planned")
    plan: Mapped[int] = mapped_column(default=1)
    report_text: Mapped[str | None] = mapped_column(Text)
    # {"telegram_file_id": ..., "file_name": ..., "mime_type": ..., "size": ...,
    #  "kept_sha256": ... when the bot keeps a copy under DATA_DIR/files}
    report_document: Mapped[dict[str, Any] | None]
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reported_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DelegationDelegate(Base):
    """One member of a delegation."""

    __tablename__ = "delegation_delegate"
    __table_args__ = (Index("uq_delegation_delegate", "delegation_id", "person_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    position: Mapped[int] = mapped_column(default=0)


# --- annual report (issue #18 item 6)
class AnnualIntro(Base):
    """The introduction the secretariat writes for a year's report of the group's work;
    one per group and year, rewritten in place (each change goes to the audit log)."""

    __tablename__ = "annual_intro"
    __table_args__ = (Index("uq_annual_intro_group_year", "group_id", "year", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"))
    year: Mapped[int]
    # Up to bot.domain.insight.ANNUAL_INTRO's limit.
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]


__all__ += ["AnnualIntro"]
