"""Escaping and splitting of HTML replies (Telegram counts visible UTF-16 units, max 4096)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.local_api import parse_html, utf16_len
from handlers.html import escape, split_html, visible_length


def test_user_text_cannot_inject_markup():
    text, entities = parse_html(f"<b>{escape('<i>x</i> & <script>')}</b>")

    assert text == "<i>x</i> & <script>"
    assert [e["type"] for e in entities] == ["bold"]


def test_short_text_is_one_message():
    assert split_html("<b>短</b>") == ["<b>短</b>"]


def test_split_prefers_paragraphs_then_lines():
    paragraphs = ["甲" * 30, "乙" * 30, "丙" * 30]

    assert split_html("\n\n".join(paragraphs), limit=70) == ["甲" * 30 + "\n\n" + "乙" * 30, "丙" * 30]
    assert split_html("甲" * 30 + "\n" + "乙" * 30, limit=40) == ["甲" * 30, "乙" * 30]


def test_open_tags_are_closed_and_reopened_across_parts():
    parts = split_html('<blockquote><a href="https://x.cn/?a=1&amp;b=2">' + "字" * 50 + "</a></blockquote>", limit=20)

    assert len(parts) == 3
    for part in parts:
        assert part.startswith('<blockquote><a href="https://x.cn/?a=1&amp;b=2">') and part.endswith("</a></blockquote>")
        parse_html(part)


def test_entities_and_emoji_are_never_cut():
    parts = split_html("&amp;😀" * 10, limit=5)

    assert all(visible_length(part) <= 5 for part in parts)
    assert "".join(parse_html(part)[0] for part in parts) == "&😀" * 10


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "b", "i", "blockquote", "code"]), st.text(min_size=1, max_size=40)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["", "\n", "\n\n"]),
    st.integers(min_value=4, max_value=60),
)
def test_every_part_is_valid_and_within_the_limit_and_nothing_is_lost(pieces, separator, limit):
    html = separator.join(f"<{tag}>{escape(text)}</{tag}>" if tag else escape(text) for tag, text in pieces)

    parts = split_html(html, limit=limit)

    plain_parts = [parse_html(part)[0] for part in parts]  # raises on broken markup
    assert all(utf16_len(text) <= limit for text in plain_parts)
    whole = parse_html(html)[0]
    assert "".join("".join(p.split()) for p in plain_parts) == "".join(whole.split())
