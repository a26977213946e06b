"""One `officebot run` process serving Telegram and DingTalk together: each channel answers its
own people, and a question on one does not reach the other."""

from __future__ import annotations

import pytest
from dingtalk_harness import DingTalkPeople

TELEGRAM_USER = 3001
DINGTALK_USER = "dtuser3002"


@pytest.fixture(scope="module")
def both(start_bot, dingtalk_emulator):
    app = dingtalk_emulator.new_app()
    bot = start_bot(DINGTALK_CLIENT_ID=app.client_id, DINGTALK_CLIENT_SECRET=app.client_secret,
                    DINGTALK_CARD_TEMPLATE_ID="officebot-card.schema", DINGTALK_API_URL=dingtalk_emulator.url)
    bot.user(TELEGRAM_USER, "李科长")
    dingtalk = DingTalkPeople(dingtalk_emulator, app, bot.log)  # the same process's DingTalk side
    dingtalk.wait(lambda: bool(app.sockets), what="the DingTalk stream of the Telegram bot's process is open",
                  timeout=60)
    return bot, dingtalk


def test_both_channels_answer_in_one_process(both):
    telegram, dingtalk = both
    dingtalk.send(DINGTALK_USER, "常务会议的材料要提前几天报送?")
    telegram_reply = telegram.reply_to(telegram.send(TELEGRAM_USER, "副区长出差跟谁请假?"))
    dingtalk_reply = dingtalk.reply(to=DINGTALK_USER)

    assert "第八十二条" in telegram_reply["text"]
    assert "第四十八条" in dingtalk_reply.text
    assert all("第八十二条" not in sent.text for sent in dingtalk.sent())
