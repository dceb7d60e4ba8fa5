"""The role walk (issue #14, "What to build"; findings 4, 7 and 11): every button the
handlers register has a row in the permission table (bot/domain/permissions.py), the
README's "Who may do what" is that table, and every button pressed by every role is either
allowed or refused at the first press with the reason — answered exactly once, nothing in
the database changed, no dialog begun.

Each button is pressed with ids of real objects (a scheduled meeting, a broadcast sent to
the secretariat only) by every role its row rules out — a stranger always, a role without
the row's capability, and for a guest's or an addressee's button everyone it was not made
for — and must be refused. Then by every role the row allows: the press may change things
(the feature tests say what), but it is answered exactly once, never with the
internal-error apology, and a refusal still leaves everything as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiogram import Router
from aiogram.filters.callback_data import CallbackQueryFilter
from magic_filter.operations import ComparatorOperation, FunctionOperation
from sqlalchemy import text

from bot.callbacks import Payload
from bot.domain.permissions import ANY, BUTTONS, Audience, readme_rows
from bot.domain.roles import Capability, Role, Standing, can
from handlers import routers
from storage.models import Base
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.payloads import payload_classes
from tests.support.steps.guests import invite_guest, make_outsider
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import add_unit, create_invite, join, joined_person

README = Path(__file__).resolve().parents[2] / "README.md"


def _routers(top: Router) -> Iterator[Router]:
    yield top
    for sub in top.sub_routers:
        yield from _routers(sub)


def registered_buttons() -> set[tuple[str, str]]:
    """(prefix, action) of every button handler the routers register, read from their
    filters (`XCb.filter(F.action.in_({...}))`, `F.section == "..."`, or no rule: any)."""
    found: set[tuple[str, str]] = set()
    for top in routers():
        for router in _routers(top):
            for handler in router.callback_query.handlers:
                for flt in handler.filters or []:
                    if not isinstance(flt.callback, CallbackQueryFilter):
                        continue
                    prefix = flt.callback.callback_data.__prefix__
                    found.update((prefix, value) for value in _values(flt.callback.rule))
    return found


def _values(rule: Any) -> list[str]:
    if rule is None:
        return [ANY]
    last = rule._operations[-1]
    if isinstance(last, ComparatorOperation):
        return [str(last.right)]
    if isinstance(last, FunctionOperation):
        return sorted(str(v) for v in last.args[0])
    raise AssertionError(f"a button filter the walk cannot read: {rule!r}")


def test_every_registered_button_has_a_row_in_the_permission_table() -> None:
    """A button added without a row fails here, and so does a row left for a button that
    is gone."""
    registered = registered_buttons()
    assert sorted(registered - BUTTONS.keys()) == [], "buttons without a row in BUTTONS"
    assert sorted(BUTTONS.keys() - registered) == [], "rows for buttons nobody registers"


def test_the_readme_table_is_the_permission_table() -> None:
    readme = README.read_text(encoding="utf-8")
    rows = readme_rows()
    start = readme.index(rows[0])
    shown = readme[start:].split("\n\n", 1)[0].strip().splitlines()
    assert shown == rows, "README's «Who may do what» differs: paste readme_rows()"


# --- the walk --------------------------------------------------------------------------

ROLES = ("stranger", "guest", "member", "unit", "secretariat", "deputy", "chair", "admin")
STANDINGS: dict[str, Standing] = {
    "stranger": Standing(None),
    "guest": Standing(Role.GUEST),
    "member": Standing(Role.MEMBER),
    "unit": Standing(Role.UNIT_REPRESENTATIVE),
    "secretariat": Standing(Role.SECRETARIAT),
    "deputy": Standing(Role.DEPUTY_CHAIR),
    "chair": Standing(Role.CHAIR),
    "admin": Standing(None, is_admin=True),
}
# The ids the forged presses carry: the walk's meeting and broadcast are the first of each.
IDS = 1


def _must_refuse(rule: Capability | Audience, role: str) -> bool:
    standing = STANDINGS[role]
    if role == "stranger":
        return True
    if isinstance(rule, Capability):
        return not can(standing, rule)
    if rule is Audience.GUEST:
        return role != "guest"
    if rule is Audience.ROSTER:
        return not standing.in_roster
    # The walk's objects are addressed to the secretariat only (a broadcast) or to nobody
    # yet (no vote, protocol or task exists): everyone else is refused.
    return role != "secretariat"


def _data(prefix: str, action: str) -> str:
    cls: type[Payload] = next(c for c in payload_classes() if c.__prefix__ == prefix)
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        if name in ("action", "section"):
            values[name] = action
        elif field.annotation is int:
            values[name] = IDS
        elif name == "choice":
            values[name] = "for"
        elif name == "code":
            values[name] = "ru"
    return cls(**values).pack()


WATCHED = "_role_walk_changes"


async def _watch(world: World) -> None:
    """A count of the rows inserted, updated or deleted in every table but the update marks
    (a refusal still marks its update), kept by triggers in the same transaction as the
    change: a press rolled back leaves the counts as they were. Reading one small table
    after each of the walk's thousand presses is what copying every table used to cost.
    Dialog state is compared by its rows instead: a press that leaves no dialog rewrites the
    person's empty state, which changes nothing."""
    async with world.db.engine.begin() as conn:
        await conn.execute(text(f'CREATE TABLE "{WATCHED}" (name TEXT PRIMARY KEY, n INTEGER)'))
        for table in Base.metadata.sorted_tables:
            if table.name in ("processed_update", "fsm_record"):
                continue
            await conn.execute(
                text(f'INSERT INTO "{WATCHED}" VALUES (:name, 0)'), {"name": table.name}
            )
            for op in ("INSERT", "UPDATE", "DELETE"):
                await conn.execute(
                    text(
                        f'CREATE TRIGGER "{WATCHED}_{table.name}_{op.lower()}" AFTER {op} '
                        f'ON "{table.name}" BEGIN UPDATE "{WATCHED}" SET n = n + 1 '
                        f"WHERE name = '{table.name}'; END"
                    )
                )


async def _snapshot(world: World) -> dict[str, Any]:
    """How many times each table has been written to since `_watch`, and the dialog states."""
    async with world.db.session() as s:
        result = await s.execute(text(f'SELECT name, n FROM "{WATCHED}"'))
        counts: dict[str, Any] = {name: n for name, n in result.all()}
        states = await s.execute(text("SELECT * FROM fsm_record"))
        counts["fsm_record"] = sorted(map(tuple, states.all()), key=repr)
        return counts


async def _cast(world: World) -> dict[str, FakeUser]:
    c = world.client
    admin = world.admin()
    await c.send(admin, "/start")
    await add_unit(world, admin, "Отдел обращений граждан")
    people = {
        "chair": await joined_person(world, 9201, "председатель рабочей группы", "Председатель"),
        "deputy": await joined_person(world, 9202, "заместитель председателя", "Заместитель"),
        "secretariat": await joined_person(world, 9203, "сотрудник секретариата", "Секретарь"),
        "member": await joined_person(world, 9204, "член рабочей группы", "Член Группы"),
    }
    unit = c.user(9205, "Представитель", language_code="ru")
    payload = await create_invite(
        world,
        admin,
        "представитель структурного подразделения",
        unit_button="Отдел обращений граждан",
        name="Представитель",
    )
    await join(world, unit, payload)
    people["unit"] = unit
    await schedule_meeting(world, people["chair"])
    guest = make_outsider(world, 9206)
    await join(world, guest, await invite_guest(world, people["chair"]))
    people["guest"] = guest
    # A broadcast to the secretariat only: «Ознакомлен(а)» is for them alone (finding 11).
    clerk = people["secretariat"]
    await c.send(clerk, "/broadcast")
    await c.send(clerk, "Только для секретариата")
    await c.click(clerk, "Секретариату (1)")
    await c.click(clerk, "Подтвердить")
    await world.deliver()
    people["stranger"] = make_outsider(world, 9207)
    people["admin"] = admin
    for user in people.values():
        await c.send(user, "/cancel")  # a message to press under, and no dialog open
    return people


INTERNAL = "внутренней ошибки"


async def test_every_button_pressed_by_every_role_it_allows_is_answered_once(
    world: World,
) -> None:
    """#14 findings 4 and 7 for those who may press: allowed, or refused with the reason
    and nothing changed; one answer per press. A dialog a press begins is left with
    /cancel, so that the next press starts from no dialog."""
    c = world.client
    people = await _cast(world)
    await _watch(world)
    failures: list[str] = []
    before = await _snapshot(world)
    for (prefix, action), rule in BUTTONS.items():
        data = _data(prefix, action)
        for role in ROLES:
            if _must_refuse(rule, role):
                continue
            user = people[role]
            answered, said = len(c.callback_answers(user)), len(c.texts(user))
            await c.feed(c.callback_update(user, c.last_message(user), data))
            answers = c.callback_answers(user)[answered:]
            after = await _snapshot(world)
            texts = [a.text or "" for a in answers] + list(c.texts(user)[said:])
            if len(answers) != 1 or any(INTERNAL in t for t in texts):
                failures.append(f"{role} {data}: {[(a.text, a.show_alert) for a in answers]}")
            elif answers[0].show_alert and after != before:
                changed = [name for name in before if before[name] != after[name]]
                failures.append(f"{role} {data}: refused, yet changed {changed}")
            if await _in_dialog(world, user):
                await c.send(user, "/cancel")
                after = await _snapshot(world)
            before = after
    assert not failures, "\n".join(failures)


async def _in_dialog(world: World, user: FakeUser) -> bool:
    async with world.db.session() as s:
        rows = await s.execute(text("SELECT key, state FROM fsm_record"))
        return any(f":{user.id}:{user.id}" in key and state for key, state in rows.all())


async def test_every_button_pressed_by_every_role_it_rules_out_is_refused_at_once(
    world: World,
) -> None:
    """#14 findings 4, 7, 11: refused at the first press, with the reason, answered once,
    nothing stored, no dialog state set."""
    c = world.client
    people = await _cast(world)
    await _watch(world)
    failures: list[str] = []
    before = await _snapshot(world)
    for (prefix, action), rule in BUTTONS.items():
        data = _data(prefix, action)
        for role in ROLES:
            if not _must_refuse(rule, role):
                continue
            user = people[role]
            answered = len(c.callback_answers(user))
            await c.feed(c.callback_update(user, c.last_message(user), data))
            answers = c.callback_answers(user)[answered:]
            after = await _snapshot(world)
            if len(answers) != 1 or not answers[0].show_alert or not answers[0].text:
                shown = [(a.text, a.show_alert) for a in answers]
                failures.append(f"{role} {data}: not one refusal alert: {shown}")
            changed = [name for name in before if before[name] != after[name]]
            if changed:
                failures.append(f"{role} {data}: changed {changed}")
            before = after
    assert not failures, "\n".join(failures)
