"""DingTalk's HTTP OpenAPI as far as the bot sends: markdown messages and interactive cards.

Every call goes to `DINGTALK_API_URL` with the app's access token (`/v1.0/oauth2/accessToken`,
kept until five minutes before it expires, fetched again after a 401):

- a private chat (a user id): `/v1.0/robot/oToMessages/batchSend`, msgKey sampleMarkdown;
- a group (an openConversationId): `/v1.0/robot/groupMessages/send`;
- a card with buttons: `/v1.0/card/instances/createAndDeliver` (callbackType STREAM, so presses
  come back over the stream), changed after a press with PUT `/v1.0/card/instances`.

A card's template (`DINGTALK_CARD_TEMPLATE_ID`) gets two parameters: `markdown` and `buttons`, a
JSON list of rows, each a list of {"text", "data"}; a button's action sends `data` back.

    api = OpenApi(settings)
    await api.send_markdown("manager4521", "标题", "**已登记**")
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx

from bot.dingtalk.incoming import is_group
from bootstrap.settings import Settings
from handlers.messages import Button

logger = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 300
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class DingTalkError(Exception):
    """DingTalk refused a call (its HTTP `status`, and the `code` of its error body, e.g.
    "invalid.openConversationId"), or could not be reached. `left` is False when the request
    certainly never reached DingTalk (so sending again cannot duplicate)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None, left: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.left = left


def _error_code(response: httpx.Response) -> str | None:
    """The `code` of DingTalk's JSON error body ({"code": ..., "message": ..., "requestid": ...})."""
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body["code"]) if isinstance(body, dict) and body.get("code") else None


def buttons_param(rows: tuple[tuple[Button, ...], ...]) -> str:
    return json.dumps([[{"text": b.label, "data": b.data} for b in row] for row in rows], ensure_ascii=False)


class OpenApi:
    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self._base = settings.dingtalk_api_url.rstrip("/")
        self._app_key = settings.dingtalk_client_id or ""
        self._app_secret = settings.dingtalk_client_secret or ""
        self.robot_code = settings.dingtalk_robot_code or self._app_key
        self.card_template_id = settings.dingtalk_card_template_id or ""
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self._token = ""
        self._token_expires = 0.0

    async def close(self) -> None:
        await self._client.aclose()

    async def _access_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        try:
            answer = await self._post("/v1.0/oauth2/accessToken",
                                      {"appKey": self._app_key, "appSecret": self._app_secret}, token=False)
            token = str(answer["accessToken"])
        except (DingTalkError, KeyError) as error:
            # No token, so the message this call was for never left: sending it again cannot duplicate it.
            raise DingTalkError(f"no access token: {error}", status=getattr(error, "status", None), left=False) from error
        self._token = token
        self._token_expires = time.monotonic() + int(answer.get("expireIn", 7200)) - TOKEN_MARGIN_SECONDS
        return self._token

    async def _post(self, path: str, body: dict[str, Any], *, token: bool = True, method: str = "POST") -> dict:
        for attempt in (1, 2):
            headers = {"x-acs-dingtalk-access-token": await self._access_token()} if token else {}
            try:
                response = await self._client.request(method, self._base + path, json=body, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                raise DingTalkError(f"{path}: {error!r}", left=False) from error
            except httpx.HTTPError as error:
                raise DingTalkError(f"{path}: {error!r}") from error
            if response.status_code == 401 and token and attempt == 1:
                self._token = ""  # expired early or revoked: fetch a new one once
                continue
            if response.status_code >= 400:
                raise DingTalkError(f"{path}: HTTP {response.status_code} {response.text[:300]}",
                                    status=response.status_code, code=_error_code(response))
            return response.json() if response.content else {}
        raise AssertionError("unreachable")

    async def send_markdown(self, chat_id: str, title: str, markdown: str) -> None:
        message = {"robotCode": self.robot_code, "msgKey": "sampleMarkdown",
                   "msgParam": json.dumps({"title": title, "text": markdown}, ensure_ascii=False)}
        if is_group(chat_id):
            await self._post("/v1.0/robot/groupMessages/send", {**message, "openConversationId": chat_id})
        else:
            answer = await self._post("/v1.0/robot/oToMessages/batchSend", {**message, "userIds": [chat_id]})
            # batchSend answers 200 and names the users it did not message.
            if chat_id in answer.get("flowControlledStaffIdList", []):
                raise DingTalkError(f"batchSend: {chat_id} is flow-controlled", status=429, left=False)
            if chat_id in answer.get("invalidStaffIdList", []):
                raise DingTalkError(f"batchSend: {chat_id} is not a valid user of this app", status=400)

    async def send_card(self, chat_id: str, track_id: str, markdown: str,
                        buttons: tuple[tuple[Button, ...], ...]) -> None:
        body: dict[str, Any] = {
            "cardTemplateId": self.card_template_id,
            "outTrackId": track_id,
            "callbackType": "STREAM",
            "cardData": {"cardParamMap": {"markdown": markdown, "buttons": buttons_param(buttons)}},
        }
        if is_group(chat_id):
            body.update(openSpaceId=f"dtv1.card//IM_GROUP.{chat_id}",
                        imGroupOpenSpaceModel={"supportForward": False},
                        imGroupOpenDeliverModel={"robotCode": self.robot_code})
        else:
            body.update(openSpaceId=f"dtv1.card//IM_ROBOT.{chat_id}",
                        imRobotOpenSpaceModel={"supportForward": False},
                        imRobotOpenDeliverModel={"spaceType": "IM_ROBOT", "robotCode": self.robot_code})
        await self._post("/v1.0/card/instances/createAndDeliver", body)

    async def update_card(self, track_id: str, markdown: str, buttons: tuple[tuple[Button, ...], ...]) -> None:
        body = {"outTrackId": track_id,
                "cardData": {"cardParamMap": {"markdown": markdown, "buttons": buttons_param(buttons)}}}
        await self._post("/v1.0/card/instances", body, method="PUT")
