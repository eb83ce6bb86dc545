"""The corpus directory as a collection of reports: adding and removing files.

The corpus directory is the source of truth: the index is rebuilt from it, and a
build embeds only texts it has not embedded before. Adding validates every file
first (a file that cannot be read changes nothing), then copies each one in with
a temporary name and a rename, so a crash leaves either the old file or the new
one. Metadata given on the command line goes into a `NAME.meta.json` sidecar.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import CORPUS_SUFFIXES, DocMeta, corpus_files, is_report_file, load_document, read_sidecar, sidecar_of
from .errors import CorpusError


@dataclass
class Change:
    added: list[str] = field(default_factory=list)  # new reports
    replaced: list[str] = field(default_factory=list)  # reports whose file or metadata changed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


def report_files(paths: list[Path]) -> list[Path]:
    """The report files named by paths: files as they are, folders searched recursively."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if is_report_file(p))
            if not found:
                raise CorpusError(f"{path}: no reports ({', '.join(CORPUS_SUFFIXES)}) in this folder")
            out.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in CORPUS_SUFFIXES:
                raise CorpusError(f"{path}: not a supported report file ({', '.join(CORPUS_SUFFIXES)})")
            out.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder")
    stems: dict[str, Path] = {}
    for p in out:
        if p.stem in stems and stems[p.stem] != p:
            raise CorpusError(f"{stems[p.stem]} and {p} would both be report '{p.stem}'; rename one")
        stems[p.stem] = p
    return out


def add(corpus_dir: Path, paths: list[Path], overrides: dict | None = None) -> Change:
    """Copy report files into the corpus; overrides (place, year, kind …) go into their sidecars."""
    files = report_files(paths)
    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    errors = []
    for path in files:  # read every file before changing anything
        try:
            load_document(path)
        except CorpusError as e:
            errors.append(str(e))
    if errors:
        raise CorpusError("nothing was added: " + "; ".join(errors))
    corpus_dir.mkdir(parents=True, exist_ok=True)
    existing = {p.stem: p for p in corpus_files(corpus_dir, allow_empty=True)}
    change = Change()
    for path in files:
        target = corpus_dir / (path.stem + path.suffix.lower())
        old = existing.get(path.stem)
        # Metadata set earlier stays, a sidecar beside the source travels with it, flags win.
        meta = {**(read_sidecar(old) if old else {}), **read_sidecar(path), **overrides}
        DocMeta().updated(meta)  # a bad year fails here, before any file is written
        side = sidecar_of(target)
        new_side = json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n" if meta else None
        same_file = old is not None and old.name == target.name and old.read_bytes() == path.read_bytes()
        same_side = (side.read_text(encoding="utf-8") if side.is_file() else None) == new_side
        if same_file and same_side:
            change.unchanged.append(path.stem)
            continue
        if not same_file:
            _write_atomic(target, path.read_bytes())
        if new_side is None:
            side.unlink(missing_ok=True)
        elif not same_side:
            _write_atomic(side, new_side.encode("utf-8"))
        if old is not None and old.name != target.name:
            old.unlink()  # report.txt replaced by report.pdf
        (change.replaced if old is not None else change.added).append(path.stem)
    return change


def remove(corpus_dir: Path, doc_ids: list[str]) -> Change:
    """Delete reports (and their sidecars) from the corpus; the last report cannot be removed."""
    existing = {p.stem: p for p in corpus_files(corpus_dir, allow_empty=True)}
    unknown = [d for d in doc_ids if d not in existing]
    if unknown:
        raise CorpusError(f"no report {', '.join(unknown)} in {corpus_dir}; `reportqa list` shows the reports")
    if set(existing) <= set(doc_ids):
        raise CorpusError("cannot remove every report: the index needs at least one")
    for d in doc_ids:
        sidecar_of(existing[d]).unlink(missing_ok=True)
        existing[d].unlink()
    return Change(removed=list(doc_ids))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
