"""Who sent a message is looked up by the channel's account, so one person is known on each channel."""

from __future__ import annotations

from handlers.messages import Incoming, Reply
from handlers.senders import ANONYMOUS_REFUSED, NOT_REGISTERED, sender_actor, sender_is_admin, sender_member
from office.directory import acting_member, add_member
from storage.people import Role


def _incoming(channel: str, account: str) -> Incoming:
    return Incoming(channel=channel, chat_id=account, private=True, account=account, text="/deadlines")


def test_the_same_person_is_recognised_on_telegram_and_on_dingtalk(db):
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=1001, dingtalk_id="office01",
                   name="周主任", unit="区政府办公室", role=Role.OFFICE)
    with db.transaction() as session:
        on_telegram = sender_member(session, _incoming("telegram", "1001"))
        on_dingtalk = sender_member(session, _incoming("dingtalk", "office01"))
        assert on_telegram == on_dingtalk and not isinstance(on_dingtalk, Reply) and on_dingtalk.name == "周主任"
        assert sender_is_admin(session, _incoming("dingtalk", "office01"), settings_admin_ids=[])


def test_an_account_is_only_valid_on_its_own_channel(db):
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=1001, name="甲", unit="区财政局",
                   role=Role.STAFF)
    with db.transaction() as session:
        refused = sender_member(session, _incoming("dingtalk", "1001"))  # a DingTalk user whose id looks alike
        assert isinstance(refused, Reply) and refused.text.plain() == NOT_REGISTERED
        # ADMIN_TELEGRAM_IDS are Telegram ids: a DingTalk account that merely looks like one is no admin.
        assert not sender_is_admin(session, _incoming("dingtalk", "7"), settings_admin_ids=[7])
        assert sender_is_admin(session, _incoming("telegram", "7"), settings_admin_ids=[7])


def test_an_admin_by_telegram_id_is_an_admin_on_dingtalk_too_when_registered_on_both(db):
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=7, dingtalk_id="chief07", name="乙", unit="区财政局",
                   role=Role.UNIT_HEAD)
        add_member(session=session, actor=None, dingtalk_id="head08", name="丙", unit="区财政局",
                   role=Role.UNIT_HEAD)
    with db.transaction() as session:
        assert sender_is_admin(session, _incoming("dingtalk", "chief07"), settings_admin_ids=[7])
        assert not sender_is_admin(session, _incoming("dingtalk", "head08"), settings_admin_ids=[7])
        assert not sender_is_admin(session, _incoming("dingtalk", "chief07"), settings_admin_ids=[])


def test_the_sender_acts_as_their_account_and_the_anonymous_admin_is_refused(db):
    with db.transaction() as session:
        member = add_member(session=session, actor=None, dingtalk_id="office01", name="周主任", unit="区政府办公室",
                            role=Role.OFFICE)
    actor = sender_actor(_incoming("dingtalk", "office01"))
    anonymous = sender_actor(Incoming(channel="telegram", chat_id="-100", private=False, account=None, text="/staff"))
    assert isinstance(anonymous, Reply) and anonymous.text.plain() == ANONYMOUS_REFUSED
    with db.transaction() as session:
        assert acting_member(session=session, actor=actor) == member
        assert acting_member(session=session, actor=sender_actor(_incoming("dingtalk", "nobody09"))) is None
