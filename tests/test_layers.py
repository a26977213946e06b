"""The layers point down only: the domain, the retrieval engine and storage import no chat platform
and nothing of the composition root (bot/); flows written on the conversation core import no
Telegram either. Read from the source, so a new import is caught before it ships."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ("telegram", "dingtalk_stream")
CORE_FLOWS = ("handlers/messages.py", "handlers/conversation.py", "handlers/forms.py", "handlers/senders.py",
              "handlers/deadlines.py", "handlers/deadline_form.py", "handlers/deadline_record.py",
              "handlers/subscriptions.py", "handlers/qa.py", "handlers/feedback.py", "handlers/start.py",
              "handlers/staff.py", "handlers/staff_handover.py", "handlers/expired.py",
              "handlers/leave.py", "handlers/leave_form.py", "handlers/leave_card.py", "handlers/leave_decisions.py",
              "handlers/leave_lists.py", "handlers/leave_text.py", "handlers/leave_notify.py",
              "handlers/meetings.py", "handlers/agenda.py", "handlers/agenda_form.py", "handlers/agenda_review.py",
              "handlers/agenda_views.py", "handlers/agenda_notify.py")


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("package", ["retrieval", "storage", "office"])
def test_the_lower_layers_import_no_platform_and_nothing_above_them(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path)
                                            if _top(name) in (*PLATFORMS, "bot", "handlers", "web"))
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_telegram_is_imported_in_the_telegram_adapter_package_only():
    speaking = sorted(str(path.relative_to(ROOT)) for package in ("bot", "handlers", "office", "retrieval", "storage", "web")
                      for path in (ROOT / package).rglob("*.py") if any(_top(n) == "telegram" for n in imported_modules(path)))
    assert [path for path in speaking if not path.startswith("bot/")] == []


@pytest.mark.parametrize("package", ["handlers", "web", "bootstrap"])
def test_flows_the_console_and_the_composition_root_import_no_adapter(package):
    """Only the adapters' package (bot/) may import the flows and the composition root, never the reverse."""
    offenders = {str(path.relative_to(ROOT)): sorted(n for n in imported_modules(path) if _top(n) == "bot")
                 for path in (ROOT / package).rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_composition_root_imports_no_platform_nor_the_flows_above_it():
    offenders = {str(path.relative_to(ROOT)): sorted(n for n in imported_modules(path)
                                                     if _top(n) in (*PLATFORMS, "handlers", "web"))
                 for path in (ROOT / "bootstrap").rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_flows_on_the_conversation_core_import_no_platform():
    offenders = {flow: sorted(n for n in imported_modules(ROOT / flow) if _top(n) in PLATFORMS) for flow in CORE_FLOWS}
    assert {flow: names for flow, names in offenders.items() if names} == {}


def test_the_web_console_runs_office_operations_and_borrows_only_the_notice_addressing_from_the_flows():
    web_modules = {str(path.relative_to(ROOT)): imported_modules(path) for path in (ROOT / "web").rglob("*.py")}
    borrowed = {name for names in web_modules.values() for name in names if _top(name) == "handlers"}
    assert borrowed <= {"handlers.messages", "handlers.agenda_notify"}
    assert sorted(path for path, names in web_modules.items() if any(_top(n) in PLATFORMS for n in names)) == []


@pytest.mark.parametrize("module", ["office/web_signin.py", "office/console_access.py", "office/console_views.py",
                                    "office/agenda_gaps.py", "office/leave_decision_notices.py",
                                    "office/leave_notices.py"])
def test_the_console_domain_modules_import_no_platform_and_nothing_above_them(module):
    names = imported_modules(ROOT / module)
    assert sorted(n for n in names if _top(n) in (*PLATFORMS, "bot", "handlers", "web")) == []
