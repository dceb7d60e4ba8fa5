"""Cards and notices of the agenda and of votes on additional items."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import AgendaCb, VoteCb
from bot.domain import fields
from bot.domain.agenda import Choice, deputy_acts
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.agenda import AgendaState
from bot.services.notifier import Rendered, Renderer
from bot.views import meetings as meeting_views
from bot.views.group_scope import heading
from bot.views.limits import joined_within
from storage.repositories.agenda import Approval, ItemView
from storage.repositories.meetings import MeetingView

CHOICE_KEYS = {
    Choice.FOR: "agenda.vote_for",
    Choice.AGAINST: "agenda.vote_against",
    Choice.ABSTAIN: "agenda.vote_abstain",
}


# How much of an item's explanation a card quotes.
EXCERPT = 300


def item_line(t: Translator, number: int, item: ItemView) -> str:
    if item.speaker:
        return t("agenda.line_speaker", number=number, title=item.title, speaker=item.speaker)
    return t("agenda.line", number=number, title=item.title)


def is_waiting(item: ItemView, *, approved: bool) -> bool:
    """A proposal waiting for the chair's (or the acting deputy's) decision."""
    return item.source == "proposal" and item.status == "proposed" and not approved


def is_additional(item: ItemView, *, approved: bool) -> bool:
    """An additional item; a proposal left undecided by an approval made before approval
    required every decision is one too, so that it can still be put to the vote."""
    return item.source == "additional" or (
        approved and item.source == "proposal" and item.status == "proposed"
    )


def approval_line(t: Translator, approval: Approval | None) -> str:
    """«Утверждена председателем: …» or «… заместителем председателя: …»: who acted (cl. 13)."""
    if approval is None or approval.name is None:
        return t("agenda.approved")
    if approval.acted_as == Role.DEPUTY_CHAIR.value:
        return t("agenda.approved_by_deputy", name=approval.name)
    if approval.acted_as == Role.CHAIR.value:
        return t("agenda.approved_by_chair", name=approval.name)
    return t("agenda.approved_by", name=approval.name)


def agenda_text(t: Translator, state: AgendaState, *, is_holder: bool = False) -> str:
    meeting, items = state.meeting, state.items
    included = [i for i in items if i.status == "included"]
    # A subgroup's agenda names its group first (cl. 10).
    lines = heading(t, meeting.group_kind, meeting.group_name)
    lines += [
        t("agenda.title", title=meeting.title),
        t("meetings.fact_when", when=t.datetime(meeting.starts_at)),
    ]
    lines.append(approval_line(t, state.approval) if state.approved else t("agenda.draft"))
    if not state.approved and state.chair_absent_until is not None:
        lines.append(t("agenda.deputy_acting", until=t.datetime(state.chair_absent_until)))
    lines.append("")
    if not included:
        lines.append(t("agenda.empty_list"))
    for n, item in enumerate(included, 1):
        lines.append(item_line(t, n, item))
        if item.description:
            # The card lists every item: each explanation is an excerpt, and the card
            # keeps the lines that fit Telegram's 4,096 characters.
            lines.append(t("agenda.description", text=fields.fits(item.description, EXCERPT)))
        if item.document:
            lines.append(t("agenda.materials", name=item.document.get("file_name") or "—"))
    waiting = [i for i in items if is_waiting(i, approved=state.approved)]
    if waiting:
        title = "agenda.waiting_title_deputy" if deputy_acts(state.holder) else None
        lines += ["", t(title or "agenda.waiting_title")]
        lines += [t("agenda.waiting_line", title=i.title) for i in waiting]
        if is_holder and not state.approved:
            lines.append(t("agenda.decide_before_approval"))
    extra = [i for i in items if is_additional(i, approved=state.approved)]
    if extra:
        lines += ["", t("agenda.additional_title")]
        for i in extra:
            lines.append(
                t(
                    f"agenda.additional_{i.status}",
                    title=i.title,
                    fr=i.votes_for or 0,
                    against=i.votes_against or 0,
                    abstain=i.votes_abstain or 0,
                    present=i.present_at_close or 0,
                )
            )
    return joined_within(lines)


def agenda_card(t: Translator, state: AgendaState) -> tuple[str, InlineKeyboardMarkup]:
    """The agenda card as this viewer sees it: the controls go to whoever holds the agenda
    now (cl. 13), the ballot buttons to members, the vote's controls to the presiding."""
    keyboard = agenda_keyboard(
        t,
        state.meeting,
        state.items,
        state.version,
        is_chair=state.may_hold,
        approved=state.approved,
        is_member=state.is_member,
        is_presiding=state.is_presiding,
    )
    return agenda_text(t, state, is_holder=state.may_hold), keyboard


def agenda_keyboard(
    t: Translator,
    meeting: MeetingView,
    items: list[ItemView],
    version: int,
    *,
    is_chair: bool,
    approved: bool,
    is_member: bool,
    is_presiding: bool,
) -> InlineKeyboardMarkup:
    rows = []
    m = meeting.id
    if is_chair and not approved and meeting.status == "scheduled":
        rows.append([button(t("agenda.add"), AgendaCb(action="add", meeting=m))])
        included = [i for i in items if i.status == "included"]
        for n, i in enumerate(included, 1):
            rows.append(
                [
                    button(f"▲ {n}", AgendaCb(action="up", meeting=m, item=i.id, version=version)),
                    button(
                        f"▼ {n}", AgendaCb(action="down", meeting=m, item=i.id, version=version)
                    ),
                ]
            )
        # Proposals waiting for the chair, including those the bot offered (an overdue task,
        # a quarterly review), can be decided from the card as well as from the notice.
        for i in items:
            if i.source == "proposal" and i.status == "proposed":
                rows.append(
                    [
                        button(
                            t("agenda.include_title", title=i.title[:30]),
                            AgendaCb(action="inc", meeting=m, item=i.id, version=version),
                        ),
                        button(
                            t("agenda.reject"),
                            AgendaCb(action="rej", meeting=m, item=i.id, version=version),
                        ),
                    ]
                )
        if included:
            rows.append(
                [
                    button(
                        t("agenda.approve"), AgendaCb(action="approve", meeting=m, version=version)
                    )
                ]
            )
    if is_member and meeting.status in ("scheduled", "open"):
        rows.append([button(t("agenda.propose"), AgendaCb(action="propose", meeting=m))])
    if is_presiding and meeting.status == "open":
        for i in items:
            if is_additional(i, approved=approved) and i.status == "proposed":
                rows.append(
                    [
                        button(
                            t("agenda.put_to_vote", title=i.title[:30]),
                            AgendaCb(action="vote", meeting=m, item=i.id),
                        )
                    ]
                )
            if i.status == "voting":
                rows.append(
                    [
                        button(
                            t("agenda.close_vote", title=i.title[:30]),
                            AgendaCb(action="close", meeting=m, item=i.id),
                        )
                    ]
                )
    return markup(rows)


def proposal_for_chair(t: Translator, meeting: MeetingView, item: ItemView, proposer: str) -> str:
    lines = heading(t, meeting.group_kind, meeting.group_name)
    lines += [
        t("agenda.proposal_notice", name=proposer),
        t("agenda.line", number=1, title=item.title),
    ]
    if item.description:
        lines.append(t("agenda.description", text=item.description))
    lines.append(t("meetings.fact_title", title=meeting.title))
    return "\n".join(lines)


def decision_keyboard(t: Translator, item: ItemView, version: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(t("agenda.include"), AgendaCb(action="inc", item=item.id, version=version)),
                button(t("agenda.reject"), AgendaCb(action="rej", item=item.id, version=version)),
            ]
        ]
    )


def decision_for_proposer(t: Translator, item: ItemView, acting: Role) -> str:
    if item.status == "included":
        text = t("agenda.included_notice", title=item.title)
    elif item.reject_reason:
        text = t("agenda.rejected_notice_reason", title=item.title, reason=item.reject_reason)
    else:
        text = t("agenda.rejected_notice", title=item.title)
    # Cl. 13: the texts name who acted; the deputy decides only while the chair is absent.
    if deputy_acts(acting):
        text += "\n" + t("agenda.decided_by_deputy")
    return text


def approved(
    t: Translator, meeting: MeetingView, items: list[ItemView], approval: Approval | None
) -> str:
    lines = [t("agenda.approved_notice"), approval_line(t, approval)]
    lines += [*meeting_views.facts(t, meeting), ""]
    lines += [item_line(t, n, i) for n, i in enumerate(items, 1)]
    return "\n".join(lines)


def vote_request(t: Translator, item: ItemView) -> str:
    return t("agenda.vote_request", title=item.title)


def vote_result(t: Translator, item: ItemView) -> str:
    """A ballot after the vote closed: the result and the counts, no buttons."""
    counts = {
        "fr": item.votes_for or 0,
        "against": item.votes_against or 0,
        "abstain": item.votes_abstain or 0,
        "present": item.present_at_close or 0,
    }
    if item.status == "included" and item.basis:
        outcome = t(f"agenda.result_{item.basis}")
    else:
        outcome = t("agenda.result_not_included")
    return "\n".join(
        [
            t("agenda.vote_result_title"),
            t("agenda.vote_result_item", title=item.title),
            outcome,
            t("agenda.vote_result_counts", **counts),
        ]
    )


def vote_keyboard(t: Translator, item: ItemView) -> InlineKeyboardMarkup:
    return markup(
        [[button(t(CHOICE_KEYS[c]), VoteCb(item=item.id, choice=c.value)) for c in Choice]]
    )


# Notices the agenda service sends (see bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "agenda.proposal": lambda t, meeting, item, proposer, version: Rendered(
        proposal_for_chair(t, meeting, item, proposer), decision_keyboard(t, item, version)
    ),
    "agenda.decision": decision_for_proposer,
    "agenda.approved": approved,
    "agenda.vote": lambda t, item: Rendered(vote_request(t, item), vote_keyboard(t, item)),
    "agenda.vote_result": vote_result,
}
