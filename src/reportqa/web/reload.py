"""Taking up a newly built index while serving: watch `index/active`, load it whole, or keep the old one.

`reportqa build` and `reportqa add` write a new index beside the old one and swap it in by renames
(index.py), so a complete index appears at once. The server looks at `index/active` at most every
REPORTQA_RELOAD_SECONDS; when its files changed it loads the new index in a background thread,
checking that the manifest did not change while it read, and hands it to the Engine, which swaps
its reference: requests in flight finish on the old index, later ones use the new. Nothing is ever
rebuilt here. An index that cannot be loaded is reported (naming the damaged file and the fix) and
the last good index keeps serving.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from .. import index as index_store
from ..errors import IndexStoreError

log = logging.getLogger(__name__)

FIX = ("the server keeps serving the index it has; run `reportqa build` to write a complete new index "
       "(it is taken up without a restart)")


def active_dir(index_dir: Path) -> Path:
    return Path(index_dir) / index_store.ACTIVE


def signature(index_dir: Path) -> tuple | None:
    """What identifies the files of the active index now (None while it is missing or being swapped)."""
    active = active_dir(index_dir)
    try:
        st = active.stat()
        files = sorted((e.name, e.inode(), e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(active))
    except FileNotFoundError:
        return None
    return (st.st_ino, tuple(files))


def changed_in_place(before: tuple | None, now: tuple | None) -> list[str]:
    """The files of the index `before` that were written over in place (same directory, same file, other
    size or time) by `now`: a build never does that, it writes a new directory and renames it in."""
    if not before or not now or before[0] != now[0]:
        return []
    files = {name: rest for name, *rest in now[1]}
    return [name for name, inode, size, mtime in before[1]
            if name in files and files[name][0] == inode and tuple(files[name][1:]) != (size, mtime)]


def _manifest_bytes(active: Path) -> bytes | None:
    try:
        return (active / "manifest.json").read_bytes()
    except FileNotFoundError:
        return None


def manifest_on_disk(index_dir: Path) -> dict | None:
    raw = _manifest_bytes(active_dir(index_dir))
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return None


def load_complete(index_dir: Path, model_id: str, dim: int, attempts: int = 5):
    """The active index, read whole: the manifest is the same before and after reading the rest (a swap
    in between means read again). Raises IndexStoreError naming the damaged file and the fix."""
    active = active_dir(index_dir)
    problem = f"{active} is missing"
    for attempt in range(attempts):
        before = _manifest_bytes(active)
        if before is not None:
            try:
                loaded, error = index_store.load(index_dir), None
            except IndexStoreError as e:  # it names the damaged file
                loaded, error = None, e
            if _manifest_bytes(active) == before:
                if loaded is None:
                    problem = str(error).split("; run `reportqa build`")[0]
                    break  # the same files twice: damaged, not mid-swap
                manifest = loaded.manifest
                if manifest.get("format_version") != index_store.FORMAT_VERSION:
                    raise IndexStoreError(f"{active / 'manifest.json'} is index format {manifest.get('format_version')}, "
                                          f"this server reads {index_store.FORMAT_VERSION}; {FIX}")
                built = manifest.get("model", {})
                if built.get("id") != model_id or int(built.get("dim", -1)) != dim:
                    raise IndexStoreError(f"the index at {active} was built with model {built.get('id')}, this server "
                                          f"encodes with {model_id}; build with the server's REPORTQA_MODEL, or restart "
                                          "the server with the index's model")
                return loaded
        time.sleep(0.2 * (attempt + 1))
    raise IndexStoreError(f"cannot load the new index: {problem}; {FIX}")


class Watcher:
    """A daemon thread that asks the engine to look for a new index every `interval` seconds."""

    def __init__(self, engine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reportqa-reload", daemon=True)

    def start(self) -> "Watcher":
        if self.interval > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.engine.check_for_new_index()
            except Exception:  # never let the watcher die: the next look may succeed
                log.exception("looking for a new index failed")
