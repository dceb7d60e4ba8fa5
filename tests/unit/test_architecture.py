"""The wiring rules of the README ("How the code is wired"), checked on the source: one way
to write a handler, services without Telegram types or views, roles decided in the domain."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(*folders: str) -> Iterator[tuple[Path, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def test_no_handler_takes_the_session_or_the_application() -> None:
    """Handlers take the event, its callback data and `ctx`; services come from `ctx`."""
    offenders = [
        f"{_where(path, node)} {node.name}({arg.arg})"
        for path, tree in _modules("handlers")
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        for arg in node.args.args + node.args.kwonlyargs
        if arg.arg in {"session", "app"}
    ]
    assert offenders == []


def test_nobody_wakes_the_sender_by_hand() -> None:
    """The write transaction wakes it after a commit that added outbox rows."""
    offenders = [
        _where(path, node)
        for path, tree in _modules("bot", "handlers", "scheduler")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "wake_sender"
    ]
    assert offenders == []


def test_services_import_neither_aiogram_nor_views() -> None:
    offenders = []
    for path, tree in _modules("bot/services"):
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] == "aiogram" or name.startswith("bot.views"):
                    offenders.append(f"{_where(path, node)} {name}")
    assert offenders == []


def _is_role_comparison(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # actor.has(Role.X, ...), member.has(*ROLES)
        return node.func.attr == "has"
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        return any(
            (isinstance(o, ast.Attribute) and o.attr in {"role", "roles"})
            or (
                isinstance(o, ast.Attribute)
                and isinstance(o.value, ast.Name)
                and o.value.id == "Role"
            )
            for o in operands
        )
    return False


def test_roles_are_compared_only_in_the_domain() -> None:
    """Who may do what is decided by bot/domain (GRANTS, pure rules) alone."""
    offenders = [
        _where(path, node)
        for path, tree in _modules("bot/services", "bot/views", "handlers", "scheduler")
        for node in ast.walk(tree)
        if _is_role_comparison(node)
    ]
    assert offenders == []


def test_test_modules_share_steps_through_support_only() -> None:
    """A test module imports shared steps and data from `tests.support` (or its folder's
    conftest), never from another test module: a test's helpers stay private to it."""
    offenders = [
        f"{_where(path, node)} {node.module}"
        for path, tree in _modules("tests")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module is not None
        and node.module.startswith("tests.")
        and not node.module.startswith("tests.support")
        and not node.module.endswith("conftest")
    ]
    assert offenders == []
