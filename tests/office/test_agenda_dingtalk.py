"""Staff registered only on DingTalk (no Telegram account) take an agenda item through every step,
as the Telegram staff do; a DingTalk account the directory does not know is refused at each one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agenda_seed import HEAD, MAYOR, OFFICE, TZ, NOW, add_dingtalk_member, approve, file, give_back, seed_meeting, submit
from office.actors import Actor
from office.agenda import AgendaError, delete_draft, items_waiting_for, my_unit_items, plan_filing
from office.directory import remove_member
from storage.agenda import AgendaItem, ItemState
from storage.audit import AuditEntry
from storage.people import DINGTALK, Role

UNIT = "区文旅局"
HEAD_ON_DINGTALK = Actor.on(DINGTALK, "wenlv-head")
VICE_ON_DINGTALK = Actor.on(DINGTALK, "qian-fu")
MAYOR_ON_DINGTALK = Actor.on(DINGTALK, "mayor-ding")
STRANGER_ON_DINGTALK = Actor.on(DINGTALK, "stranger")


@pytest.fixture
def dingtalk_db(db):
    """The Telegram directory of agenda_seed, plus 区文旅局 whose 正职 and 分管副区长 are on DingTalk
    only, and a 区长 on DingTalk only in place of the Telegram one; `db.dingtalk_ids` names them."""
    seed_meeting(db)
    with db.transaction() as session:
        remove_member(session=session, actor=None, telegram_id=MAYOR)  # one 区长 at a time
    db.dingtalk_ids = {
        HEAD_ON_DINGTALK: add_dingtalk_member(db, "wenlv-head", "冯局长", UNIT, Role.UNIT_HEAD),
        VICE_ON_DINGTALK: add_dingtalk_member(db, "qian-fu", "钱副区长", "区政府", Role.VICE_MAYOR, (UNIT,)),
        MAYOR_ON_DINGTALK: add_dingtalk_member(db, "mayor-ding", "陈区长", "区政府", Role.MAYOR),
    }
    return db


def _audit_actors(db, item_id):
    with db.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "agenda_item",
                                                        AuditEntry.entity_id == item_id).order_by(AuditEntry.id))
        return [(row.action, row.actor_person_id, row.actor_telegram_id) for row in rows]


def test_a_unit_head_vice_mayor_and_mayor_on_dingtalk_only_put_an_item_on_the_agenda(dingtalk_db):
    ids = dingtalk_db.dingtalk_ids
    head, vice, mayor = ids[HEAD_ON_DINGTALK], ids[VICE_ON_DINGTALK], ids[MAYOR_ON_DINGTALK]
    with dingtalk_db.transaction() as session:
        plan = plan_filing(session=session, actor=HEAD_ON_DINGTALK, meeting_id=dingtalk_db.meeting_id,
                           title="关于文旅节的请示", now=NOW, tz=TZ)
    assert (plan.unit, plan.overseer_name, plan.reporter_name) == (UNIT, "钱副区长", "冯局长")
    item_id = file(dingtalk_db, who=HEAD_ON_DINGTALK, title="关于文旅节的请示")

    state, notices = submit(dingtalk_db, item_id, who=HEAD_ON_DINGTALK)
    assert state == ItemState.OVERSEER_REVIEW
    assert [(n.person_id, n.review_item_id) for n in notices] == [(vice, item_id)]
    with dingtalk_db.transaction() as session:
        assert [i.id for i in items_waiting_for(session=session, actor=VICE_ON_DINGTALK)] == [item_id]

    state, notices = approve(dingtalk_db, item_id, VICE_ON_DINGTALK)
    assert state == ItemState.LEADER_APPROVAL
    assert mayor in {n.person_id for n in notices if n.review_item_id == item_id}
    assert any(n.person_id == head and "已通过分管副区长钱副区长审核" in n.text for n in notices)
    with dingtalk_db.transaction() as session:
        assert [i.id for i in items_waiting_for(session=session, actor=MAYOR_ON_DINGTALK)] == [item_id]

    state, notices = approve(dingtalk_db, item_id, MAYOR_ON_DINGTALK)
    assert state == ItemState.SCHEDULED
    assert {n.person_id for n in notices} == {head, vice, None}
    assert "议题已由陈区长批准" in notices[0].text
    with dingtalk_db.transaction() as session:
        item = session.get(AgendaItem, item_id)
        assert (item.proposer_person_id, item.reviewed_by_person_id, item.approved_by_person_id) == (head, vice, mayor)
        assert [i.id for i in my_unit_items(session=session, actor=HEAD_ON_DINGTALK)] == [item_id]
    assert _audit_actors(dingtalk_db, item_id) == [
        ("drafted", head, None), ("submitted", head, None), ("reviewed", vice, None), ("approved", mayor, None)]


def test_a_vice_mayor_on_dingtalk_only_returns_an_item_and_its_head_deletes_a_draft(dingtalk_db):
    head = dingtalk_db.dingtalk_ids[HEAD_ON_DINGTALK]
    item_id = file(dingtalk_db, who=HEAD_ON_DINGTALK, title="关于文旅节的请示")
    submit(dingtalk_db, item_id, who=HEAD_ON_DINGTALK)
    state, notices = give_back(dingtalk_db, item_id, VICE_ON_DINGTALK, reason="请补充安保方案")
    assert state == ItemState.RETURNED
    assert [(n.person_id, "请补充安保方案" in n.text) for n in notices] == [(head, True)]
    draft = file(dingtalk_db, who=HEAD_ON_DINGTALK, title="关于景区票价的请示")
    with dingtalk_db.transaction() as session:
        assert delete_draft(session=session, item_id=draft, actor=HEAD_ON_DINGTALK) == "关于景区票价的请示"
    with dingtalk_db.transaction() as session:
        assert session.get(AgendaItem, draft) is None


def test_a_dingtalk_account_the_directory_does_not_know_is_refused_at_every_step(dingtalk_db):
    with pytest.raises(AgendaError, match="尚未登记"):
        file(dingtalk_db, who=STRANGER_ON_DINGTALK)
    # A DingTalk user id that happens to read like a registered Telegram id is somebody else.
    with pytest.raises(AgendaError, match="尚未登记"):
        file(dingtalk_db, who=Actor.on(DINGTALK, str(HEAD)))
    item_id = file(dingtalk_db, who=HEAD_ON_DINGTALK, title="关于文旅节的请示")
    with pytest.raises(AgendaError, match="只有提交该议题的人"):
        submit(dingtalk_db, item_id, who=STRANGER_ON_DINGTALK)
    submit(dingtalk_db, item_id, who=HEAD_ON_DINGTALK)
    for intruder in (STRANGER_ON_DINGTALK, Actor.on(DINGTALK, str(OFFICE))):
        with pytest.raises(AgendaError, match="待分管副区长钱副区长审核,您无权操作"):
            approve(dingtalk_db, item_id, intruder)
    with dingtalk_db.transaction() as session:
        with pytest.raises(AgendaError, match="尚未登记"):
            my_unit_items(session=session, actor=STRANGER_ON_DINGTALK)
        with pytest.raises(AgendaError, match="尚未登记"):
            items_waiting_for(session=session, actor=STRANGER_ON_DINGTALK)
        assert session.get(AgendaItem, item_id).state == ItemState.OVERSEER_REVIEW


def test_someone_removed_from_the_directory_can_no_longer_act_on_dingtalk(dingtalk_db):
    item_id = file(dingtalk_db, who=HEAD_ON_DINGTALK, title="关于文旅节的请示")
    submit(dingtalk_db, item_id, who=HEAD_ON_DINGTALK)
    with dingtalk_db.transaction() as session:
        remove_member(session=session, actor=None, dingtalk_id="qian-fu")
    with pytest.raises(AgendaError, match="您无权操作"):
        approve(dingtalk_db, item_id, VICE_ON_DINGTALK)
