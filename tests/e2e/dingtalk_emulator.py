"""A DingTalk emulator on a loopback port: the Stream gateway and the OpenAPI the bot calls.

It speaks what the SDK `dingtalk-stream` speaks, so the unmodified `officebot run` (with
DINGTALK_API_URL pointed here) cannot tell it from DingTalk:

- POST /v1.0/gateway/connections/open with the app's clientId / clientSecret → {"endpoint", "ticket"};
- the WebSocket at that endpoint (GET /gateway?ticket=…): CALLBACK frames (robot messages on
  /v1.0/im/bot/messages/get, card presses on /v1.0/card/instances/callback) and SYSTEM frames
  (ping; disconnect, after which the socket is closed), each answered by an ack naming its messageId;
- POST /v1.0/oauth2/accessToken; the robot's /v1.0/robot/oToMessages/batchSend and
  /v1.0/robot/groupMessages/send; /v1.0/card/instances/createAndDeliver and PUT /v1.0/card/instances,
  each refused without a valid x-acs-dingtalk-access-token; the session webhook each robot message carries.

Everything the bot sent is recorded in `App.sent` (one `Sent` per message or card, a card updated in
place). It runs in a thread with its own event loop; tests call it through `DingTalkEmulator.run`.

    emulator = DingTalkEmulator().start()
    app = emulator.new_app()                    # one app (client id, secret) per bot process
    emulator.run_async(app.send_private("u1", "常务会议材料提前几天报送?"))
    emulator.run_async(app.wait_sent(lambda s: "第四十八条" in s.text))
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"


@dataclass
class Sent:
    """One message the bot sent: to a user id or a group's openConversationId."""

    api: str  # "private", "group", "card", "webhook"
    chat: str
    text: str  # the markdown (a card: its current markdown)
    title: str = ""
    buttons: list[list[dict]] = field(default_factory=list)  # a card's rows of {"text", "data"}
    track_id: str = ""
    updates: int = 0  # how often the card was changed after it was sent

    def button_labels(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    def data_of(self, label: str) -> str:
        return next(button["data"] for row in self.buttons for button in row if button["text"] == label)


class App:
    """One DingTalk app with its robot: its stream connections, what it was sent, the acks it gave."""

    def __init__(self, url: str) -> None:
        self.client_id = f"ding{uuid.uuid4().hex[:12]}"
        self.client_secret = uuid.uuid4().hex
        self.url = url
        self.sent: list[Sent] = []
        self.acks: dict[str, dict] = {}
        self.opens = 0  # connections/open calls
        self.sockets: list[web.WebSocketResponse] = []
        self.tokens: set[str] = set()
        self.removed_from: set[str] = set()  # groups whose members removed the robot
        self.refused: list[str] = []  # the chats of the messages refused because of that
        self._changed = asyncio.Condition()
        self._frame_ids = itertools.count(1)

    # ---- the people's side

    def _message(self, staff_id: str, text: str, *, conversation: str, private: bool, mention: bool,
                 msg_id: str | None) -> dict:
        return {
            "conversationId": conversation, "conversationType": "1" if private else "2",
            "chatbotCorpId": "dingcorp", "chatbotUserId": "$:LWCP_v1:$robot", "robotCode": self.client_id,
            "msgId": msg_id or f"msg{uuid.uuid4().hex}", "senderNick": staff_id, "senderStaffId": staff_id,
            "senderId": f"$:LWCP_v1:${staff_id}", "senderCorpId": "dingcorp", "isAdmin": False,
            "isInAtList": private or mention, "createAt": int(time.time() * 1000), "msgtype": "text",
            "text": {"content": text},
            "sessionWebhook": f"{self.url}/robot/sendBySession?app={self.client_id}&session={uuid.uuid4().hex}",
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 5_400_000,
        }

    async def send_private(self, staff_id: str, text: str, *, msg_id: str | None = None) -> dict:
        """`staff_id` writes to the robot privately; returns the message as delivered."""
        message = self._message(staff_id, text, conversation=f"cidprivate{staff_id}", private=True, mention=True,
                                msg_id=msg_id)
        await self.deliver(MESSAGE_TOPIC, message)
        return message

    async def send_group(self, staff_id: str, group: str, text: str, *, mention: bool = True) -> dict:
        """A group message; DingTalk hands the robot only @-mentions, with the mention taken out."""
        message = self._message(staff_id, text, conversation=group, private=False, mention=mention, msg_id=None)
        await self.deliver(MESSAGE_TOPIC, message)
        return message

    async def press(self, staff_id: str, card: Sent, label: str) -> str:
        """`staff_id` presses the button `label` on `card`; returns the frame's messageId."""
        content = {"cardPrivateData": {"actionIds": ["button"], "params": {"data": card.data_of(label)}}}
        return await self.deliver(CARD_TOPIC, {"outTrackId": card.track_id, "userId": staff_id, "corpId": "dingcorp",
                                               "content": json.dumps(content, ensure_ascii=False)})

    async def deliver(self, topic: str, data: dict, *, kind: str = "CALLBACK") -> str:
        """One frame on the newest open socket (waiting for one); returns its messageId."""
        await self.wait_for(lambda: bool(self.sockets), timeout=30)
        frame_id = f"frame-{next(self._frame_ids)}"
        frame = {"specVersion": "1.0", "type": kind,
                 "headers": {"appId": self.client_id, "connectionId": "conn", "contentType": "application/json",
                             "messageId": frame_id, "time": str(int(time.time() * 1000)), "topic": topic},
                 "data": json.dumps(data, ensure_ascii=False)}
        await self.sockets[-1].send_str(json.dumps(frame, ensure_ascii=False))
        return frame_id

    async def drop(self) -> None:
        """The gateway drops the connection: a SYSTEM disconnect frame, then the socket is closed."""
        socket = self.sockets[-1]
        await self.deliver("disconnect", {"reason": "emulator drop"}, kind="SYSTEM")
        await asyncio.sleep(0.2)
        await socket.close()

    # ---- waiting

    async def wait_for(self, predicate: Callable[[], bool], *, timeout: float) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_sent(self, predicate: Callable[[Sent], bool], *, after: int = 0, timeout: float = 20) -> Sent:
        """The first message sent at index `after` or later that satisfies `predicate`."""
        def found() -> Sent | None:
            return next((sent for sent in self.sent[after:] if predicate(sent)), None)

        await self.wait_for(lambda: found() is not None, timeout=timeout)
        return found()  # type: ignore[return-value]

    async def changed(self) -> None:
        async with self._changed:
            self._changed.notify_all()


class DingTalkEmulator:
    """The HTTP/WebSocket server, its thread and loop, and the apps by client id."""

    def __init__(self) -> None:
        self.apps: dict[str, App] = {}
        self._tickets: dict[str, App] = {}
        self._tokens: dict[str, App] = {}
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="dingtalk-emulator", daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def start(self) -> DingTalkEmulator:
        self._thread.start()
        self.run_async(self._serve())
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self.run_async(self._runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    def run_async(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def run(self, function: Callable[[], Any]) -> Any:
        async def call() -> Any:
            return function()

        return self.run_async(call())

    def new_app(self) -> App:
        def create() -> App:
            app = App(self.url)
            self.apps[app.client_id] = app
            return app

        return self.run(create)

    async def _serve(self) -> None:
        server = web.Application()
        server.router.add_post("/v1.0/gateway/connections/open", self._open)
        server.router.add_get("/gateway", self._gateway)
        server.router.add_post("/v1.0/oauth2/accessToken", self._access_token)
        server.router.add_post("/v1.0/robot/oToMessages/batchSend", self._private)
        server.router.add_post("/v1.0/robot/groupMessages/send", self._group)
        server.router.add_post("/v1.0/card/instances/createAndDeliver", self._card)
        server.router.add_put("/v1.0/card/instances", self._card_update)
        server.router.add_post("/robot/sendBySession", self._session_webhook)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]

    # ---- the gateway

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        app = self.apps.get(body.get("clientId", ""))
        if app is None or body.get("clientSecret") != app.client_secret:
            return _error(401, "Unauthorized", "clientId or clientSecret is wrong")
        topics = {entry.get("topic") for entry in body.get("subscriptions", [])}
        if MESSAGE_TOPIC not in topics:
            return _error(400, "InvalidParameter", "no robot message subscription")
        ticket = uuid.uuid4().hex
        self._tickets[ticket] = app
        app.opens += 1
        await app.changed()
        return web.json_response({"endpoint": self.url.replace("http", "ws", 1) + "/gateway", "ticket": ticket})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        app = self._tickets.pop(request.query.get("ticket", ""), None)  # a ticket is good once
        if app is None:
            return web.Response(status=403)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        app.sockets.append(socket)
        await app.changed()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    app.acks[ack.get("headers", {}).get("messageId", "")] = ack
                    await app.changed()
        finally:
            app.sockets.remove(socket)
            await app.changed()
        return socket

    # ---- the OpenAPI

    async def _access_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        app = self.apps.get(body.get("appKey", ""))
        if app is None or body.get("appSecret") != app.client_secret:
            return _error(400, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
        token = uuid.uuid4().hex
        self._tokens[token] = app
        return web.json_response({"accessToken": token, "expireIn": 7200})

    def _caller(self, request: web.Request) -> App | None:
        return self._tokens.get(request.headers.get("x-acs-dingtalk-access-token", ""))

    async def _robot_message(self, request: web.Request, api: str, chats: Callable[[dict], list[str]]) -> web.Response:
        app = self._caller(request)
        if app is None:
            return _error(401, "InvalidAuthentication", "access token is missing or wrong")
        body = await request.json()
        if body.get("robotCode") != app.client_id or body.get("msgKey") != "sampleMarkdown":
            return _error(400, "InvalidParameter", "robotCode or msgKey is wrong")
        param = json.loads(body["msgParam"])
        if body.get("openConversationId") in app.removed_from:
            app.refused.append(body["openConversationId"])
            await app.changed()
            return _error(400, "invalidParameter.robotCode.notExsit", "机器人不存在,请检查机器人是否在群内")
        for chat in chats(body):
            app.sent.append(Sent(api, chat, param["text"], title=param["title"]))
        await app.changed()
        return web.json_response({"processQueryKey": uuid.uuid4().hex})

    async def _private(self, request: web.Request) -> web.Response:
        return await self._robot_message(request, "private", lambda body: list(body["userIds"]))

    async def _group(self, request: web.Request) -> web.Response:
        return await self._robot_message(request, "group", lambda body: [body["openConversationId"]])

    async def _card(self, request: web.Request) -> web.Response:
        app = self._caller(request)
        if app is None:
            return _error(401, "InvalidAuthentication", "access token is missing or wrong")
        body = await request.json()
        space = body["openSpaceId"].split("//", 1)[1]  # "IM_ROBOT.userid" or "IM_GROUP.cid…"
        if space.startswith("IM_GROUP.") and space.split(".", 1)[1] in app.removed_from:
            app.refused.append(space.split(".", 1)[1])
            await app.changed()
            return _error(400, "invalidParameter.robotCode.notExsit", "机器人不存在,请检查机器人是否在群内")
        params = body["cardData"]["cardParamMap"]
        app.sent.append(Sent("card", space.split(".", 1)[1], params["markdown"], buttons=json.loads(params["buttons"]),
                             track_id=body["outTrackId"]))
        await app.changed()
        return web.json_response({"success": True, "result": {"outTrackId": body["outTrackId"]}})

    async def _card_update(self, request: web.Request) -> web.Response:
        app = self._caller(request)
        if app is None:
            return _error(401, "InvalidAuthentication", "access token is missing or wrong")
        body = await request.json()
        card = next((sent for sent in app.sent if sent.track_id == body["outTrackId"]), None)
        if card is None:
            return _error(404, "cardNotFound", "no card with this outTrackId")
        params = body["cardData"]["cardParamMap"]
        card.text, card.buttons, card.updates = params["markdown"], json.loads(params["buttons"]), card.updates + 1
        await app.changed()
        return web.json_response({"success": True})

    async def _session_webhook(self, request: web.Request) -> web.Response:
        app = self.apps.get(request.query.get("app", ""))
        if app is None:
            return web.json_response({"errcode": 300001, "errmsg": "session webhook expired"})
        body = await request.json()
        app.sent.append(Sent("webhook", request.query.get("session", ""), json.dumps(body, ensure_ascii=False)))
        await app.changed()
        return web.json_response({"errcode": 0, "errmsg": "ok"})


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "requestid": uuid.uuid4().hex}, status=status)
