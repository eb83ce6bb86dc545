"""Signed-out sessions, kept in SQLite beside the feedback store, so a signed-out cookie stays refused
after a restart (with REPORTQA_SECRET_KEY set, a cookie's signature outlives the process).

A session cookie carries a random nonce; signing out records that nonce with the cookie's expiry
(after which the cookie is refused anyway, and the row is purged). Every write is one transaction
with `synchronous=FULL`, so an acknowledged sign-out is never lost; a server's other process (a
second server over the same folder) sees it at its next check, since every check reads the store.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = "CREATE TABLE IF NOT EXISTS signed_out (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL)"


class SignOuts:
    """The nonces of signed-out sessions that have not expired yet."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(SCHEMA)

    def add(self, nonce: str, expires: int) -> None:
        """Sign this session out until `expires` (a Unix time)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM signed_out WHERE expires < ?", (int(time.time()),))
                self._db.execute("INSERT OR REPLACE INTO signed_out (nonce, expires) VALUES (?, ?)", (nonce, int(expires)))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def __contains__(self, nonce: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM signed_out WHERE nonce = ?", (nonce,)).fetchone()
        return row is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()
