"""The DingTalk adapter: the same bot for offices that work in DingTalk / 政务钉钉.

An internal app's robot in Stream mode needs no public address, no callback domain and no
trusted-IP list: `officebot run` opens an outbound WebSocket to DingTalk (bot/dingtalk/stream.py,
on the official SDK `dingtalk-stream`) and receives robot messages and card button presses on it;
it answers over DingTalk's HTTP OpenAPI (bot/dingtalk/openapi.py). Every feature on the
conversation core (bot/app.py FEATURES, those with `handle`) works here as on Telegram, with no
DingTalk code of its own (bot/dingtalk/channel.py):

- identity: the sender's `senderStaffId` is their directory account on channel "dingtalk"
  (`officebot users add|set --dingtalk-id ID`, or `钉钉:ID` in /staff); others get the same
  refusal as on Telegram;
- private chats: every command, typed with or without the slash ("deadlines"); groups: the
  messages that @-mention the robot (DingTalk delivers only those);
- replies are DingTalk markdown with user text neutralised, split below DingTalk's size limit
  (bot/dingtalk/markdown.py); replies with buttons are interactive cards (needs
  DINGTALK_CARD_TEMPLATE_ID), and a press edits its card;
- a message DingTalk delivers twice (same `msgId`) is applied once; a dropped stream is opened again.

Try it: set DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET (and DINGTALK_CARD_TEMPLATE_ID) in `.env`,
register yourself with `officebot users add --dingtalk-id YOUR_USER_ID --name … --role … --unit …`,
run `officebot run` and write to the robot in DingTalk. Without DingTalk: the end-to-end tests
run the real bot against a loopback emulator (tests/e2e/dingtalk_emulator.py).
"""
