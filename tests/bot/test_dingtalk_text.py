"""DingTalk markdown and message conversion: user text cannot become markup, commands need no slash."""

from __future__ import annotations

import json

from bot.dingtalk.incoming import card_track_id, incoming_of_card_press, incoming_of_message
from bot.dingtalk.markdown import LINE_BREAK, render_markdown, split_markdown
from handlers.messages import Rich, bold, quote


def test_markup_in_user_text_is_shown_not_applied():
    rendered = render_markdown(Rich.of("**粗** [链接](http://x) <font> # 标题\n- 项\n1. 一"))

    assert "**" not in rendered and "[" not in rendered and "<" not in rendered
    assert "＊＊粗＊＊ ［链接］(http://x) ＜font＞ ＃ 标题" in rendered
    assert f"{LINE_BREAK}－ 项{LINE_BREAK}1． 一" in rendered


def test_bold_and_quotes_are_marked_up():
    rendered = render_markdown(Rich.of("依据:", bold("第八条"), "\n", quote("原文一\n原文二")))

    assert rendered == f"依据:**第八条**{LINE_BREAK}> 原文一{LINE_BREAK}> 原文二"


def test_long_text_is_split_at_line_breaks_below_the_limit():
    markdown = LINE_BREAK.join(f"第{n}行" + "字" * 40 for n in range(100))
    parts = split_markdown(markdown, limit=500)

    assert all(len(part) <= 500 for part in parts)
    assert LINE_BREAK.join(parts) == markdown


def test_a_command_needs_no_slash_and_a_question_stays_text():
    def text_of(content: str) -> str:
        message = {"msgId": "m", "conversationType": "1", "conversationId": "cidP", "senderStaffId": "u7",
                   "msgtype": "text", "text": {"content": content}}
        return incoming_of_message(message, {"deadlines", "help"}).text

    assert text_of(" deadlines") == "/deadlines"
    assert text_of("／help") == "/help"
    assert text_of("helpful 是什么") == "helpful 是什么"


def test_group_messages_are_addressed_only_when_the_robot_is_mentioned():
    message = {"msgId": "m", "conversationType": "2", "conversationId": "cidGROUP", "senderStaffId": "u7",
               "msgtype": "text", "text": {"content": "问题"}, "isInAtList": False}

    incoming = incoming_of_message(message, set())
    assert (incoming.chat_id, incoming.private, incoming.addressed, incoming.update_id) == ("cidGROUP", False, False, "m")


def test_a_card_press_names_the_chat_the_card_went_to():
    data = {"outTrackId": card_track_id("cidGROUP"), "userId": "u7",
            "content": json.dumps({"cardPrivateData": {"params": {"data": "dl:done:3"}}})}

    incoming = incoming_of_card_press(data, frame_id="f1")
    assert (incoming.chat_id, incoming.account, incoming.button, incoming.private) == ("cidGROUP", "u7", "dl:done:3", False)
