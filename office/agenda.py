"""Agenda items (议题) for district government meetings, from filing to the agenda (第四十八至五十二条).

Workflow: 草拟 → 待分管副区长审核 → 待区长/常务副区长批准 → 已列入议程, or 退回 with a reason at
any step. The 分管副区长 is the one the directory names for the proposing unit; either the 区长 or
the 常务副区长 approves (never the same person who reviewed it). Each step returns `Notice`s: the
next reviewer gets the buttons, the proposer hears of every change, the office group of the result.

Who files: a 部门正职 for their unit, or 办公室 staff for their own unit or on behalf of another
(`on_behalf_of`, typed 「代 区财政局」): the item then takes that unit's route — its 分管副区长 reviews,
its 正职 reports (第五十二条) and is told when it is submitted. An item filed by the office for a
unit is one whose proposing unit is not its proposer's (no column records it; the audit row does).

Try it: `/agenda 2026-12-09 常务会议 关于XX的请示` (then answer the form), `/agenda 2026-12-09`,
`/agenda mine`, `/agenda todo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy.orm import Session

from office.agenda_checks import (
    LEGALITY_ATTACHED,
    LEGALITY_HANDED_IN,
    MATERIALS_RULE_TYPES,
    AgendaRuleError,
    ItemFacts,
    check_deadline,
    check_facts,
    is_late,
)
from office.actors import Actor, record_audit
from office.directory import (
    NOT_REGISTERED,
    DirectoryError,
    StaffMember,
    acting_member,
    members_with_role,
    overseer_of_unit,
)
from office.meetings import MeetingError, MeetingPick, find_meeting, format_moment, materials_due, meeting_label
from office.notices import Notice
from storage.agenda import (
    AgendaItem,
    ItemState,
    Meeting,
    MeetingType,
    item_by_id,
    items_in_state,
    items_of_meeting,
    items_of_unit,
    live_title_exists,
    meeting_by_id,
    next_position,
)
from storage.people import Role

FILER_ROLES = (Role.UNIT_HEAD, Role.OFFICE)
APPROVER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR)
OFFICE_GROUP = "区政府办公室群"
MAX_TITLE = 200


class AgendaError(ValueError):
    """An agenda operation that was refused; the message (Chinese) says what to fix."""


@dataclass(frozen=True)
class FilingPlan:
    """What the filer is told before answering the form: the meeting, the people, the due time."""

    meeting_id: int
    meeting_kind: MeetingType
    meeting_text: str
    title: str
    unit: str
    on_behalf: bool  # filed by the office for `unit`
    overseer_name: str
    reporter_name: str
    due_at: datetime | None
    due_text: str  # "" when 第四十八条 sets no deadline for this meeting type
    late: bool


@dataclass
class Outcome:
    item: AgendaItem
    notices: list[Notice] = field(default_factory=list)


# --- filing ---------------------------------------------------------------------------------


def _member(session: Session, actor: Actor, *, unregistered: str = NOT_REGISTERED) -> StaffMember:
    member = acting_member(session=session, actor=actor)
    if member is None:
        raise AgendaError(unregistered)
    return member


def _filer(session: Session, actor: Actor, on_behalf_of: str | None = None) -> tuple[StaffMember, str]:
    """The filer and the proposing unit: their own, or (办公室 only) the unit they file for."""
    member = _member(session, actor, unregistered="您尚未登记在区政府人员名录中,请联系区政府办公室登记后再提交议题。")
    if member.role not in FILER_ROLES:
        raise AgendaError("议题由议题提出部门的正职或区政府办公室提交;请由本单位正职提交。")
    unit = (on_behalf_of or "").strip() or member.unit
    if unit != member.unit and member.role is not Role.OFFICE:
        raise AgendaError(f"只有区政府办公室可以代其他单位提交议题;{unit}的议题请由该单位正职提交。")
    return member, unit


def _reporter(session: Session, filer: StaffMember, unit: str) -> StaffMember:
    # 第五十二条: the proposing unit's 正职 reports the item at the meeting.
    if filer.role is Role.UNIT_HEAD:
        return filer
    heads = [m for m in members_with_role(session=session, role=Role.UNIT_HEAD) if m.unit == unit]
    if heads:
        return heads[0]
    # The directory has no separate role for the 办公室主任 (SPEC §2 counts them as 办公室), so an
    # office filer of its own unit without a registered 部门正职 reports the item themself.
    if filer.role is Role.OFFICE and unit == filer.unit:
        return filer
    raise AgendaError(f"第五十二条:议题原则上由议题提出部门正职汇报,名录中没有{unit}的部门正职,请先登记。")


def _overseer(session: Session, unit: str, filer: StaffMember) -> StaffMember:
    try:
        overseer = overseer_of_unit(session=session, unit=unit)
    except DirectoryError as error:
        raise AgendaError(str(error)) from None
    if overseer is None:
        hint = ""
        if filer.role is Role.OFFICE and unit == filer.unit:
            hint = "如代其他单位提交,请在议题名称前写「代 单位名称」,例如:/agenda 2026-12-16 常务会议 代 区财政局 关于XX的请示。"
        raise AgendaError(f"第四十八条:议题须由分管副区长协调并审核,名录中没有{unit}的分管副区长,请联系区政府办公室登记。{hint}")
    return overseer


ON_BEHALF = "代"


def split_on_behalf(words: list[str]) -> tuple[str | None, list[str]]:
    """「代 区财政局 关于XX的请示」 → ("区财政局", ["关于XX的请示"]): the unit the office files for,
    written as a word of its own before the title (a title may itself begin with 代)."""
    if len(words) >= 2 and words[0] == ON_BEHALF:
        return words[1], words[2:]
    return None, words


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise AgendaError("请写明议题名称,例如:/agenda 2026-12-09 常务会议 关于XX的请示")
    if len(title) > MAX_TITLE:
        raise AgendaError(f"议题名称过长(最多 {MAX_TITLE} 字)。")
    return title


def _open_meeting(meeting: Meeting, now: datetime, tz: tzinfo, *, doing: str = "提交议题") -> None:
    if meeting.cancelled:
        raise AgendaError(f"{meeting_label(meeting, tz)}已取消,不能再{doing}。")
    if meeting.starts_at <= now:
        raise AgendaError(f"{meeting_label(meeting, tz)}已经召开,不能再{doing}。")


FILING_PICK_EXAMPLE = "例如 /agenda {day} {time} {kind} 议题名称,或 /agenda {day} #{id} 议题名称"


def meeting_for_filing(*, session: Session, day: date, tz: tzinfo, pick: MeetingPick = MeetingPick()) -> int:
    """The id of the meeting a one-line filing names by day (and type, start time or number)."""
    example = FILING_PICK_EXAMPLE.replace("{day}", day.isoformat())
    try:
        return find_meeting(session=session, day=day, pick=pick, tz=tz, example=example).id
    except MeetingError as error:
        raise AgendaError(str(error)) from None


def plan_filing(
    *, session: Session, actor: Actor, meeting_id: int, title: str, now: datetime, tz: tzinfo,
    on_behalf_of: str | None = None,
) -> FilingPlan:
    """Check who files what for which meeting (and for which unit), before the form asks the rest
    (writes nothing)."""
    filer, unit = _filer(session, actor, on_behalf_of)
    meeting = meeting_by_id(session, meeting_id)
    if meeting is None:
        raise AgendaError(f"没有编号为 {meeting_id} 的会议,请用 /meetings 查看近期会议。")
    _open_meeting(meeting, now, tz)
    title = _clean_title(title)
    if live_title_exists(session, meeting.id, title):
        raise AgendaError(f"该会议已有同名议题「{title}」,请勿重复提交(可用 /agenda mine 查看)。")
    due = materials_due(meeting)
    return FilingPlan(
        meeting_id=meeting.id,
        meeting_kind=meeting.kind_enum,
        meeting_text=meeting_label(meeting, tz),
        title=title,
        unit=unit,
        on_behalf=unit != filer.unit,
        overseer_name=_overseer(session, unit, filer).name,
        reporter_name=_reporter(session, filer, unit).name,
        due_at=due,
        due_text=format_moment(due, tz) if due else "",
        late=is_late(due_at=due, submitted_at=now),
    )


def file_item(
    *, session: Session, actor: Actor, meeting_id: int, title: str, facts: ItemFacts, now: datetime, tz: tzinfo,
    on_behalf_of: str | None = None,
) -> AgendaItem:
    """Save a checked item as 草拟 (all rules re-checked here, whatever the form asked)."""
    plan = plan_filing(session=session, actor=actor, meeting_id=meeting_id, title=title, now=now, tz=tz,
                       on_behalf_of=on_behalf_of)
    try:
        check_facts(plan.meeting_kind, facts)
        urgent = check_deadline(due_at=plan.due_at, submitted_at=now, facts=facts, due_text=plan.due_text)
    except AgendaRuleError as error:
        raise AgendaError(str(error)) from None
    filer, unit = _filer(session, actor, on_behalf_of)
    item = AgendaItem(
        meeting_id=plan.meeting_id,
        title=plan.title,
        summary=facts.summary.strip(),
        proposing_unit=unit,
        proposer_person_id=filer.person_id,
        overseer_person_id=_overseer(session, unit, filer).person_id,
        reporter_person_id=_reporter(session, filer, unit).person_id,
        other_units=list(facts.other_units),
        opinions_sought=facts.opinions_sought,
        opinions_agreed=facts.opinions_agreed,
        disagreement=(facts.disagreement or "").strip() or None,
        major_matter=facts.major_matter,
        normative_document=facts.normative_document,
        legality_review=facts.legality_review if (facts.major_matter or facts.normative_document) else None,
        legality_file_id=facts.legality_file_id,
        legality_file_name=facts.legality_file_name,
        article50_answers=dict(facts.article50),
        urgent=urgent,
        urgent_reason=facts.urgent_reason.strip() if urgent and facts.urgent_reason else None,
        due_at=plan.due_at,
        state=ItemState.DRAFT.value,
    )
    session.add(item)
    session.flush()
    record_audit(
        session, actor, action="drafted", entity="agenda_item", entity_id=item.id,
        detail={"meeting_id": plan.meeting_id, "title": plan.title, "urgent": urgent}
        | ({"on_behalf_of": unit} if plan.on_behalf else {}),
    )
    return item


def _own_draft(session: Session, item_id: int, actor: Actor) -> AgendaItem:
    item = item_by_id(session, item_id, for_update=True)
    if item is None:
        raise AgendaError(f"没有编号为 {item_id} 的议题。")
    member = acting_member(session=session, actor=actor)
    if member is None or member.person_id != item.proposer_person_id:
        raise AgendaError("只有提交该议题的人可以操作这份草稿。")
    if item.state_enum is not ItemState.DRAFT:
        raise AgendaError(f"该议题当前状态为「{item.state}」,不是草稿。")
    return item


def submit_item(*, session: Session, item_id: int, actor: Actor, now: datetime, tz: tzinfo) -> Outcome:
    """报送: the draft goes to the 分管副区长; the 3-day rule is judged at this moment."""
    item = _own_draft(session, item_id, actor)
    _open_meeting(item.meeting, now, tz)
    due_text = format_moment(item.due_at, tz) if item.due_at else ""
    facts = ItemFacts(urgent=item.urgent, urgent_reason=item.urgent_reason)
    try:
        check_deadline(due_at=item.due_at, submitted_at=now, facts=facts, due_text=due_text)
    except AgendaRuleError as error:
        raise AgendaError(f"{error} 请删除此草稿,按特殊紧急情况重新填报。") from None
    item.state, item.submitted_at = ItemState.OVERSEER_REVIEW.value, now
    record_audit(
        session, actor, action="submitted", entity="agenda_item", entity_id=item.id,
        detail={"urgent": item.urgent, "due_at": item.due_at.isoformat() if item.due_at else None},
    )
    label = item_label(item, tz)
    notices = [review_request(item, tz, reviewer_person_id=item.overseer_person_id, reviewer_name=item.overseer.name)]
    if item.proposing_unit != item.proposer.unit and item.reporter_person_id != item.proposer_person_id:
        notices.append(Notice(
            f"区政府办公室{item.proposer.name}代{item.proposing_unit}报送议题:{label},待分管副区长{item.overseer.name}审核;"
            f"议题原则上由您在会上汇报(第五十二条)。", person_id=item.reporter_person_id,
            recipient=f"汇报人{item.reporter.name}"))
    if item.urgent:
        flag = f"⚠️ 特殊紧急议题(逾期报送,截止{due_text}):{label}\n紧急理由:{item.urgent_reason}"
        notices.append(Notice(flag, recipient=OFFICE_GROUP))
        notices += [Notice(flag, person_id=leader.person_id, recipient=_as_recipient(leader))
                    for leader in _approvers(session, item)]
    return Outcome(item, notices)


def delete_draft(*, session: Session, item_id: int, actor: Actor) -> str:
    """Drop one's own draft (the audit log keeps that it existed); returns its title."""
    item = _own_draft(session, item_id, actor)
    title = item.title
    record_audit(session, actor, action="draft_deleted", entity="agenda_item", entity_id=item.id,
                 detail={"title": title})
    session.delete(item)
    return title


# --- review ---------------------------------------------------------------------------------


def _approvers(session: Session, item: AgendaItem) -> list[StaffMember]:
    """The 区长 and 常务副区长 who may approve, minus the one who reviewed the item as 分管 (and
    its 分管副区长 now, should the review have been handed on)."""
    leaders = [m for role in APPROVER_ROLES for m in members_with_role(session=session, role=role)]
    excluded = {item.overseer_person_id, item.reviewed_by_person_id}
    return [m for m in leaders if m.person_id not in excluded]


def _reviewable(session: Session, item_id: int, actor: Actor) -> tuple[AgendaItem, StaffMember]:
    """The item and the reviewer, if the actor is the one the directory names for its current step."""
    item = item_by_id(session, item_id, for_update=True)
    if item is None:
        raise AgendaError(f"没有编号为 {item_id} 的议题。")
    reviewer = acting_member(session=session, actor=actor)
    state = item.state_enum
    if state is ItemState.OVERSEER_REVIEW:
        if reviewer is None or reviewer.person_id != item.overseer_person_id:
            raise AgendaError(f"该议题待分管副区长{item.overseer.name}审核,您无权操作。")
    elif state is ItemState.LEADER_APPROVAL:
        if reviewer is None or reviewer.person_id not in {m.person_id for m in _approvers(session, item)}:
            raise AgendaError("该议题待区长或常务副区长批准(审核人不能同时批准),您无权操作。")
    else:
        raise AgendaError(f"该议题当前状态为「{item.state}」,没有待办的审核。")
    return item, reviewer


def check_reviewer(*, session: Session, item_id: int, actor: Actor) -> str:
    """Refuse (AgendaError) unless this person may act on the item now; returns its title."""
    item, _ = _reviewable(session, item_id, actor)
    return item.title


def approve_item(*, session: Session, item_id: int, actor: Actor, now: datetime, tz: tzinfo) -> Outcome:
    """The current step passes: review → approval, or approval → 已列入议程 (appended to the agenda).
    Not once the meeting has started or been cancelled: the item can no longer be put on its agenda."""
    item, reviewer = _reviewable(session, item_id, actor)
    _open_meeting(item.meeting, now, tz, doing="审核或批准议题")
    label = item_label(item, tz)
    if item.state_enum is ItemState.OVERSEER_REVIEW:
        item.state, item.reviewed_by_person_id = ItemState.LEADER_APPROVAL.value, reviewer.person_id
        action = "reviewed"
        notices = [Notice(f"请批准议题:{label}\n{item_details(item)}", person_id=leader.person_id, review_item_id=item.id,
                          attachment_file_id=item.legality_file_id, recipient=_as_recipient(leader))
                   for leader in _approvers(session, item)]
        notices.append(Notice(f"您的议题已通过分管副区长{reviewer.name}审核,待区长/常务副区长批准:{label}",
                              person_id=item.proposer_person_id, recipient=f"提出人{item.proposer.name}"))
    else:
        item.state, item.approved_by_person_id = ItemState.SCHEDULED.value, reviewer.person_id
        item.position = next_position(session, item.meeting_id)
        action = "approved"
        text = f"议题已由{reviewer.name}批准,列入{meeting_label(item.meeting, tz)}议程第 {item.position} 项:{item.title}"
        notices = [Notice(text, person_id=item.proposer_person_id, recipient=f"提出人{item.proposer.name}"),
                   Notice(text, person_id=item.overseer_person_id, recipient=f"分管副区长{item.overseer.name}"),
                   Notice(text, recipient=OFFICE_GROUP)]
    record_audit(session, actor, action=action, entity="agenda_item", entity_id=item.id,
                 detail={"state": item.state})
    return Outcome(item, notices)


def return_item(*, session: Session, item_id: int, actor: Actor, reason: str, tz: tzinfo) -> Outcome:
    """退回 at the current step, with a reason the proposer reads."""
    reason = reason.strip()
    if not reason:
        raise AgendaError("退回须说明理由。")
    item, reviewer = _reviewable(session, item_id, actor)
    step = item.state
    item.state, item.return_reason, item.returned_by_person_id = ItemState.RETURNED.value, reason, reviewer.person_id
    record_audit(session, actor, action="returned", entity="agenda_item", entity_id=item.id,
                 detail={"step": step, "reason": reason})
    text = f"议题被{reviewer.name}退回({step}):{item_label(item, tz)}\n理由:{reason}"
    notices = [Notice(text, person_id=item.proposer_person_id, recipient=f"提出人{item.proposer.name}")]
    if item.overseer_person_id != reviewer.person_id:
        notices.append(Notice(text, person_id=item.overseer_person_id, recipient=f"分管副区长{item.overseer.name}"))
    return Outcome(item, notices)


# --- views ----------------------------------------------------------------------------------


def review_request(
    item: AgendaItem, tz: tzinfo, *, reviewer_person_id: int, reviewer_name: str, handed_over_from: str | None = None,
) -> Notice:
    """The 分管副区长's 请审核 message, with the buttons' item id."""
    via = f"(由{handed_over_from}转交)" if handed_over_from else ""
    return Notice(f"请审核议题{via}:{item_label(item, tz)}\n{item_details(item)}", person_id=reviewer_person_id,
                  review_item_id=item.id, attachment_file_id=item.legality_file_id, recipient=f"分管副区长{reviewer_name}")


def _as_recipient(member: StaffMember) -> str:
    return f"{member.role.value}{member.name}"


def item_label(item: AgendaItem, tz: tzinfo) -> str:
    urgent = "【特殊紧急】" if item.urgent else ""
    return f"#{item.id} {urgent}{item.title}({item.proposing_unit},{meeting_label(item.meeting, tz)})"


def item_card(item: AgendaItem, tz: tzinfo) -> str:
    """An item as its reviewer and approver read it: label, current state (only that), details."""
    return f"{item_label(item, tz)}\n当前状态:{item.state}\n{item_details(item)}"


def item_details(item: AgendaItem) -> str:
    """What the item records that a reviewer decides on, one fact per line: 主要内容, who reviews
    and reports, the units involved and their opinions with any remaining disagreement (第四十九条),
    the legality review (第五十一条). Questions the meeting type did not ask are left out."""
    lines = [f"主要内容:{item.summary}", f"分管副区长:{item.overseer.name};汇报人:{item.reporter.name}(第五十二条)"]
    asked = item.meeting.kind_enum in MATERIALS_RULE_TYPES
    if item.other_units:
        lines.append(f"涉及单位:{'、'.join(item.other_units)}(第四十九条)")
        sought = "已征求相关单位意见" if item.opinions_sought else "未征求相关单位意见"
        lines.append(f"各单位意见:{sought},{'已达成一致' if item.opinions_agreed else '未达成一致'}")
        if item.disagreement:
            lines.append(f"仍存在的分歧:{item.disagreement}")
    elif asked:
        lines.append("涉及单位:不涉及其他部门或单位(第四十九条)")
    if item.major_matter or item.normative_document:
        kinds = "、".join(k for k, on in (("重大事项", item.major_matter), ("规范性文件", item.normative_document)) if on)
        lines.append(f"{kinds}:合法性审查意见{_legality_text(item)}(第五十一条)")
    elif asked:
        lines.append("合法性审查:非重大事项、非规范性文件,无需附具(第五十一条)")
    if item.urgent:
        lines.append(f"特殊紧急情况:{item.urgent_reason}")
    if item.return_reason:
        lines.append(f"退回理由:{item.return_reason}")
    return "\n".join(lines)


def _legality_text(item: AgendaItem) -> str:
    if item.legality_review == LEGALITY_ATTACHED:
        return f"附件 {item.legality_file_name or ''}".strip()
    if item.legality_review == LEGALITY_HANDED_IN:
        return "已送交区政府办公室"
    return "未记录"


def meeting_agenda(*, session: Session, meeting: Meeting) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """(the scheduled items in agenda order, the items still under review)."""
    scheduled = items_of_meeting(session, meeting.id, states=[ItemState.SCHEDULED])
    pending = items_of_meeting(session, meeting.id, states=[ItemState.OVERSEER_REVIEW, ItemState.LEADER_APPROVAL])
    return scheduled, pending


def my_unit_items(*, session: Session, actor: Actor) -> list[AgendaItem]:
    return items_of_unit(session, _member(session, actor).unit)


def items_waiting_for(*, session: Session, actor: Actor) -> list[AgendaItem]:
    """Items whose next step is this person's: reviews, approvals, and their own unsent drafts."""
    member = _member(session, actor)
    waiting = items_in_state(session, ItemState.OVERSEER_REVIEW, overseer_person_id=member.person_id)
    if member.role in APPROVER_ROLES:
        waiting += [i for i in items_in_state(session, ItemState.LEADER_APPROVAL) if i.overseer_person_id != member.person_id]
    waiting += [i for i in items_in_state(session, ItemState.DRAFT) if i.proposer_person_id == member.person_id]
    return waiting
