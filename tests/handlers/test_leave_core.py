"""The leave flow on the conversation core, without a messenger: a guided /leave goes on wherever
its next answer arrives (another replica, a restarted process), its card is confirmed once, and the
notices reach each person on every messenger they are registered on."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import expired, leave, leave_decisions, leave_lists, response_codec
from handlers.conversation import Conversation
from handlers.messages import Incoming, Response
from office.directory import add_member, update_member
from storage.agenda import Meeting, MeetingType
from storage.db import Database
from storage.audit import AuditEntry
from storage.leaves import LeaveReport
from storage.people import Role, person_by_telegram_id

MAYOR, VICE, OFFICE, HEAD = "11", "13", "14", "16"
MAYOR_ON_DINGTALK = "mayor-dt"
AUDIT_HEAD_DT, VICE_DT, NOBODY_DT = "audit-head-dt", "vice-dt", "nobody-dt"  # on DingTalk only, or not at all
OFFICE_GROUP = "-100500"
FEATURES = [leave, leave_decisions, leave_lists, expired]


class Replica:
    """One bot process on the shared database; each answer is sent (`delivered`), as the adapter does."""

    def __init__(self, db: Database, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
        settings = Settings(_env_file=None, data_dir=tmp_path, database_url=db.url, office_chat_id=int(OFFICE_GROUP))
        self.core = Conversation(Services(settings, db, clock=clock), FEATURES)

    def respond(self, incoming: Incoming) -> Response:
        response = self.core.respond(incoming)
        self.core.delivered(incoming)
        return response


@pytest.fixture
def directory(db):
    with db.transaction() as session:
        for telegram_id, name, unit, role, oversees, dingtalk_id in (
            (MAYOR, "王区长", "区政府", Role.MAYOR, (), MAYOR_ON_DINGTALK),
            (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",), None),
            (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, (), None),
            (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, (), None),
        ):
            add_member(session=session, actor=None, telegram_id=int(telegram_id), dingtalk_id=dingtalk_id,
                       name=name, unit=unit, role=role, oversees=oversees)
    return db


_ids = iter(range(1, 10_000))


def say(user: str, text: str) -> Incoming:
    return Incoming("telegram", user, True, user, text=text, update_id=str(next(_ids)))


def press(user: str, data: str) -> Incoming:
    return Incoming("telegram", user, True, user, button=data, update_id=str(next(_ids)))


def on_dingtalk(user: str, text: str = "", *, button: str | None = None) -> Incoming:
    """A private DingTalk message (or, with `button`, a press) from the DingTalk account `user`."""
    return Incoming("dingtalk", user, True, user, text=text, button=button, update_id=str(next(_ids)))


def data_of(response: Response, label: str) -> str:
    return next(b.data for reply in response.replies for row in reply.buttons for b in row if b.label == label)


def text_of(response: Response) -> str:
    return "\n".join(reply.text.plain() for reply in response.replies)


def addressed(response: Response, containing: str) -> set[tuple[str, str]]:
    return {(n.channel, n.chat_id) for n in response.notices if containing in n.reply.text.plain()}


def reports(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(LeaveReport))


def test_a_guided_leave_goes_on_wherever_it_is_answered_and_its_card_is_confirmed_once(directory, tmp_path, clock):
    first, second = Replica(directory, tmp_path, clock), Replica(directory, tmp_path, clock)
    kinds = first.respond(say(HEAD, "/leave"))
    start = second.respond(press(HEAD, data_of(kinds, "出差")))
    end = first.respond(say(HEAD, "明天"))
    place = second.respond(press(HEAD, data_of(end, "同一天")))
    reason = first.respond(say(HEAD, "上海"))
    card = second.respond(say(HEAD, "参加长三角协作会"))
    assert "开始日期" in text_of(start) and "目的地?" in text_of(place) and "事由" in text_of(reason)
    assert "请确认请假申请" in text_of(card) and "区长 王区长" in text_of(card) and reports(directory) == 0

    restarted = Replica(directory, tmp_path, clock)  # the card is confirmed after a restart
    confirmed = restarted.respond(press(HEAD, data_of(card, "确认提交")))
    again = first.respond(press(HEAD, data_of(card, "确认提交")))

    assert confirmed.toast == "已提交" and "等待审批" in text_of(confirmed)
    assert addressed(confirmed, "请审批") == {("telegram", MAYOR), ("dingtalk", MAYOR_ON_DINGTALK), ("telegram", VICE)}
    assert all(data_of(Response([n.reply]), "同意").startswith("lv:ok:") for n in confirmed.notices)
    assert "失效" in text_of(again) and again.replies[0].alert
    assert reports(directory) == 1


def test_the_office_collects_a_meeting_absence_and_reports_it_to_the_mayor_on_each_messenger(directory, tmp_path,
                                                                                            clock):
    bot = Replica(directory, tmp_path, clock)
    card = bot.respond(say(HEAD, "/leave 会议请假 明天 区政府常务会议 接待上级检查"))
    filed = bot.respond(press(HEAD, data_of(card, "确认提交")))
    (request,) = filed.notices
    decided = bot.respond(press(OFFICE, data_of(Response([request.reply]), "同意")))

    assert (request.channel, request.chat_id) == ("telegram", OFFICE)
    assert addressed(decided, "区政府办公室报告:会议请假") == {("telegram", MAYOR), ("dingtalk", MAYOR_ON_DINGTALK)}
    assert addressed(decided, "请假报备") == {("telegram", OFFICE_GROUP)}
    assert addressed(decided, "请假已批准") == {("telegram", HEAD)}
    assert "您已同意" in text_of(decided) and decided.replies[0].buttons == ()


def test_a_note_asked_before_a_restart_is_taken_after_it(directory, tmp_path, clock):
    bot = Replica(directory, tmp_path, clock)
    card = bot.respond(say(VICE, "/leave 休假 明天 后天 年休假"))
    notices = bot.respond(press(VICE, data_of(card, "确认提交"))).notices
    request = next(n for n in notices if n.channel == "telegram")
    prompt = bot.respond(press(MAYOR, data_of(Response([request.reply]), "附言并退回")))
    decided = Replica(directory, tmp_path, clock).respond(say(MAYOR, "与常务会议冲突"))

    assert "请发送附言" in text_of(prompt)
    assert "您已退回" in text_of(decided)
    assert addressed(decided, "附言:与常务会议冲突") == {("telegram", VICE)}
    with directory.transaction() as session:
        assert session.scalars(select(LeaveReport.state)).all() == ["已退回"]


def test_the_export_is_a_document_that_survives_being_kept_for_redelivery(directory, tmp_path, clock):
    export = Replica(directory, tmp_path, clock).respond(say(OFFICE, "/leaves 导出"))
    (reply,) = export.replies
    assert reply.file is not None and reply.file.content.decode("utf-8-sig").startswith("编号,姓名")
    assert response_codec.decode(response_codec.encode(export)) == export


def test_a_guided_meeting_absence_is_for_a_registered_meeting_of_its_period(directory, tmp_path, clock):
    """Issue 15 item 2: the meetings of 第五十三条 in the period are offered and the chosen one stored;
    a period without one is said at once, and the start date asked again."""
    tz = clock.tz
    in_two_days = clock.now().astimezone(tz).date() + timedelta(days=2)
    with directory.transaction() as session:
        executive = Meeting(kind=MeetingType.EXECUTIVE.value, starts_at=datetime.combine(in_two_days, time(9), tz))
        session.add_all([executive, Meeting(kind=MeetingType.VICE_MAYOR_TOPIC.value,
                                            starts_at=datetime.combine(in_two_days, time(15), tz))])
        session.flush()
        executive_id = executive.id
    bot = Replica(directory, tmp_path, clock)
    kinds = bot.respond(say(HEAD, "/leave"))
    bot.respond(press(HEAD, data_of(kinds, "会议请假")))
    bot.respond(say(HEAD, "明天"))
    nothing = bot.respond(say(HEAD, "明天"))
    bot.respond(say(HEAD, "后天"))
    offered = bot.respond(say(HEAD, "后天"))
    typed = bot.respond(say(HEAD, "区政府常务会议"))
    chosen = bot.respond(press(HEAD, data_of(offered, next(b.label for row in offered.replies[-1].buttons for b in row))))
    card = bot.respond(say(HEAD, "接待上级检查"))
    bot.respond(press(HEAD, data_of(card, "确认提交")))

    assert "没有登记的区政府全体会议、常务会议或区长专题会议" in text_of(nothing) and "开始日期?" in text_of(nothing)
    labels = [b.label for row in offered.replies[-1].buttons for b in row]
    assert len(labels) == 1 and "区政府常务会议" in labels[0] and "09:00" in labels[0]  # no 副区长专题会议
    assert "请点选" in text_of(typed)  # a typed name is not a registered meeting
    assert "事由" in text_of(chosen) and "会议:" in text_of(card) and "区政府常务会议" in text_of(card)
    with directory.transaction() as session:
        assert session.scalars(select(LeaveReport.meeting_id)).all() == [executive_id]


def test_a_one_line_meeting_absence_is_tied_to_the_registered_meeting_its_name_and_date_point_to(directory, tmp_path,
                                                                                                 clock):
    tomorrow = clock.now().astimezone(clock.tz).date() + timedelta(days=1)
    with directory.transaction() as session:
        meeting = Meeting(kind=MeetingType.EXECUTIVE.value, starts_at=datetime.combine(tomorrow, time(9), clock.tz))
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    bot = Replica(directory, tmp_path, clock)
    card = bot.respond(say(HEAD, "/leave 会议请假 明天 常务会议 接待上级检查"))
    bot.respond(press(HEAD, data_of(card, "确认提交")))
    unregistered = bot.respond(say(HEAD, "/leave 会议请假 后天 区长专题会议 在外调研"))  # none registered: as typed

    assert "09:00 区政府常务会议" in text_of(card)
    assert "会议:区长专题会议" in text_of(unregistered)
    with directory.transaction() as session:
        assert session.scalars(select(LeaveReport.meeting_id)).all() == [meeting_id]


def test_a_meeting_cancelled_before_it_is_chosen_is_said_and_the_dates_asked_again(directory, tmp_path, clock):
    tomorrow = clock.now().astimezone(clock.tz).date() + timedelta(days=1)
    with directory.transaction() as session:
        meeting = Meeting(kind=MeetingType.PLENARY.value, starts_at=datetime.combine(tomorrow, time(9), clock.tz))
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    bot = Replica(directory, tmp_path, clock)
    kinds = bot.respond(say(HEAD, "/leave"))
    bot.respond(press(HEAD, data_of(kinds, "会议请假")))
    bot.respond(say(HEAD, "明天"))
    offered = bot.respond(say(HEAD, "明天"))
    with directory.transaction() as session:
        session.get(Meeting, meeting_id).cancelled = True
    pressed = bot.respond(press(HEAD, offered.replies[-1].buttons[0][0].data))
    assert "已取消" in text_of(pressed) and "没有登记的" in text_of(pressed) and "开始日期?" in text_of(pressed)


def test_an_old_form_button_pressed_while_a_note_is_asked_is_not_taken_for_the_note(directory, tmp_path, clock):
    bot = Replica(directory, tmp_path, clock)
    kinds = bot.respond(say(MAYOR, "/leave"))  # an old guided form's buttons, still on screen
    card = bot.respond(say(VICE, "/leave 休假 明天 后天 年休假"))
    notices = bot.respond(press(VICE, data_of(card, "确认提交"))).notices
    request = next(n for n in notices if n.channel == "telegram")
    bot.respond(press(MAYOR, data_of(Response([request.reply]), "附言并同意")))
    stray = bot.respond(press(MAYOR, data_of(kinds, "出差")))
    decided = bot.respond(say(MAYOR, "注意安全"))

    assert stray.replies == [] and stray.notices == []
    assert "您已同意" in text_of(decided) and addressed(decided, "附言:注意安全") == {("telegram", VICE)}


@pytest.fixture
def dingtalk_only(directory):
    """区审计局's head and its 分管副区长, both registered only on DingTalk; returns their person ids."""
    with directory.transaction() as session:
        vice = add_member(session=session, actor=None, dingtalk_id=VICE_DT, name="钱副区长", unit="区政府",
                          role=Role.VICE_MAYOR, oversees=("区审计局",))
        head = add_member(session=session, actor=None, dingtalk_id=AUDIT_HEAD_DT, name="郑局长", unit="区审计局",
                          role=Role.UNIT_HEAD)
    return head.person_id, vice.person_id


def request_to(response: Response, account: str) -> Response:
    """The approval request among `response`'s notices sent to the DingTalk account `account`."""
    return Response([next(n.reply for n in response.notices if (n.channel, n.chat_id) == ("dingtalk", account))])


def test_a_dingtalk_only_head_files_a_trip_that_a_dingtalk_only_vice_mayor_and_the_mayor_approve(
        dingtalk_only, directory, tmp_path, clock):
    head, vice = dingtalk_only
    bot = Replica(directory, tmp_path, clock)
    kinds = bot.respond(on_dingtalk(AUDIT_HEAD_DT, "/leave"))
    bot.respond(on_dingtalk(AUDIT_HEAD_DT, button=data_of(kinds, "出差")))
    bot.respond(on_dingtalk(AUDIT_HEAD_DT, "今天"))
    bot.respond(on_dingtalk(AUDIT_HEAD_DT, "明天"))
    bot.respond(on_dingtalk(AUDIT_HEAD_DT, "上海"))
    card = bot.respond(on_dingtalk(AUDIT_HEAD_DT, "参加审计业务培训"))
    filed = bot.respond(on_dingtalk(AUDIT_HEAD_DT, button=data_of(card, "确认提交")))
    by_vice = bot.respond(on_dingtalk(VICE_DT, button=data_of(request_to(filed, VICE_DT), "同意")))
    to_mayor = request_to(filed, MAYOR_ON_DINGTALK)  # the 区长 is on both messengers: he answers on DingTalk
    by_mayor = bot.respond(on_dingtalk(MAYOR_ON_DINGTALK, button=data_of(to_mayor, "同意")))
    back = bot.respond(on_dingtalk(AUDIT_HEAD_DT, "/back"))

    assert "区长 王区长" in text_of(card) and "分管副区长 钱副区长" in text_of(card)
    assert filed.toast == "已提交"
    assert addressed(filed, "请审批") == {("telegram", MAYOR), ("dingtalk", MAYOR_ON_DINGTALK), ("dingtalk", VICE_DT)}
    assert "您已同意" in text_of(by_vice) and "您已同意" in text_of(by_mayor)
    assert addressed(by_mayor, "请假已批准") == {("dingtalk", AUDIT_HEAD_DT)}
    assert "已销假" in text_of(back)
    with directory.transaction() as session:
        mayor = person_by_telegram_id(session, int(MAYOR)).id
        report = session.scalars(select(LeaveReport)).one()
        decided_by = {approval.label: approval.decided_by_person_id for approval in report.approvals}
        audit = session.execute(select(AuditEntry.action, AuditEntry.actor_person_id)
                                .where(AuditEntry.entity == "leave").order_by(AuditEntry.id)).all()
    assert report.person_id == head and report.state == "已销假"
    assert decided_by == {"区长": mayor, "分管副区长": vice}
    assert [tuple(row) for row in audit] == [("filed", head), ("approved", vice), ("approved", mayor),
                                             ("returned", head)]


def test_an_unregistered_dingtalk_account_files_decides_and_returns_nothing(dingtalk_only, directory, tmp_path,
                                                                             clock):
    bot = Replica(directory, tmp_path, clock)
    card = bot.respond(on_dingtalk(AUDIT_HEAD_DT, "/leave 出差 明天 后天 上海 参加审计业务培训"))
    filed = bot.respond(on_dingtalk(AUDIT_HEAD_DT, button=data_of(card, "确认提交")))
    one_line = bot.respond(on_dingtalk(NOBODY_DT, "/leave 出差 明天 后天 上海 参加审计业务培训"))
    guided = bot.respond(on_dingtalk(NOBODY_DT, "/leave"))
    pressed = bot.respond(on_dingtalk(NOBODY_DT, button=data_of(request_to(filed, VICE_DT), "同意")))
    back = bot.respond(on_dingtalk(NOBODY_DT, "/back"))

    for refused in (one_line, guided, pressed, back):
        assert "您尚未登记" in text_of(refused) and refused.notices == []
    assert pressed.replies[0].alert
    with directory.transaction() as session:
        report = session.scalars(select(LeaveReport)).one()
        assert report.state == "待审批" and [a.decided_by_person_id for a in report.approvals] == [None, None]


def test_a_card_is_filed_only_for_the_person_it_was_made_for_even_if_their_account_moved(directory, tmp_path, clock):
    replica = Replica(directory, tmp_path, clock)
    card = replica.respond(say(HEAD, "/leave 出差 明天 后天 上海 参加长三角协作会"))
    assert "请确认请假申请" in text_of(card)
    with directory.transaction() as session:  # the head moves to a new Telegram account; a clerk gets the old one
        update_member(session=session, actor=None, telegram_id=int(HEAD), dingtalk_id="head-dt")
        update_member(session=session, actor=None, dingtalk_id="head-dt", telegram_id=1616)
        add_member(session=session, actor=None, telegram_id=int(HEAD), name="周科员", unit="区财政局", role=Role.STAFF)

    pressed = replica.respond(press(HEAD, data_of(card, "确认提交")))
    assert "失效" in text_of(pressed) and reports(directory) == 0
