"""The reportqa command as a user runs it: a real process, the real index."""
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def run(settings, service):
    """Run `reportqa ARGS` against the session's index (already built by `service`)."""
    env = dict(os.environ, REPORTQA_CORPUS=str(settings.corpus_dir), REPORTQA_INDEX=str(settings.index_dir))

    def _run(*args, stdin=None, extra_env=None):
        return subprocess.run([sys.executable, "-m", "reportqa.cli", *args], input=stdin, capture_output=True,
                              text=True, env={**env, **(extra_env or {})}, timeout=300)
    return _run


def test_ask_prints_the_answer_then_numbered_citations(run):
    p = run("ask", "2024年化解了多少矛盾纠纷？")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("230件")
    assert any(l.startswith("[1] 二、推进法治政府建设的主要举措和成效 › (七)") for l in lines)
    assert "全年累计排查化解各类矛盾纠纷230件" in p.stdout


def test_ask_json_schema(run):
    p = run("ask", "--json", "How many disputes were mediated in 2024?")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["found"] is True and "230" in d["answer"] and d["lang"] == "en"
    assert isinstance(d["latency_ms"], float) and d["question"].startswith("How many")
    c = d["citations"][0]
    assert {"doc", "section", "text", "score", "section_path", "start", "end", "quote", "link"} <= set(c)
    assert isinstance(c["score"], float) and c["section"] == " › ".join(c["section_path"])


def test_jsonl_protocol_answers_in_order_and_survives_bad_lines(run):
    lines = "\n".join([
        json.dumps({"id": "a", "question": "全年开展了几场法治宣传活动？"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "question": "   "}),
        json.dumps({"id": "d", "question": "x" * 2001}),
        json.dumps({"id": 5, "question": "What was Xiaohe town's GDP in 2024?"}),
    ]) + "\n"
    p = run("ask", "--jsonl", "-", stdin=lines)
    assert p.returncode == 0, p.stderr
    out = [json.loads(l) for l in p.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b", "c", "d", 5]
    assert out[0]["found"] and "7场次" in out[0]["answer"]
    assert "not JSON" in out[1]["error"]
    assert "question" in out[2]["error"]
    assert "empty" in out[3]["error"]
    assert "2000" in out[4]["error"]
    assert out[5]["found"] is False and out[5]["citations"]
    assert "Traceback" not in p.stderr


def test_jsonl_from_a_file(run, tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"id": 1, "question": "矛盾纠纷调解成功率是多少？"}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run("ask", "--jsonl", str(f))
    assert json.loads(p.stdout)["answer"].startswith("97%")


@pytest.mark.parametrize("args", [["ask", ""], ["ask", "   "], ["ask"]])
def test_empty_question_exits_2_with_one_line(run, args):
    p = run(*args)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "empty" in p.stderr


def test_overlong_question_is_a_clear_error_not_a_traceback(run):
    p = run("ask", "问" * 2001)
    assert p.returncode == 2
    assert "2000" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_missing_model_setting_is_a_clear_error(run, tmp_path):
    p = run("ask", "2024年化解了多少矛盾纠纷？", extra_env={"REPORTQA_MODEL": str(tmp_path / "bge-m3")})
    assert p.returncode == 2
    assert "REPORTQA_MODEL" in p.stderr and "Traceback" not in p.stderr


def test_bad_corpus_file_is_refused_naming_it(run, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "latin1.txt").write_bytes("Rapport préliminaire - état des lieux, année écoulée. ".encode("latin-1") * 10)
    p = run("build", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert p.returncode == 2
    assert "latin1.txt" in p.stderr and "Traceback" not in p.stderr


def test_empty_corpus_is_a_clear_error(run, tmp_path):
    (tmp_path / "corpus").mkdir()
    p = run("build", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"))
    assert p.returncode == 2 and "holds no reports" in p.stderr


def test_missing_index_is_built_on_first_question(run, corpus_copy, tmp_path):
    index = tmp_path / "fresh-index"
    p = run("ask", "--corpus", str(corpus_copy), "--index", str(index), "--json", "全年接待群众来信来访多少人次？")
    assert p.returncode == 0, p.stderr
    assert "rebuilding index: no index" in p.stderr
    assert (index / "active" / "manifest.json").exists()
    assert "350" in json.loads(p.stdout)["answer"]


def test_build_reports_what_it_indexed(run, corpus_copy, tmp_path):
    p = run("build", "--corpus", str(corpus_copy), "--index", str(tmp_path / "idx"))
    assert p.returncode == 0, p.stderr
    assert "indexed 1 report(s)" in p.stdout


@pytest.mark.skipif(not DEV.exists(), reason="the shared dev set is not beside the repo")
def test_eval_reports_the_scorers_figures(run):
    p = run("eval", str(DEV))
    assert p.returncode == 0, p.stderr
    figures = dict(kv.split("=") for kv in p.stdout.splitlines()[-1].split())
    assert float(figures["hit3"]) >= 0.95 and float(figures["answer"]) >= 0.85
    assert float(figures["refusal"]) == 1.0


def test_eval_rejects_a_bad_question_file(run, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text("{not json}\n", encoding="utf-8")
    p = run("eval", str(f))
    assert p.returncode == 2 and "bad.jsonl:1" in p.stderr


def test_feedback_export_from_the_cli(run, tmp_path):
    from reportqa.feedback import FeedbackStore

    store = tmp_path / "fb.sqlite3"
    FeedbackStore(store).record("a1", "alice", "like", "=2024年化解了多少矛盾纠纷？", "230件", [])
    out = tmp_path / "votes.csv"
    p = run("feedback-export", "--out", str(out), "--format", "csv", extra_env={"REPORTQA_FEEDBACK": str(store)})
    assert p.returncode == 0, p.stderr
    assert "exported 1 vote(s)" in p.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert "230件" in text and "'=2024年" in text


def test_feedback_export_migrates_an_old_jsonl_store(run, tmp_path):
    old = tmp_path / "feedback.jsonl"
    old.write_text(json.dumps({"timestamp": "2024-12-01T00:00:00+00:00", "vote": "like", "question": "q",
                               "answer": "230件", "citations": []}) + "\n", encoding="utf-8")
    out = tmp_path / "votes.jsonl"
    p = run("feedback-export", "--out", str(out), extra_env={"REPORTQA_FEEDBACK": str(old)})
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["answer"] == "230件"
    assert (tmp_path / "feedback.sqlite3").exists() and (tmp_path / "feedback.jsonl.imported").exists()


def test_staff_user_add_stores_a_hash_and_refuses_a_short_password(run, tmp_path):
    users = tmp_path / "users"
    env = {"REPORTQA_STAFF_USERS": str(users)}
    p = run("staff-user", "add", "alice", "--password-stdin", stdin="correct horse battery\n", extra_env=env)
    assert p.returncode == 0, p.stderr
    text = users.read_text()
    assert "alice:scrypt$" in text and "correct horse" not in text
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    short = run("staff-user", "add", "bob", "--password-stdin", stdin="short\n", extra_env=env)
    assert short.returncode == 2 and "at least" in short.stderr and "Traceback" not in short.stderr
    assert run("staff-user", "list", extra_env=env).stdout.split() == ["alice"]
    assert run("staff-user", "remove", "alice", extra_env=env).returncode == 0
    assert run("staff-user", "list", extra_env=env).stdout.split() == []
    missing = run("staff-user", "remove", "nobody", extra_env=env)
    assert missing.returncode == 2 and "nobody" in missing.stderr


def test_asking_never_imports_torch_or_sentence_transformers(settings, service):
    code = ("import sys; from click.testing import CliRunner; from reportqa.cli import cli; "
            "r = CliRunner().invoke(cli, ['ask', '2024年化解了多少矛盾纠纷？']); "
            "print(r.exit_code, r.output.splitlines()[0], 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    env = dict(os.environ, REPORTQA_CORPUS=str(settings.corpus_dir), REPORTQA_INDEX=str(settings.index_dir))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert p.stdout.split() == ["0", "230件：“全年累计排查化解各类矛盾纠纷230件”", "[1]", "False", "False"], p.stdout + p.stderr
