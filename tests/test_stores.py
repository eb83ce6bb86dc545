"""The two stores: FAISS (embedded, the default) and Milvus, run for real as Milvus Lite in its
local-file mode and as `milvus-lite server` on loopback. Both propose candidates that the same
scoring ranks, so they give the same top passages."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportqa.config import Settings
from reportqa.errors import ConfigError
from reportqa.service import QAService
from reportqa.store import describe

from conftest import REPO, SHARED

DEV = SHARED / "eval" / "dev.jsonl"


def _questions():
    if not DEV.exists():
        pytest.skip("../shared/eval/dev.jsonl is not beside the repo")
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _top(service, question, n=3):
    return [(c.doc, c.start, c.end) for c in service.ask(question).citations[:n]]


@pytest.fixture(scope="module")
def milvus_file(settings, tmp_path_factory, encoder):
    d = tmp_path_factory.mktemp("milvus-file")
    s = Settings.from_env(corpus_dir=settings.corpus_dir, index_dir=d / "index", store=str(d / "milvus.db"))
    return QAService(s, encoder=encoder)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def milvus_server(settings, tmp_path_factory, encoder):
    d = tmp_path_factory.mktemp("milvus-server")
    port = _free_port()
    cli = Path(sys.executable).with_name("milvus-lite")
    proc = subprocess.Popen([str(cli), "server", "--data-dir", str(d / "data"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("milvus-lite server exited at start")
                time.sleep(0.1)
        s = Settings.from_env(corpus_dir=settings.corpus_dir, index_dir=d / "index", store=f"http://127.0.0.1:{port}")
        yield QAService(s, encoder=encoder)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_milvus_lite_file_gives_the_faiss_stores_top_passages(service, milvus_file):
    assert milvus_file.index.store.kind == "milvus" and service.index.store.kind == "faiss"
    for q in _questions():
        assert _top(milvus_file, q) == _top(service, q), q


def test_milvus_lite_server_gives_the_same_answers_as_the_file(service, milvus_server):
    assert milvus_server.index.manifest["store"]["uri"].startswith("http://127.0.0.1:")
    for q in _questions():
        a, b = milvus_server.ask(q), service.ask(q)
        assert (a.found, a.answer, _top(milvus_server, q)) == (b.found, b.answer, _top(service, q)), q


def test_milvus_filters_by_report_and_year(multi_corpus, tmp_path, encoder):
    from reportqa.qa.scope import Scope

    s = Settings.from_env(corpus_dir=multi_corpus, index_dir=tmp_path / "index", store=str(tmp_path / "m.db"))
    svc = QAService(s, encoder=encoder)
    a = svc.ask("调解成功率是多少？", scope=Scope(place="松林乡", year=2023))
    assert a.found and a.answer.startswith("94%") and {c.doc for c in a.citations} == {"songlin-2023"}, a.answer
    b = svc.ask("How many petition visits did Xiaohe town receive in 2024?")
    # passages speaking of 2024: the 2024 report's, and the 2023 report's plans for 2024
    assert b.found and b.citations[0].doc == "000_c02059fcca3304c1", b.citations
    assert all(c.doc in ("000_c02059fcca3304c1", "xiaohe-2023") for c in b.citations), b.citations


def test_a_new_build_replaces_the_milvus_collection(milvus_file):
    from reportqa.store.milvus import connect

    client = connect(milvus_file.index.manifest["store"]["uri"])
    assert client.list_collections() == [milvus_file.index.manifest["store"]["collection"]]
    client.close()


def test_a_store_that_is_neither_faiss_nor_milvus_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="REPORTQA_STORE"):
        describe("postgres://localhost/db")
    env = dict(os.environ, REPORTQA_STORE="elastic", REPORTQA_INDEX=str(tmp_path / "index"))
    p = subprocess.run([sys.executable, "-m", "reportqa.cli", "build"], env=env, capture_output=True, text=True, cwd=REPO)
    assert p.returncode == 2 and "REPORTQA_STORE='elastic'" in p.stderr and "Traceback" not in p.stderr
