"""The checks of 第四十八条 to 第五十二条 that an agenda item (议题) must pass before it is filed.

Each check raises `AgendaRuleError` whose message names the article (and clause) that blocks the
item and says what to fix. They work on plain data (`ItemFacts`), so the Telegram form, the
command line and the tests ask the same questions. Try it::

    >>> check_article_50({"一": False, "二": True, "三": False, "四": False, "五": False, "六": False})
    Traceback (most recent call last):
    ...
    office.agenda_checks.AgendaRuleError: 根据第五十条第(二)项,「属于各部门、单位职责范围内的事项」不提交区政府全体会议、区政府常务会议、区长专题会议审议,本议题不予受理。

Counting the 3 days of 第四十八条 (this text is copied into the README):

    "至少于会议召开前3天报送" is counted in calendar days, hour for hour: the materials of a
    区政府常务会议 or 区长专题会议 are due at the meeting's start time minus 3 × 24 hours, Beijing
    time (a meeting on Wednesday 2026-12-09 09:00 → due Sunday 2026-12-06 09:00). Weekends and
    public holidays count like any other day; nothing moves to a working day. An item counts as
    报送 when its proposer submits it (草拟 → 待分管副区长审核): submitting exactly at the due time is
    on time, any later is late. The bot shows the due time before the filer confirms. A late item is
    accepted only as 特殊紧急情况 with a stated reason; it is then marked urgent and flagged to
    区政府办公室 and to the 区长 / 常务副区长 who approve it. 区政府全体会议 and 副区长专题会议 have no
    such deadline in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.agenda import MeetingType

MATERIALS_RULE_TYPES = (MeetingType.EXECUTIVE, MeetingType.MAYOR_TOPIC)  # 第四十八、四十九、五十一条
ARTICLE_50_TYPES = (MeetingType.PLENARY, MeetingType.EXECUTIVE, MeetingType.MAYOR_TOPIC)

# The review request carries these texts (with the title) in one Telegram message (≤ 4096 characters).
MAX_SUMMARY = 1000
MAX_DISAGREEMENT = 1000
MAX_UNITS_TEXT = 300
MAX_URGENT_REASON = 500

LEGALITY_ATTACHED = "附件"
LEGALITY_HANDED_IN = "已送达"


class AgendaRuleError(ValueError):
    """An item the rules do not let through; the message names the article."""


@dataclass(frozen=True)
class Clause:
    number: str  # 一 … 六
    text: str  # the clause exactly as 第五十条 words it
    question: str  # asked so that 是 means "the item falls under this clause"


# 第五十条: items under any of these are not submitted to the 全体会议, 常务会议 or 区长专题会议.
# (The bundled text prints the fifth numeral as an empty "()"; it is clause (五).)
ARTICLE_50 = (
    Clause("一", "常务副区长、分管副区长在其职责范围内能够解决或能够共同研究解决的事项",
           "常务副区长、分管副区长在其职责范围内能够解决或能够共同研究解决吗?"),
    Clause("二", "属于各部门、单位职责范围内的事项", "该事项属于各部门、单位职责范围内的事项吗?"),
    Clause("三", "部门、单位和其他部门、单位通过协调或协商能够解决的事项",
           "部门、单位和其他部门、单位通过协调或协商能够解决吗?"),
    Clause("四", "会前未经充分协调和论证的事项", "该事项会前尚未经充分协调和论证吗?"),
    Clause("五", "涉及公众切身利益、需要社会广泛知晓的重大决策,会前未完成社会征求意见的事项",
           "该事项是涉及公众切身利益、需要社会广泛知晓的重大决策,且会前未完成社会征求意见吗?"),
    Clause("六", "其他不属于会议议事范围的事项", "该事项属于其他不属于会议议事范围的事项吗?"),
)


@dataclass
class ItemFacts:
    """What the filer states about an item; the form fills it step by step."""

    summary: str = ""
    other_units: tuple[str, ...] = ()
    opinions_sought: bool = False
    opinions_agreed: bool = False
    disagreement: str | None = None
    major_matter: bool = False
    normative_document: bool = False
    legality_review: str | None = None  # LEGALITY_ATTACHED | LEGALITY_HANDED_IN
    legality_file_id: str | None = None
    legality_file_name: str | None = None
    article50: dict[str, bool] = field(default_factory=dict)  # clause number → falls under it
    urgent: bool = False
    urgent_reason: str | None = None


def check_article_50(answers: dict[str, bool]) -> None:
    """Every clause answered, none applies."""
    for clause in ARTICLE_50:
        if clause.number not in answers:
            raise AgendaRuleError(f"请回答第五十条第({clause.number})项:{clause.question}")
        if answers[clause.number]:
            raise AgendaRuleError(
                f"根据第五十条第({clause.number})项,「{clause.text}」不提交区政府全体会议、区政府常务会议、"
                "区长专题会议审议,本议题不予受理。"
            )


def check_article_49(facts: ItemFacts) -> None:
    """Other units involved: their opinions sought, and agreed or the remaining disagreement stated."""
    if not facts.other_units:
        return
    units = "、".join(facts.other_units)
    if not facts.opinions_sought:
        raise AgendaRuleError(
            f"第四十九条:议题涉及{units},议题提出部门应在会前充分征求相关部门和街道乡镇主要负责人的意见;"
            "请征求意见后再提交。"
        )
    if not facts.opinions_agreed and not (facts.disagreement or "").strip():
        raise AgendaRuleError(
            "第四十九条:与相关单位未达成一致的,须说明协调后仍存在的分歧,由议题提出部门在会议上如实报告说明。"
        )


def check_article_51(facts: ItemFacts) -> None:
    """Major matters and normative documents carry the 合法性审查意见 (attached or handed in)."""
    if not (facts.major_matter or facts.normative_document):
        return
    attached = facts.legality_review == LEGALITY_ATTACHED and bool(facts.legality_file_id)
    if not (attached or facts.legality_review == LEGALITY_HANDED_IN):
        what = "规范性文件" if facts.normative_document else "重大事项"
        raise AgendaRuleError(
            f"第五十一条:{what}应当附具区政府法制部门出具的合法性审查意见;请上传该意见,或确认已送交区政府办公室。"
        )


def check_facts(kind: MeetingType, facts: ItemFacts) -> None:
    """All content checks that apply to a meeting of `kind`."""
    if not facts.summary.strip():
        raise AgendaRuleError("请填写议题的主要内容。")
    if len(facts.summary.strip()) > MAX_SUMMARY:
        raise AgendaRuleError(f"议题主要内容过长(最多 {MAX_SUMMARY} 字),请精简后重新填报,详细材料请报送办公室。")
    if len("、".join(facts.other_units)) > MAX_UNITS_TEXT:
        raise AgendaRuleError(f"涉及单位过长(最多 {MAX_UNITS_TEXT} 字),请只列单位名称。")
    if len((facts.disagreement or "").strip()) > MAX_DISAGREEMENT:
        raise AgendaRuleError(f"分歧说明过长(最多 {MAX_DISAGREEMENT} 字),请精简后重新填报。")
    if kind in ARTICLE_50_TYPES:
        check_article_50(facts.article50)
    if kind in MATERIALS_RULE_TYPES:
        check_article_49(facts)
        check_article_51(facts)


def is_late(*, due_at: datetime | None, submitted_at: datetime) -> bool:
    """Late per 第四十八条: after the due time (see the module docstring for the counting rule)."""
    return due_at is not None and submitted_at > due_at


def check_deadline(*, due_at: datetime | None, submitted_at: datetime, facts: ItemFacts, due_text: str) -> bool:
    """Whether the item is a late 特殊紧急情况 item; a late item without that is refused."""
    if not is_late(due_at=due_at, submitted_at=submitted_at):
        return False
    if not facts.urgent:
        raise AgendaRuleError(
            f"第四十八条:会议请示至少于会议召开前3天报送区政府办公室,本次会议材料截止时间为{due_text},已过。"
            "除特殊紧急情况外,不临时安排议题;确属特殊紧急情况的,请标明并说明理由。"
        )
    if not (facts.urgent_reason or "").strip():
        raise AgendaRuleError("按特殊紧急情况提交逾期议题,须说明紧急理由。")
    if len(facts.urgent_reason.strip()) > MAX_URGENT_REASON:
        raise AgendaRuleError(f"紧急理由过长(最多 {MAX_URGENT_REASON} 字),请精简后重新填报。")
    return True
