"""What an agenda item still lacks under 第四十九条 (other units' opinions) and 第五十一条 (the
合法性审查意见), read with the same checks the filing form applies (office/agenda_checks.py).

Items filed before a rule was asked, or changed since, show here; the web console's agenda page
lists them. Try it: `missing_materials(item)` → ["第四十九条:议题涉及…"] or [].
"""

from __future__ import annotations

from office.agenda_checks import AgendaRuleError, ItemFacts, MATERIALS_RULE_TYPES, check_article_49, check_article_51
from storage.agenda import AgendaItem


def facts_of(item: AgendaItem) -> ItemFacts:
    return ItemFacts(
        summary=item.summary,
        other_units=tuple(item.other_units),
        opinions_sought=item.opinions_sought,
        opinions_agreed=item.opinions_agreed,
        disagreement=item.disagreement,
        major_matter=item.major_matter,
        normative_document=item.normative_document,
        legality_review=item.legality_review,
        legality_file_id=item.legality_file_id,
        legality_file_name=item.legality_file_name,
        urgent=item.urgent,
        urgent_reason=item.urgent_reason,
    )


def missing_materials(item: AgendaItem) -> list[str]:
    """The 第四十九/五十一条 messages the item would get today; [] when nothing is missing."""
    if item.meeting.kind_enum not in MATERIALS_RULE_TYPES:
        return []
    missing = []
    for check in (check_article_49, check_article_51):
        try:
            check(facts_of(item))
        except AgendaRuleError as exc:
            missing.append(str(exc))
    return missing
