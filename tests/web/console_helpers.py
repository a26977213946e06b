"""Sign-in helpers of the web console tests (imported by them; not a test, not a conftest)."""

from __future__ import annotations

import re
from datetime import timedelta

from bootstrap.services import Services
from office.web_signin import create_link
from storage.people import TELEGRAM

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LATER = timedelta(minutes=16)  # past a sign-in link's 15 minutes


def make_link(services: Services, telegram_id: int) -> str:
    with services.db.transaction() as session:
        token, _ = create_link(session=session, channel=TELEGRAM, account=str(telegram_id), now=services.now())
    return token
