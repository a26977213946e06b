"""/staff for admins, and the `officebot users` / `officebot export leaves` command line."""

from __future__ import annotations

from leave_harness import ADMIN, CLERK, HEAD, MAYOR, OFFICE, OFFICE_CHAT, STRANGER, VICE, running_bot
from sqlalchemy import select

from bootstrap.services import Services
from bootstrap.settings import Settings
from bot.cli import main
from handlers import staff
from handlers.conversation import Conversation
from handlers.messages import Incoming
from office.directory import add_member, find_member, overseer_of_unit
from storage.audit import AuditEntry
from storage.people import DINGTALK, Role


async def test_admin_registers_changes_and_removes_people(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        added = await chat.send(ADMIN, "/staff add 2001 陈副区长 副区长 区政府 区教委,区卫健委")
        changed = await chat.send(OFFICE, "/staff set 2001 角色=常务副区长")
        listing = await chat.send(OFFICE, "/staff")
        removed = await chat.send(ADMIN, "/staff remove 2001")
    assert "已登记" in added["text"] and "区教委、区卫健委" in added["text"]
    assert "常务副区长" in changed["text"]
    assert "陈副区长" in listing["text"] and "孙局长" in listing["text"]
    assert "已移出" in removed["text"]
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=2001) is None


async def test_non_admins_and_groups_are_refused(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        head = await chat.send(HEAD, "/staff add 2001 陈 区长 区政府")
        stranger = await chat.send(STRANGER, "/staff")
        group = await chat.send(OFFICE, "/staff", chat=OFFICE_CHAT)
    assert "仅限区政府办公室" in head["text"] and "仅限区政府办公室" in stranger["text"]
    assert "私聊" in group["text"]
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=2001) is None


async def test_nobody_raises_their_own_role(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(OFFICE, f"/staff set {OFFICE} 角色=区长")
        self_add = await chat.send(ADMIN, f"/staff add {ADMIN} 管理员 区长 区政府")
    assert "不能修改自己" in reply["text"] and "不能修改自己" in self_add["text"]
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=OFFICE).role is Role.OFFICE
        assert find_member(session=session, telegram_id=ADMIN) is None


async def test_bad_staff_input_is_explained(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        role = await chat.send(ADMIN, "/staff add 2001 陈 局长 区政府")
        usage = await chat.send(ADMIN, "/staff add 2001")
        key = await chat.send(ADMIN, f"/staff set {HEAD} 职务=局长")
    assert "未知角色「局长」" in role["text"]
    assert "用法" in usage["text"]
    assert "看不懂「职务=局长」" in key["text"]



async def test_odd_staff_input_is_explained_not_crashing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        huge = await chat.send(ADMIN, "/staff add 99999999999999999999999 陈 副区长 区政府")
        superscript = await chat.send(ADMIN, "/staff remove ²")
        long_name = await chat.send(ADMIN, "/staff add 2001 " + "陈" * 100 + " 副区长 区政府")
        long_unit = await chat.send(ADMIN, "/staff add 2002 陈 部门正职 " + "局" * 200)
        long_set = await chat.send(ADMIN, f"/staff set {HEAD} 单位=" + "局" * 200)
    assert "不是有效的 ID" in huge["text"] and "不是有效的 ID" in superscript["text"]
    assert "姓名太长" in long_name["text"]
    assert "单位名称太长" in long_unit["text"] and "单位名称太长" in long_set["text"]
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=2001) is None
        assert find_member(session=session, telegram_id=2002) is None
        assert find_member(session=session, telegram_id=HEAD).unit == "区财政局"

def test_an_office_member_on_dingtalk_only_administers_the_directory(db, tmp_path, clock):
    services = Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db, clock=clock)
    with db.transaction() as session:
        office = add_member(session=session, actor=None, dingtalk_id="office01", name="钱主任", unit="区政府办公室",
                            role=Role.OFFICE)
        add_member(session=session, actor=None, dingtalk_id="head02", name="孙局长", unit="区财政局", role=Role.UNIT_HEAD)
    conversation = Conversation(services, [staff])

    def send(account: str, text: str) -> str:
        incoming = Incoming(DINGTALK, account, True, account, text=text)
        return "\n".join(reply.text.plain() for reply in conversation.respond(incoming).replies)

    assert "已登记:钉钉:wang03 王科员 区教委 工作人员" in send("office01", "/staff add 钉钉:wang03 王科员 工作人员 区教委")
    assert "已修改:钉钉:wang03 王科员 区卫健委" in send("office01", "/staff set 钉钉:wang03 单位=区卫健委")
    assert "王科员" in send("office01", "/staff")
    assert "不能修改自己" in send("office01", "/staff set 钉钉:office01 角色=区长")
    assert "仅限区政府办公室" in send("head02", "/staff remove 钉钉:wang03")  # in the directory, not an admin
    assert "仅限区政府办公室" in send("nobody09", "/staff remove 钉钉:wang03")  # not in the directory
    assert "已移出名录:王科员" in send("office01", "/staff remove 钉钉:wang03")
    with db.transaction() as session:
        assert find_member(session=session, channel=DINGTALK, account="wang03") is None
        assert find_member(session=session, channel=DINGTALK, account="office01").role is Role.OFFICE
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "person").order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows[2:]] == [
        ("created", office.person_id, None), ("updated", office.person_id, None), ("removed", office.person_id, None)]


def test_cli_users_and_leave_export(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    from bootstrap.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["users", "add", "--telegram-id", "1001", "--name", "张三", "--role", "副区长", "--unit", "区政府",
                     "--oversees", "区财政局,区审计局"]) == 0
        assert main(["users", "add", "--telegram-id", "1002", "--name", "李四", "--role", "部门正职",
                     "--unit", "区财政局"]) == 0
        assert main(["users", "set", "--telegram-id", "1001", "--role", "常务副区长"]) == 0
        assert main(["users", "add", "--telegram-id", "1004", "--name", "赵六", "--role", "副区长", "--unit", "区政府",
                     "--oversees", "区审计局"]) == 2
        second_overseer = capsys.readouterr().err
        assert main(["users", "add", "--telegram-id", "1004", "--name", "赵六", "--role", "副区长", "--unit", "区政府"]) == 0
        assert main(["users", "transfer", "--unit", "区审计局", "--to", "1004"]) == 0
        transferred = capsys.readouterr().out
        assert main(["users", "add", "--telegram-id", "1003", "--name", "王五", "--role", "局长", "--unit", "x"]) == 2
        assert main(["users", "list"]) == 0
        listing = capsys.readouterr().out
        assert main(["users", "remove", "--telegram-id", "1002"]) == 0
        assert main(["export", "leaves", "--csv", str(tmp_path / "leaves.csv")]) == 0
        capsys.readouterr()
        assert main(["users", "reassign", "--from", "1002", "--to", "1001"]) == 0  # nothing waits for 李四
        assert main(["users", "reassign", "--from", "1002", "--to", "4040"]) == 2
        handed, refused = capsys.readouterr()
    finally:
        get_settings.cache_clear()
    assert "区审计局已由常务副区长张三(ID 1001)分管" in second_overseer
    assert "officebot users transfer --unit 区审计局 --to 1004" in second_overseer
    assert "已将区审计局的分管副区长由张三改为赵六" in transferred
    assert "1001 张三 区政府 常务副区长 分管:区财政局" in listing and "1004 赵六 区政府 副区长 分管:区审计局" in listing
    assert "1002 李四" in listing
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=1002) is None
    assert (tmp_path / "leaves.csv").read_text(encoding="utf-8-sig").startswith("编号,姓名,单位")
    assert "已将 0 项待办转交张三" in handed and "不在名录" in refused


async def test_a_second_vice_mayor_for_a_unit_is_refused_until_the_unit_is_handed_over(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(HEAD, "/leave 出差 明天 后天 上海 参加长三角协作会")
        await chat.press(HEAD, card, "确认提交")
        await chat.next_message(VICE, containing="请审批")
        refused = await chat.send(ADMIN, "/staff add 2001 陈副区长 副区长 区政府 区教委,区财政局")
        added = await chat.send(ADMIN, "/staff add 2001 陈副区长 副区长 区政府 区教委")
        chat.api.add_user(2001, "陈副区长")
        await chat.send(2001, "/start")
        successor_before = chat.last_id(2001)
        moved = await chat.send(ADMIN, "/staff transfer 区财政局 2001")
        handed_card = await chat.next_message(2001, after=successor_before, containing="转交")
    assert "区财政局已由副区长赵副区长(ID 13)分管" in refused["text"]
    assert "/staff transfer 区财政局 2001" in refused["text"]
    assert "已登记" in added["text"]
    assert "由赵副区长改为陈副区长" in moved["text"] and "请假审批 1 项" in moved["text"]
    assert "孙局长" in handed_card["text"]
    with db.transaction() as session:
        assert overseer_of_unit(session=session, unit="区财政局").name == "陈副区长"
        assert find_member(session=session, telegram_id=VICE).oversees == ()


async def test_a_departed_approvers_open_decisions_go_to_the_successor(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        mayor_before, vice_before = chat.last_id(MAYOR), chat.last_id(VICE)
        card = await chat.send(HEAD, "/leave 出差 今天 明天 上海 参加长三角协作会")
        await chat.press(HEAD, card, "确认提交")
        old_card = await chat.next_message(VICE, after=vice_before, containing="请审批")
        await chat.next_message(MAYOR, after=mayor_before, containing="请审批")

        await chat.send(ADMIN, f"/staff remove {VICE}")
        added = await chat.send(ADMIN, "/staff add 2001 陈副区长 副区长 区政府 区财政局")
        assert "已登记" in added["text"]
        wrong = await chat.send(ADMIN, f"/staff reassign {VICE} {CLERK}")
        assert "不能接替" in wrong["text"]
        chat.api.add_user(2001, "陈副区长")
        await chat.send(2001, "/start")  # the bot can only message people who have opened a chat with it
        successor_before = chat.last_id(2001)
        moved = await chat.send(ADMIN, f"/staff reassign {VICE} 2001")
        assert "已将 1 项待办转交陈副区长" in moved["text"]
        new_card = await chat.next_message(2001, after=successor_before, containing="转交")

        # The old card no longer decides anything; the successor's does, and the report is approved.
        refused = await chat.press(VICE, old_card, "同意")
        assert refused["show_alert"]
        await chat.press(MAYOR, chat.current(await chat.next_message(MAYOR, containing="请审批")), "同意")
        head_before = chat.last_id(HEAD)
        await chat.press(2001, new_card, "同意")
        assert "已批准" in (await chat.next_message(HEAD, after=head_before, containing="已批准"))["text"]


async def test_the_admin_is_told_when_the_successor_cannot_be_reached(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(HEAD, "/leave 出差 明天 后天 上海 参加长三角协作会")
        await chat.press(HEAD, card, "确认提交")
        await chat.next_message(VICE, containing="请审批")
        await chat.send(ADMIN, f"/staff remove {VICE}")
        await chat.send(ADMIN, "/staff add 2001 陈副区长 副区长 区政府 区财政局")
        moved = await chat.send(ADMIN, f"/staff reassign {VICE} 2001")  # 2001 never opened a chat with the bot
        warning = await chat.next_message(ADMIN, after=moved["message_id"], containing="尚未私聊启动机器人")
    assert "已将 1 项待办转交陈副区长" in moved["text"]
    assert warning["text"].startswith("陈副区长尚未私聊启动机器人,未能送达审批消息")
