"""One Settings object, read from PORTFOLIO_* environment variables, with defaults that need no services."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _secret_key(var_dir: Path) -> str:
    """The key signing CSRF tokens: from the environment, else made once and kept under var/."""
    given = os.environ.get("PORTFOLIO_SECRET_KEY")
    if given:
        return given
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written whole under a name of its own, then linked into place: of several processes starting together
    # (`serve --workers`), one key wins, and no process reads the file before its key is in it.
    draft = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        draft.unlink()
    return key


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives for a role: idle minutes and absolute hours."""

    idle_minutes: int
    absolute_hours: int


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    demo: bool = False
    redis_url: str = ""
    smtp_url: str = ""
    mail_from: str = "Career Portfolio <no-reply@localhost>"
    # "inline": every `portfolio serve` process also delivers the outbox; "external": only `portfolio worker`.
    mail_worker: str = "inline"
    mail_poll_seconds: float = 5.0
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # Students and employers use their own phones; staff and admin sessions reach every student record.
    session_policies: dict[str, SessionPolicy] = field(
        default_factory=lambda: {
            "student": SessionPolicy(idle_minutes=14 * 24 * 60, absolute_hours=30 * 24),
            "employer": SessionPolicy(idle_minutes=8 * 60, absolute_hours=7 * 24),
            "mentor": SessionPolicy(idle_minutes=2 * 60, absolute_hours=12),
            "staff": SessionPolicy(idle_minutes=30, absolute_hours=12),
            "admin": SessionPolicy(idle_minutes=30, absolute_hours=12),
        }
    )
    reauth_minutes: int = 15
    reset_token_minutes: int = 60
    invite_token_days: int = 7
    throttle_free_attempts: int = 5
    throttle_max_delay_seconds: int = 300
    # Evidence: local disk under var/evidence by default, or s3://bucket/prefix.
    storage_url: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    max_upload_mb: int = 20
    max_image_pixels: int = 50_000_000
    # Mixed into the service worker's version: a new value makes every installed phone fetch the shell again.
    release: str = ""
    # Shown on the sign-in page, before anyone's school is known.
    district_name: str = ""
    # A student the roster no longer lists stays reachable by their school's staff this many days (alumni).
    alumni_retention_days: int = 365

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))


MAIL_WORKER_MODES = ("inline", "external")


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("PORTFOLIO_VAR_DIR", ROOT / "var")).resolve()
    database_url = os.environ.get("PORTFOLIO_DATABASE_URL") or f"sqlite:///{var_dir / 'portfolio.sqlite3'}"
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        secret_key=_secret_key(var_dir),
        base_url=os.environ.get("PORTFOLIO_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        demo=_flag("PORTFOLIO_DEMO"),
        redis_url=os.environ.get("PORTFOLIO_REDIS_URL", ""),
        smtp_url=os.environ.get("PORTFOLIO_SMTP_URL", ""),
        mail_from=os.environ.get("PORTFOLIO_MAIL_FROM", "Career Portfolio <no-reply@localhost>"),
        mail_worker=_choice("PORTFOLIO_MAIL_WORKER", "inline", MAIL_WORKER_MODES),
        mail_poll_seconds=float(os.environ.get("PORTFOLIO_MAIL_POLL_SECONDS") or 5.0),
        argon2_time_cost=_int("PORTFOLIO_ARGON2_TIME_COST", 3),
        argon2_memory_kib=_int("PORTFOLIO_ARGON2_MEMORY_KIB", 65536),
        storage_url=os.environ.get("PORTFOLIO_STORAGE_URL", ""),
        # The standard AWS variables work too (boto3 reads them) when these are not set.
        s3_endpoint_url=os.environ.get("PORTFOLIO_S3_ENDPOINT_URL", ""),
        s3_region=os.environ.get("PORTFOLIO_S3_REGION", ""),
        s3_access_key=os.environ.get("PORTFOLIO_S3_ACCESS_KEY_ID", ""),
        s3_secret_key=os.environ.get("PORTFOLIO_S3_SECRET_ACCESS_KEY", ""),
        max_upload_mb=_int("PORTFOLIO_MAX_UPLOAD_MB", 20),
        release=os.environ.get("PORTFOLIO_RELEASE", "").strip(),
        district_name=os.environ.get("PORTFOLIO_DISTRICT_NAME", "").strip(),
        alumni_retention_days=_int("PORTFOLIO_ALUMNI_RETENTION_DAYS", 365),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
