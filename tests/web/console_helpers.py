"""Sign-in helpers of the web console tests (imported by them; not a test, not a conftest)."""

from __future__ import annotations

import re
from datetime import timedelta

from bootstrap.services import Services
from office.web_signin import create_link
from storage.people import DINGTALK, TELEGRAM

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LATER = timedelta(minutes=16)  # past a sign-in link's 15 minutes


def make_link(services: Services, person: int | str) -> str:
    """A sign-in link for the person with this Telegram id (an int) or DingTalk id (a str)."""
    channel = TELEGRAM if isinstance(person, int) else DINGTALK
    with services.db.transaction() as session:
        token, _ = create_link(session=session, channel=channel, account=str(person), actor=None, now=services.now())
    return token
