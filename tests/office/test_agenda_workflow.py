"""Filing agenda items and taking them through the review chain of 第四十八条."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from agenda_seed import (
    CLERK, DAY, DUE, EXEC_VICE, HEAD, MAYOR, NOW, OFFICE, OTHER_HEAD, OTHER_VICE, STARTS, TZ, VICE,
    addressees, approve, facts, file, give_back, seed_meeting, submit,
)
from office.actors import Actor
from office.agenda import (
    AgendaError,
    delete_draft,
    file_item,
    item_card,
    items_waiting_for,
    meeting_for_filing,
    meeting_agenda,
    my_unit_items,
    plan_filing,
)
from office.agenda_checks import ARTICLE_50, LEGALITY_HANDED_IN
from office.directory import update_member
from office.meetings import MeetingPick, cancel_meeting
from storage.agenda import AgendaItem, ItemState, MeetingType, meeting_by_id
from storage.audit import AuditEntry

@pytest.fixture
def meeting_db(db):
    return seed_meeting(db)


def state_of(db, item_id):
    with db.transaction() as session:
        return session.get(AgendaItem, item_id).state


def test_plan_shows_people_and_due_time_before_anything_is_written(meeting_db):
    with meeting_db.transaction() as session:
        meeting_id = meeting_for_filing(session=session, day=DAY, pick=MeetingPick(kind=MeetingType.EXECUTIVE), tz=TZ)
        plan = plan_filing(session=session, actor=Actor.telegram(HEAD), meeting_id=meeting_id,
                           title=" 关于老旧小区改造的请示 ", now=NOW, tz=TZ)
        assert session.scalars(select(AgendaItem)).all() == []
    assert (plan.title, plan.unit, plan.overseer_name, plan.reporter_name) == ("关于老旧小区改造的请示", "区财政局", "赵副区长", "孙局长")
    assert plan.due_text == "2026-12-06(周日)09:00" and not plan.late


def test_full_chain_puts_the_item_on_the_agenda(meeting_db):
    item_id = file(meeting_db)
    assert state_of(meeting_db, item_id) == ItemState.DRAFT

    state, notices = submit(meeting_db, item_id)
    assert state == ItemState.OVERSEER_REVIEW
    assert (addressees(meeting_db, notices), [n.review_item_id for n in notices]) == ([VICE], [item_id])

    state, notices = approve(meeting_db, item_id, VICE)
    assert state == ItemState.LEADER_APPROVAL
    assert set(addressees(meeting_db, [n for n in notices if n.review_item_id == item_id])) == {MAYOR, EXEC_VICE}
    assert any(to == HEAD and "通过" in n.text for to, n in zip(addressees(meeting_db, notices), notices))

    state, notices = approve(meeting_db, item_id, MAYOR)
    assert state == ItemState.SCHEDULED
    assert set(addressees(meeting_db, notices)) == {HEAD, VICE, None}  # None: the office group
    assert "议程第 1 项" in notices[0].text

    with meeting_db.transaction() as session:
        scheduled, pending = meeting_agenda(session=session, meeting=meeting_by_id(session, meeting_db.meeting_id))
        assert [(i.title, i.position, i.reporter.name) for i in scheduled] == [("关于老旧小区改造的请示", 1, "孙局长")]
        assert pending == []
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "agenda_item")).all()
    assert actions == ["drafted", "submitted", "reviewed", "approved"]


def test_reviewers_read_what_the_item_records(meeting_db):
    item_id = file(meeting_db, other_units=("区发改委", "区住建委"), opinions_sought=True, opinions_agreed=False,
                   disagreement="资金分担比例尚未一致", normative_document=True, legality_review=LEGALITY_HANDED_IN)
    _, [review] = submit(meeting_db, item_id)
    _, notices = approve(meeting_db, item_id, VICE)
    approval = next(n for n in notices if n.review_item_id == item_id)
    for text in (review.text, approval.text):
        assert "主要内容:拟安排2026年老旧小区改造资金" in text
        assert "涉及单位:区发改委、区住建委(第四十九条)" in text
        assert "各单位意见:已征求相关单位意见,未达成一致" in text
        assert "仍存在的分歧:资金分担比例尚未一致" in text
        assert "规范性文件:合法性审查意见已送交区政府办公室(第五十一条)" in text
    plain = file(meeting_db, title="关于预算调整的请示")
    with meeting_db.transaction() as session:
        card = item_card(session.get(AgendaItem, plain), TZ)
    assert "当前状态:草拟" in card
    assert "涉及单位:不涉及其他部门或单位(第四十九条)" in card
    assert "合法性审查:非重大事项、非规范性文件,无需附具(第五十一条)" in card


def test_second_scheduled_item_comes_after_the_first(meeting_db):
    first, second = file(meeting_db), file(meeting_db, title="关于预算调整的请示")
    for item_id in (second, first):
        submit(meeting_db, item_id)
        approve(meeting_db, item_id, VICE)
        approve(meeting_db, item_id, EXEC_VICE)
    with meeting_db.transaction() as session:
        scheduled, _ = meeting_agenda(session=session, meeting=meeting_by_id(session, meeting_db.meeting_id))
        assert [i.id for i in scheduled] == [second, first]


@pytest.mark.parametrize("intruder", [MAYOR, OTHER_VICE, HEAD, CLERK, 999])
def test_only_the_units_vice_mayor_reviews(meeting_db, intruder):
    item_id = file(meeting_db)
    submit(meeting_db, item_id)
    with pytest.raises(AgendaError, match="待分管副区长赵副区长审核"):
        approve(meeting_db, item_id, intruder)
    with pytest.raises(AgendaError, match="无权"):
        give_back(meeting_db, item_id, intruder)
    assert state_of(meeting_db, item_id) == ItemState.OVERSEER_REVIEW


@pytest.mark.parametrize("intruder", [VICE, OTHER_VICE, HEAD, OFFICE])
def test_only_mayor_or_executive_vice_mayor_approves(meeting_db, intruder):
    item_id = file(meeting_db)
    submit(meeting_db, item_id)
    approve(meeting_db, item_id, VICE)
    with pytest.raises(AgendaError, match="待区长或常务副区长批准"):
        approve(meeting_db, item_id, intruder)
    assert state_of(meeting_db, item_id) == ItemState.LEADER_APPROVAL


def test_the_reviewer_cannot_also_approve(meeting_db):
    # The 常务副区长 oversees 区政府办公室, so an office item is reviewed by them and approved by the 区长 only.
    item_id = file(meeting_db, who=OFFICE, title="关于会议室改造的请示")
    submit(meeting_db, item_id, who=OFFICE)
    _, notices = approve(meeting_db, item_id, EXEC_VICE)
    assert addressees(meeting_db, [n for n in notices if n.review_item_id]) == [MAYOR]
    with pytest.raises(AgendaError, match="审核人不能同时批准"):
        approve(meeting_db, item_id, EXEC_VICE)


@pytest.mark.parametrize("step_reviewers", [[VICE], [VICE, MAYOR]], ids=["at review", "at approval"])
def test_return_with_a_reason_at_any_step(meeting_db, step_reviewers):
    item_id = file(meeting_db)
    submit(meeting_db, item_id)
    for reviewer in step_reviewers[:-1]:
        approve(meeting_db, item_id, reviewer)
    with pytest.raises(AgendaError, match="理由"):
        give_back(meeting_db, item_id, step_reviewers[-1], reason="  ")
    state, notices = give_back(meeting_db, item_id, step_reviewers[-1], reason="请补充资金测算")
    assert state == ItemState.RETURNED
    assert any(to == HEAD and "请补充资金测算" in n.text for to, n in zip(addressees(meeting_db, notices), notices))
    with pytest.raises(AgendaError, match="没有待办的审核"):
        approve(meeting_db, item_id, step_reviewers[-1])
    # The title is free again once the item was returned.
    file(meeting_db)


def test_exactly_three_days_before_is_on_time(meeting_db):
    item_id = file(meeting_db)
    state, notices = submit(meeting_db, item_id, now=DUE)
    assert state == ItemState.OVERSEER_REVIEW and len(notices) == 1


def test_two_days_23_hours_before_is_refused(meeting_db):
    late = DUE + timedelta(hours=1)
    with pytest.raises(AgendaError, match="第四十八条"):
        file(meeting_db, now=late)
    item_id = file(meeting_db)  # drafted in time, but sent too late
    with pytest.raises(AgendaError, match="第四十八条"):
        submit(meeting_db, item_id, now=late)
    assert state_of(meeting_db, item_id) == ItemState.DRAFT


def test_urgent_late_item_is_flagged_to_the_office_and_the_approvers(meeting_db):
    late = DUE + timedelta(hours=1)
    item_id = file(meeting_db, now=late, urgent=True, urgent_reason="寒潮应急供暖")
    _, notices = submit(meeting_db, item_id, now=late)
    flagged = addressees(meeting_db, [n for n in notices if "特殊紧急" in n.text and n.review_item_id is None])
    assert set(flagged) == {None, MAYOR, EXEC_VICE}


def test_duplicate_title_for_one_meeting_is_refused(meeting_db):
    file(meeting_db)
    with pytest.raises(AgendaError, match="同名议题"):
        file(meeting_db, who=OTHER_HEAD, title="关于老旧小区改造的请示")


def test_normative_document_without_legality_review_writes_nothing(meeting_db):
    with pytest.raises(AgendaError, match="第五十一条"):
        file(meeting_db, normative_document=True)
    with meeting_db.transaction() as session:
        assert session.scalars(select(AgendaItem)).all() == []
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "agenda_item")).all() == []


def test_article_50_item_is_refused_naming_the_clause(meeting_db):
    with pytest.raises(AgendaError, match=r"第五十条第\(三\)项"):
        file(meeting_db, article50={c.number: c.number == "三" for c in ARTICLE_50})


@pytest.mark.parametrize(
    ("who", "message"), [(999, "尚未登记"), (CLERK, "正职"), (VICE, "正职")], ids=["not in directory", "staff", "vice mayor"]
)
def test_who_may_file(meeting_db, who, message):
    with pytest.raises(AgendaError, match=message):
        file(meeting_db, who=who)


def test_unknown_day_and_past_or_cancelled_meetings(meeting_db):
    with meeting_db.transaction() as session:
        with pytest.raises(AgendaError, match="没有已登记的会议"):
            meeting_for_filing(session=session, day=date(2026, 12, 10), tz=TZ)
        with pytest.raises(AgendaError, match="没有区长专题会议"):
            meeting_for_filing(session=session, day=DAY, pick=MeetingPick(kind=MeetingType.MAYOR_TOPIC), tz=TZ)
        with pytest.raises(AgendaError, match="没有编号为 999 的会议"):
            plan_filing(session=session, actor=Actor.telegram(HEAD), meeting_id=999, title="x", now=NOW, tz=TZ)
    with pytest.raises(AgendaError, match="已经召开"):
        file(meeting_db, now=STARTS + timedelta(minutes=1), urgent=True, urgent_reason="x")
    item_id = file(meeting_db)
    with meeting_db.transaction() as session:
        cancel_meeting(session=session, meeting_id=meeting_db.meeting_id, reason="改期", actor=Actor.telegram(OFFICE),
                       admin_ids=(), tz=TZ, now=NOW)
    assert state_of(meeting_db, item_id) == ItemState.RETURNED
    with pytest.raises(AgendaError, match="已取消"):
        file(meeting_db, title="新议题")
    with meeting_db.transaction() as session:
        with pytest.raises(AgendaError, match="已取消.*改期"):
            meeting_for_filing(session=session, day=DAY, tz=TZ)


def test_unit_without_vice_mayor_or_head_is_told_what_to_register(meeting_db):
    from office.directory import add_member
    from storage.people import Role

    with meeting_db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=50, name="冯局长", unit="区文旅局", role=Role.UNIT_HEAD)
    with pytest.raises(AgendaError, match="没有区文旅局的分管副区长"):
        file(meeting_db, who=50)


def _file_for(db, unit, *, who=OFFICE, title="关于区财政局预算调整的请示"):
    with db.transaction() as session:
        return file_item(session=session, actor=Actor.telegram(who), meeting_id=db.meeting_id, title=title, facts=facts(),
                         now=NOW, tz=TZ, on_behalf_of=unit).id


def test_the_office_files_for_a_unit_which_takes_that_units_route(meeting_db):
    item_id = _file_for(meeting_db, "区财政局")
    with meeting_db.transaction() as session:
        item = session.get(AgendaItem, item_id)
        assert (item.proposing_unit, item.proposer.telegram_id) == ("区财政局", OFFICE)
        assert (item.overseer.telegram_id, item.reporter.telegram_id) == (VICE, HEAD)
        drafted = session.scalars(select(AuditEntry).where(AuditEntry.action == "drafted")).one()
        assert drafted.detail["on_behalf_of"] == "区财政局"
    _, notices = submit(meeting_db, item_id, who=OFFICE)
    reviews = [n for n in notices if n.review_item_id]
    assert (addressees(meeting_db, reviews), [n.review_item_id for n in reviews]) == ([VICE], [item_id])
    [told] = [n for to, n in zip(addressees(meeting_db, notices), notices) if to == HEAD]
    assert "区政府办公室钱主任代区财政局报送议题" in told.text and "第五十二条" in told.text
    with meeting_db.transaction() as session:
        assert [i.id for i in my_unit_items(session=session, actor=Actor.telegram(HEAD))] == [item_id]


def test_only_the_office_files_for_another_unit_and_only_for_a_routable_one(meeting_db):
    with pytest.raises(AgendaError, match="只有区政府办公室可以代其他单位提交议题"):
        _file_for(meeting_db, "区发改委", who=HEAD)
    with pytest.raises(AgendaError, match="没有区文旅局的分管副区长"):
        _file_for(meeting_db, "区文旅局")
    with meeting_db.transaction() as session:
        update_member(session=session, actor=None, telegram_id=EXEC_VICE, oversees=())
    with pytest.raises(AgendaError, match="没有区政府办公室的分管副区长.*代 区财政局"):
        file(meeting_db, who=OFFICE)  # the office's own unit has no 分管 now: it is told how to file for a unit


def test_drafts_belong_to_their_proposer(meeting_db):
    item_id = file(meeting_db)
    with pytest.raises(AgendaError, match="只有提交该议题的人"):
        submit(meeting_db, item_id, who=OTHER_HEAD)
    with meeting_db.transaction() as session:
        assert delete_draft(session=session, item_id=item_id, actor=Actor.telegram(HEAD)) == "关于老旧小区改造的请示"
    with meeting_db.transaction() as session:
        assert session.get(AgendaItem, item_id) is None


def test_views_my_unit_and_waiting_for_me(meeting_db):
    draft = file(meeting_db, title="草稿议题")
    sent = file(meeting_db)
    submit(meeting_db, sent)
    other = file(meeting_db, who=OTHER_HEAD, title="关于产业园规划的请示")
    submit(meeting_db, other, who=OTHER_HEAD)
    with meeting_db.transaction() as session:
        assert {i.id for i in my_unit_items(session=session, actor=Actor.telegram(CLERK))} == {draft, sent}
        assert [i.id for i in items_waiting_for(session=session, actor=Actor.telegram(VICE))] == [sent]
        assert [i.id for i in items_waiting_for(session=session, actor=Actor.telegram(HEAD))] == [draft]
        assert items_waiting_for(session=session, actor=Actor.telegram(MAYOR)) == []
    approve(meeting_db, sent, VICE)
    with meeting_db.transaction() as session:
        assert [i.id for i in items_waiting_for(session=session, actor=Actor.telegram(MAYOR))] == [sent]


@pytest.mark.parametrize("step", ["review", "approval"])
def test_nothing_is_reviewed_or_approved_once_the_meeting_has_started(meeting_db, step):
    item_id = file(meeting_db)
    submit(meeting_db, item_id)
    if step == "approval":
        approve(meeting_db, item_id, VICE)
    waiting = state_of(meeting_db, item_id)
    who = VICE if step == "review" else MAYOR
    with pytest.raises(AgendaError, match="已经召开"):
        approve(meeting_db, item_id, who, now=STARTS + timedelta(minutes=1))
    assert state_of(meeting_db, item_id) == waiting

