"""Rules Q&A, written once for every messenger: a question in, the answer with the quoted and cited
article out.

Private chat: any text that is not a command and answers no open form is a question. Groups: only
a message addressed to the bot (it mentions the bot, or replies to one of its messages: the
adapter says so in `Incoming.addressed`), or `/ask 问题`. The answer carries buttons: 全文 (the
whole cited article, "qa:full:<doc>:<n>"), 相关条款 (the other candidates, "qa:rel:<doc>:<n>,…"),
👍 / 👎 (handlers/feedback.py). A question asked within FOLLOWUP_SECONDS of the same person's
previous question in the same chat may lean on it (那区长呢?); that context is stored per
(channel, chat, person) (storage/qa_context.py), so it survives a restart, is the same on every
replica, and is never shared across a group.

Retrieval runs in `prepare`, before the update's transaction (handlers/conversation.py): the
transaction that logs the answer and remembers the question holds no lock while the engine searches.

Try it: `officebot chat`, then type 常务会议材料提前几天报送? and press 1 for the full article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bootstrap.services import Services
from handlers.expired import EXPIRED
from handlers.feedback import rating_buttons
from handlers.forms import Turn
from handlers.messages import Button, Incoming, Reply, Response, Rich, bold, quote
from office.answer_feedback import record_answer
from retrieval.answer import Answer, Citation, Passage
from retrieval.service import QuestionError
from storage import qa_context
from storage.qa_context import ContextKey

COMMANDS = [("ask", "查询规定,例如 /ask 常务会议材料提前几天报送?")]
BUTTON_PREFIX = "qa:"
FORMS: list = []
TAKES_TEXT = True

# A pasted document is not a question; past this the user is asked to shorten it.
MAX_QUESTION_CHARS = 1000
MAX_BUTTON_BYTES = 64

FULL_PATTERN = re.compile(r"^qa:full:([^:]{1,50}):(\d{1,4})$")
RELATED_PATTERN = re.compile(r"^qa:rel:([^:]{1,50}):(\d{1,4}(?:,\d{1,4}){0,4})$")

ASK_HINT = "请在 /ask 后面写上问题,例如:/ask 常务会议材料提前几天报送?"
TOO_LONG = f"问题太长了(超过 {MAX_QUESTION_CHARS} 字)。请只写想查询的问题,例如:常务会议材料提前几天报送?"


@dataclass(frozen=True)
class Refused:
    """The engine's explanation why the text cannot be searched (only emoji, …)."""

    reason: str


# ------------------------------------------------------------------ asking


def _question(incoming: Incoming) -> tuple[str, str]:
    """(the question, "") or ("", what to tell the asker instead)."""
    text = incoming.arguments if incoming.command == "ask" else incoming.text
    question = " ".join(text.split())
    if not question:
        return "", ASK_HINT
    if len(question) > MAX_QUESTION_CHARS:
        return "", TOO_LONG
    return question, ""


def _context_key(incoming: Incoming) -> ContextKey | None:
    return None if incoming.account is None else ContextKey(incoming.channel, incoming.chat_id, incoming.account)


def prepare(incoming: Incoming, services: Services) -> Answer | Refused | list[Passage] | None:
    """The slow part, outside the update's transaction: the engine's answer, or the articles a button shows."""
    if incoming.button is not None:
        return _articles_of(incoming.button, services)
    question, problem = _question(incoming)
    if problem:
        return None
    key = _context_key(incoming)
    previous = None
    if key is not None:
        since = services.now() - timedelta(seconds=services.settings.followup_seconds)
        with services.db.transaction() as session:
            previous = qa_context.previous_question(session, key, since=since)
    try:
        return services.qa.ask(question, context=previous)
    except QuestionError as error:
        return Refused(str(error))


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if incoming.button is not None:
        return _show_articles(incoming.button, turn.prepared)
    question, problem = _question(incoming)
    if problem:
        return Response([Reply.say(problem)])
    found = turn.prepared
    if isinstance(found, Refused):
        return Response([Reply.say(found.reason)])
    if not isinstance(found, Answer):  # not searched: a redelivery, whose answer went out the first time
        return Response()
    answer_id = record_answer(
        session=turn.session, channel=incoming.channel, account=incoming.account, chat_id=incoming.chat_id,
        question=question, answered=found.answered,
        citations=[citation.reference for citation in found.citations or found.related], now=turn.now,
    )
    key = _context_key(incoming)
    if key is not None:
        qa_context.remember(turn.session, key, question=question, now=turn.now)
    # The adapter splits a long answer below its messenger's limit, the buttons under the last part.
    return Response([Reply(render_answer(found), buttons=answer_buttons(found, answer_id))])


# ------------------------------------------------------------------ rendering


def highlighted(text: str, highlights: tuple[str, ...]) -> Rich:
    """`text` with the first occurrence of each highlight in bold (overlaps skipped)."""
    spans: list[tuple[int, int]] = []
    for sentence in highlights:
        start = text.find(sentence) if sentence else -1
        if start < 0:
            continue
        end = start + len(sentence)
        if all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    parts: list[str | Rich] = []
    position = 0
    for start, end in sorted(spans):
        parts += [text[position:start], bold(text[start:end])]
        position = end
    parts.append(text[position:])
    return Rich.of(*parts)


def _passage(passage: Passage) -> Rich:
    return Rich.of(quote(highlighted(passage.text, passage.highlights)), f"\n📖 {passage.citation.reference}")


def render_answer(answer: Answer) -> Rich:
    """The reply: the computed date when the question names one (📅 …), the summary line, each quoted
    article (answering sentences in bold), its citation."""
    blocks: list[str | Rich] = [bold(f"📅 {answer.computed}")] if answer.computed else []
    blocks.append(bold(answer.summary))
    blocks += [_passage(passage) for passage in answer.passages]
    if not answer.answered:
        # Saying what was searched shows the asker whether the bot read the question right.
        blocks.insert(1, f"您的问题:{answer.question}")
        if answer.related:
            lines = [f"• {citation.reference}" for citation in answer.related]
            blocks.append("可能相关的条款:\n" + "\n".join(lines))
    return Rich.lines(blocks, separator="\n\n")


def _fits(data: str) -> bool:
    return len(data.encode()) <= MAX_BUTTON_BYTES


def full_button(citation: Citation) -> Button | None:
    data = f"qa:full:{citation.document_key}:{citation.article}"
    return Button(f"全文 {citation.label}", data) if _fits(data) else None


def related_data(citations: tuple[Citation, ...]) -> str | None:
    """qa:rel:<document key>:<n>,<n>… for the candidates of the first candidate's document."""
    if not citations:
        return None
    key = citations[0].document_key
    numbers = [str(c.article) for c in citations if c.document_key == key][:5]
    data = f"qa:rel:{key}:{','.join(numbers)}"
    return data if _fits(data) else None


def answer_buttons(answer: Answer, answer_id: int) -> tuple[tuple[Button, ...], ...]:
    cited = answer.citations if answer.answered else list(answer.related)[:3]
    rows = [tuple(button for button in map(full_button, cited) if button)]
    last_row = rating_buttons(answer_id)
    data = related_data(answer.related) if answer.answered else None
    if data:
        last_row = (Button("相关条款", data), *last_row)
    rows.append(last_row)
    return tuple(row for row in rows if row)


# ------------------------------------------------------------------ buttons


def _articles_of(data: str, services: Services) -> list[Passage] | None:
    """The articles a 全文 or 相关条款 button shows; None for data of neither."""
    full, related = FULL_PATTERN.match(data), RELATED_PATTERN.match(data)
    if full is not None:
        numbers = [int(full.group(2))]
    elif related is not None:
        numbers = [int(n) for n in related.group(2).split(",")]
    else:
        return None
    key = (full or related).group(1)  # type: ignore[union-attr]
    return [passage for passage in (services.qa.article(key, n) for n in numbers) if passage]


def _show_articles(data: str, passages: list[Passage] | None) -> Response:
    if not passages:  # forged data, or an article no longer in the rule base
        return Response(toast=EXPIRED)
    if data.startswith("qa:full:"):
        (passage,) = passages
        return Response([Reply(Rich.of(bold(passage.citation.reference), "\n\n", passage.text))])
    lines: list[str | Rich] = [bold("相关条款")]
    for passage in passages:
        excerpt = passage.text if len(passage.text) <= 80 else passage.text[:80] + "…"
        lines.append(f"📖 {passage.citation.reference}\n{excerpt}")
    buttons = [button for button in (full_button(p.citation) for p in passages) if button]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Response([Reply(Rich.lines(lines, separator="\n\n"), buttons=rows)])
