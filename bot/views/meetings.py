"""Cards and notifications of meetings."""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import GuestCb, MeetingCb
from bot.domain.guests import accepts_guests
from bot.domain.meetings import MeetingFormat, Rsvp, quorum_needed
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.attendance import Presence
from bot.services.compliance import MonthRow
from bot.services.meetings import CardState, Overview
from bot.services.notifier import Rendered, Renderer
from bot.views.group_scope import group_title, heading
from bot.views.menu import role_name
from storage.repositories.meetings import MeetingView

RSVP_KEYS = {
    Rsvp.IN_PERSON: "meetings.rsvp_in_person",
    Rsvp.REMOTE: "meetings.rsvp_remote",
    Rsvp.ABSENT: "meetings.rsvp_absent",
}


def facts(t: Translator, m: MeetingView) -> list[str]:
    # A subgroup's meeting names its group first (cl. 10); an extraordinary meeting says so
    # next, wherever its facts appear (cl. 12).
    lines = heading(t, m.group_kind, m.group_name)
    lines += [t("meetings.fact_extraordinary")] if m.extraordinary else []
    lines += [
        t("meetings.fact_title", title=m.title),
        t("meetings.fact_when", when=t.datetime(m.starts_at)),
    ]
    if m.format == MeetingFormat.IN_PERSON.value:
        lines.append(t("meetings.fact_place", place=m.place or "—"))
    else:
        lines.append(t("meetings.fact_remote"))
        if m.link:
            lines.append(t("meetings.fact_link", link=m.link))
    return lines


def invitation(t: Translator, m: MeetingView, kind: str) -> str:
    head = t(f"meetings.notice_{kind}")
    tail = "\n" + t("meetings.notice_rsvp_hint") if kind in ("new", "changed") else ""
    return "\n".join([head, *facts(t, m)]) + tail


def answered_invitation(t: Translator, m: MeetingView, answer: Rsvp) -> str:
    """The invitation once answered: the same news and the answer given."""
    # A rescheduled or changed meeting raised its calendar sequence: its news was "changed".
    kind = "changed" if m.sequence > 0 else "new"
    answered = t("meetings.your_answer", answer=t(RSVP_KEYS[answer]))
    return invitation(t, m, kind) + "\n" + answered


def guest_invitation(t: Translator, m: MeetingView, kind: str) -> str:
    """The same news for a guest (cl. 16 а), who is not asked to answer."""
    return "\n".join([t(f"meetings.notice_{kind}"), *facts(t, m), t("guests.notice_tail")])


def guest_check_in(t: Translator, guest_id: int) -> InlineKeyboardMarkup:
    return markup([[button(t("meetings.check_in"), GuestCb(action="checkin", guest=guest_id))]])


def calendar_summary(t: Translator, m: MeetingView) -> str:
    """The event's name in calendars (plain text, not HTML)."""
    if m.extraordinary:
        return t.plain("meetings.calendar_extraordinary", title=m.title)
    return m.title


def absence_notice(t: Translator, recorded_by: str, first: dt.date, last: dt.date) -> str:
    return t("meetings.absence_notice", name=recorded_by, first=t.date(first), last=t.date(last))


def rsvp_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t(RSVP_KEYS[Rsvp.IN_PERSON]),
                    MeetingCb(action="rsvp", meeting=meeting_id, arg=Rsvp.IN_PERSON.value),
                ),
                button(
                    t(RSVP_KEYS[Rsvp.REMOTE]),
                    MeetingCb(action="rsvp", meeting=meeting_id, arg=Rsvp.REMOTE.value),
                ),
            ],
            [
                button(
                    t(RSVP_KEYS[Rsvp.ABSENT]),
                    MeetingCb(action="rsvp", meeting=meeting_id, arg=Rsvp.ABSENT.value),
                )
            ],
        ]
    )


def live(t: Translator, m: MeetingView, p: Presence) -> str:
    # Once closed, the message is a record of what was: it speaks in the past tense.
    closed = m.status == "closed"
    lines = [t("meetings.live_closed") if closed else t("meetings.live_open"), *facts(t, m), ""]
    # A subgroup's quorum is over its own members (cl. 10, 14), and its texts say so.
    own = "group_scope" if m.group_name else "meetings"
    lines.append(
        t.plural(
            f"{own}.live_present_closed" if closed else f"{own}.live_present",
            p.total_members,
            present=p.present_members,
            needed=quorum_needed(p.total_members),
        )
    )
    if closed:
        lines.append(t("meetings.quorum_was") if p.quorum else t("meetings.quorum_was_not"))
    else:
        lines.append(t("meetings.quorum_yes") if p.quorum else t(f"{own}.quorum_no"))
    if p.presiding is not None:
        role = p.presiding_role or p.presiding.role
        lines.append(
            t(
                "meetings.presiding",
                name=p.presiding.display_name,
                role=t(f"group_scope.head_of_{m.group_kind}")
                if m.group_kind
                else role_name(t, role),
            )
        )
    else:
        lines.append(t("meetings.presiding_none_closed" if closed else "meetings.presiding_none"))
    if closed and p.present:
        lines.append(t("meetings.live_attended"))
    for member in p.present:
        lines.append(t("meetings.live_line", name=member.display_name))
    if p.agenda:
        lines += ["", t("agenda.live_title")]
        lines += [t("agenda.line", number=i, title=title) for i, title in enumerate(p.agenda, 1)]
    for title, count in p.votes:
        lines += [
            "",
            t(
                "agenda.live_vote",
                title=title,
                fr=count.voted_for,
                against=count.against,
                abstain=count.abstained,
                present=count.present,
            ),
        ]
    return "\n".join(lines)


def live_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(t("meetings.check_in"), MeetingCb(action="checkin", meeting=meeting_id)),
                button(t("meetings.check_out"), MeetingCb(action="leave", meeting=meeting_id)),
            ]
        ]
    )


def status_label(t: Translator, m: MeetingView) -> str:
    return t(f"meetings.status_{m.status}")


def listing(
    t: Translator, meetings: list[tuple[MeetingView, int, bool]]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("meetings.list_title"), ""]
    if not meetings:
        lines.append(t("meetings.list_empty"))
    rows = []
    for m, attended, recorded in meetings:
        line = t(
            "meetings.list_line",
            when=t.datetime(m.starts_at),
            title=m.title,
            status=status_label(t, m),
        )
        group = group_title(t, m.group_kind, m.group_name)
        if group:
            line += t("group_scope.list_group", group=group)
        if m.status in ("open", "closed"):
            line += t("meetings.list_attended", count=attended)
            line += t("meetings.list_recorded") if recorded else t("meetings.list_unrecorded")
        lines.append(line)
        rows.append(
            [
                button(
                    t("meetings.open_card", title=m.title[:40]),
                    MeetingCb(action="card", meeting=m.id),
                )
            ]
        )
    return "\n".join(lines), markup(rows)


def card(t: Translator, state: CardState) -> tuple[str, InlineKeyboardMarkup]:
    """The meeting card as one viewer sees it: the buttons are what the state says they may
    do."""
    m = state.meeting
    lines = [*facts(t, m), t("meetings.fact_status", status=status_label(t, m))]
    if state.my_answer:
        lines.append(t("meetings.your_answer", answer=t(RSVP_KEYS[Rsvp(state.my_answer)])))
    if m.status in ("open", "closed"):
        recorded = state.has_recording
        lines.append(t("meetings.recording_yes") if recorded else t("meetings.recording_no"))
    rows = []
    if m.status == "scheduled" and state.may_answer:
        rows += rsvp_keyboard(t, m.id).inline_keyboard
    if m.status == "open" and state.may_check_in:
        rows.append([button(t("meetings.check_in"), MeetingCb(action="checkin", meeting=m.id))])
    if state.may_run:
        rows.append([button(t("meetings.answers"), MeetingCb(action="answers", meeting=m.id))])
        if m.status == "scheduled":
            rows.append(
                [button(t("meetings.open_meeting"), MeetingCb(action="start", meeting=m.id))]
            )
        if m.status == "closed":
            rows.append([button(t("protocol.button"), MeetingCb(action="protocol", meeting=m.id))])
        if m.status in ("open", "closed"):
            rows.append(
                [button(t("meetings.attach_recording"), MeetingCb(action="rec", meeting=m.id))]
            )
        if m.status == "open":
            rows.append(
                [
                    button(t("meetings.show_qr"), MeetingCb(action="qr", meeting=m.id)),
                    button(t("meetings.close_meeting"), MeetingCb(action="close", meeting=m.id)),
                ]
            )
    if state.may_invite_guests and accepts_guests(m.status):
        rows.append([button(t("guests.button"), GuestCb(action="list", meeting=m.id))])
    if state.may_schedule and m.status == "scheduled":
        rows.append(
            [
                button(t("meetings.reschedule"), MeetingCb(action="move", meeting=m.id)),
                button(t("meetings.cancel_meeting"), MeetingCb(action="cancel", meeting=m.id)),
            ]
        )
        venue = "meetings.change_place" if m.format == "in_person" else "meetings.change_link"
        rows.append([button(t(venue), MeetingCb(action="venue", meeting=m.id))])
    rows.append([button(t("common.back"), MeetingCb(action="list"))])
    return "\n".join(lines), markup(rows)


def overview(t: Translator, o: Overview) -> str:
    lines = [t("meetings.answers_title", title=o.meeting.title)]
    for member in o.members:
        answer = o.answers.get(member.person.id)
        if answer is None:
            lines.append(t("meetings.answer_none", name=member.display_name))
        elif answer[1]:
            lines.append(
                t(
                    "meetings.answer_reason",
                    name=member.display_name,
                    answer=t(RSVP_KEYS[Rsvp(answer[0])]),
                    reason=answer[1],
                )
            )
        else:
            lines.append(
                t(
                    "meetings.answer_line",
                    name=member.display_name,
                    answer=t(RSVP_KEYS[Rsvp(answer[0])]),
                )
            )
    lines.append("")
    lines.append(
        t(
            "meetings.forecast",
            expected=o.expected,
            total=len(o.members),
            needed=quorum_needed(len(o.members)),
        )
    )
    lines.append(t("meetings.quorum_yes") if o.forecast_quorum else t("meetings.quorum_no"))
    return "\n".join(lines)


def confirm_keyboard(t: Translator, yes: MeetingCb, no: MeetingCb) -> InlineKeyboardMarkup:
    return markup([[button(t("common.confirm"), yes), button(t("common.cancel"), no)]])


def reminder(t: Translator, m: MeetingView, answered: bool) -> str:
    lines = [t("meetings.notice_reminder"), *facts(t, m)]
    if not answered:
        lines.append(t("meetings.nudge"))
    return "\n".join(lines)


def warning(t: Translator, year: int, month: int, late: bool) -> str:
    text = t("meetings.warning", month=t.month(dt.date(year, month, 1)))
    return text + ("\n" + t("meetings.sent_late") if late else "")


def compliance(t: Translator, months: list[MonthRow]) -> str:
    lines = [t("meetings.compliance_title")]
    for row in months:
        lines.append(
            t(
                f"meetings.compliance_{row.verdict.value}",
                month=t.month(dt.date(row.year, row.month, 1)),
                held=row.held,
            )
        )
    # The rule binds the working group only; its subgroups' meetings never count (cl. 10, 12).
    lines += ["", t("group_scope.compliance_note")]
    return "\n".join(lines)


# Notices the meeting services send (see bot.views.notices).
def _invitation(t: Translator, meeting: MeetingView, kind: str) -> Rendered:
    """To members and the secretariat: the news, with the answer buttons unless cancelled."""
    keyboard = rsvp_keyboard(t, meeting.id) if kind != "cancelled" else None
    return Rendered(invitation(t, meeting, kind), keyboard)


def _live(t: Translator, meeting: MeetingView, presence: Presence) -> Rendered:
    """The live message: check-in and check-out while the meeting is open."""
    keyboard = live_keyboard(t, meeting.id) if meeting.status == "open" else None
    return Rendered(live(t, meeting, presence), keyboard)


RENDERERS: dict[str, Renderer] = {
    "meetings.invitation": _invitation,
    "meetings.guest_invitation": lambda t, meeting, kind: guest_invitation(t, meeting, kind),
    # The group's chat: the news alone, nobody answers there.
    "meetings.chat_news": lambda t, meeting, kind: invitation(t, meeting, kind),
    "meetings.calendar_summary": lambda t, meeting: calendar_summary(t, meeting),
    "meetings.opened": lambda t, meeting: Rendered(
        invitation(t, meeting, "opened"), live_keyboard(t, meeting.id)
    ),
    "meetings.guest_opened": lambda t, meeting, guest_id: Rendered(
        guest_invitation(t, meeting, "opened"), guest_check_in(t, guest_id)
    ),
    "meetings.live": _live,
    "meetings.absence": absence_notice,
}
