"""人员 (/staff, office only): the directory; add a person, change their role, unit or 分管 units,
remove them, or hand their open approvals and reviews to a successor. Every change goes through
office/directory.py or office/reassign.py (which refuse changing one's own entry)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.actors import Actor
from office.console_access import Viewer
from office.directory import (
    DINGTALK_PREFIXES,
    DirectoryError,
    acting_member,
    add_member,
    all_members,
    parse_account,
    parse_role,
    remove_member,
    update_member,
)
from office.leave_decision_notices import leave_summary
from office.notices import Notice
from office.reassign import reassign_open_decisions
from storage.people import TELEGRAM, Role
from web.auth import Outcome, action, page, services_of
from web.rendering import render


def _accounts(form) -> dict[str, int | str | None]:  # type: ignore[no-untyped-def]
    """The new person's accounts from the form, checked as a chat command's ids are: a Telegram id,
    a DingTalk id (with or without the 钉钉: a chat command writes), or both."""
    telegram, dingtalk = str(form.get("telegram_id", "")).strip(), str(form.get("dingtalk_id", "")).strip()
    if not telegram and not dingtalk:
        raise DirectoryError("请填写 Telegram ID 或钉钉 ID(至少一个)")
    if telegram and parse_account(telegram)[0] != TELEGRAM:
        raise DirectoryError("Telegram ID 应为数字,例如 1001;钉钉 ID 请填在钉钉 ID 一栏")
    if dingtalk and not dingtalk.lower().startswith(DINGTALK_PREFIXES):
        dingtalk = DINGTALK_PREFIXES[0] + dingtalk
    return {"telegram_id": int(parse_account(telegram)[1]) if telegram else None,
            "dingtalk_id": parse_account(dingtalk)[1] if dingtalk else None}


def _listed(session, request: Request) -> dict[str, int | str | None]:  # type: ignore[no-untyped-def]
    """The accounts of the active person the row's URL names (rows are keyed by person, as someone
    may be on DingTalk alone): what office/directory.py names a person by."""
    member = acting_member(session=session, actor=Actor.of(person_id=request.path_params["person_id"]))
    if member is None:
        raise DirectoryError("该人员不在名录中(可能已被移除),请刷新页面")
    return {"telegram_id": member.telegram_id, "dingtalk_id": member.dingtalk_id}


def _units(text: str) -> list[str]:
    return [unit.strip() for unit in text.replace(",", ",").replace("、", ",").split(",") if unit.strip()]


@page(office_only=True)
def staff(request: Request, viewer: Viewer) -> Response:
    with services_of(request).db.transaction() as session:
        members = all_members(session=session)
    return render(request, "staff.html", {"members": members, "roles": [role.value for role in Role]})


@action(office_only=True)
def add(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    try:
        with services_of(request).db.transaction() as session:
            member = add_member(session=session, actor=viewer.actor, **_accounts(form),
                                name=str(form.get("name", "")), unit=str(form.get("unit", "")),
                                role=parse_role(str(form.get("role", ""))),
                                oversees=_units(str(form.get("oversees", ""))))
    except DirectoryError as exc:
        return Outcome(str(exc), back="/staff", refused=True)
    return Outcome(f"已登记:{member.label}", back="/staff")


@action(office_only=True)
def change(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    role_text, unit = str(form.get("role", "")).strip(), str(form.get("unit", "")).strip()
    try:
        with services_of(request).db.transaction() as session:
            member = update_member(session=session, actor=viewer.actor, **_listed(session, request), unit=unit or None,
                                   role=parse_role(role_text) if role_text else None,
                                   oversees=_units(str(form.get("oversees", ""))))
    except DirectoryError as exc:
        return Outcome(str(exc), back="/staff", refused=True)
    return Outcome(f"已修改:{member.label}", back="/staff")


@action(office_only=True)
def remove(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    try:
        with services_of(request).db.transaction() as session:
            member = remove_member(session=session, actor=viewer.actor, **_listed(session, request))
    except DirectoryError as exc:
        return Outcome(str(exc), back="/staff", refused=True)
    return Outcome(f"已移除:{member.label}", back="/staff")


@action(office_only=True)
def hand_over(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    try:
        # The successor as chat commands name them: 1001, or 钉钉:manager4521 for someone on DingTalk only.
        named = Actor.on(*parse_account(str(form.get("successor", ""))))
        with services.db.transaction() as session:
            moved = reassign_open_decisions(
                session=session, actor=viewer.actor, predecessor=Actor.of(person_id=request.path_params["person_id"]),
                successor=named, now=services.now(), tz=services.settings.tz)
    except DirectoryError as exc:
        return Outcome(str(exc), back="/staff", refused=True)
    successor = moved.successor
    notices = [Notice(f"您有一件转交来的请假申请待审批:{leave_summary(leave)}。请在机器人或工作台「审批」中处理。",
                      person_id=successor.person_id, recipient=f"接替人{successor.name}")
               for _, leave in moved.leave_approvals]
    # The bot's review requests carry 同意/退回 buttons; from the web they go as text pointing to /agenda.
    notices += [Notice(f"{notice.text}\n(请在机器人中发送 /agenda 处理)", person_id=notice.person_id,
                       recipient=notice.recipient)
                for notice in moved.agenda_reviews]
    return Outcome(f"已将 {moved.count} 件待办转交给{successor.label}。", back="/staff", notices=notices)


ROUTES = [
    Route("/staff", staff, methods=["GET"]),
    Route("/staff", add, methods=["POST"]),
    Route("/staff/{person_id:int}/change", change, methods=["POST"]),
    Route("/staff/{person_id:int}/remove", remove, methods=["POST"]),
    Route("/staff/{person_id:int}/hand-over", hand_over, methods=["POST"]),
]
