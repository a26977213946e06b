"""The bot process as an operator sees it: clean stop on SIGTERM, webhook mode with a secret."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest

USER = 3001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sigterm_finishes_the_work_commits_the_offset_and_exits_0(start_bot):
    bot = start_bot()
    bot.user(USER, "赵处长")
    reply = bot.reply_to(bot.send(USER, "/start"))
    assert "区政府办公助手" in reply["text"]

    assert bot.stop() == 0
    # The last getUpdates confirmed everything handled, so a restart would not repeat it.
    assert bot.run(lambda: list(bot.api.updates)) == []


def test_webhook_mode_uses_the_secret_token(start_bot):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    bot = start_bot(WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret-Token_1", WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    bot.user(USER, "赵处长")

    assert bot.calls("setWebhook")[-1]["secret_token"] == "s3cret-Token_1"
    reply = bot.reply_to(bot.send(USER, "/start"))
    assert "区政府办公助手" in reply["text"]

    forged = {"update_id": 999_999, "message": {**reply["reply_to_message"], "message_id": 999, "text": "/help"}}
    request = urllib.request.Request(url, data=json.dumps(forged).encode(), headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
