"""Adding, replacing, listing and removing reports with the command, as a user does."""
import json
import shutil
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from reportqa.cli import cli

from conftest import MULTI, SEED


@pytest.fixture()
def kb(tmp_path, encoder):
    """A fresh knowledge base holding the seed, with `reportqa …` bound to it (click's runner, in-process)."""
    if not MULTI.is_dir():
        pytest.skip("../shared/eval/multi is not beside the repo")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    env = {"REPORTQA_CORPUS": str(corpus), "REPORTQA_INDEX": str(index)}

    def run(*args):
        r = CliRunner().invoke(cli, list(args), env=env)
        return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr, exception=r.exception)
    assert run("build").returncode == 0
    run.corpus, run.index = corpus, index
    run.manifest = lambda: json.loads((index / "active" / "manifest.json").read_text(encoding="utf-8"))
    return run


def test_adding_a_report_embeds_only_that_report(kb):
    before = kb.manifest()
    p = kb("add", str(MULTI / "songlin-2024.txt"))
    assert p.returncode == 0, p.stderr
    after = kb.manifest()
    assert after["counts"]["documents"] == 2
    added_passages = after["counts"]["chunks"] - before["counts"]["chunks"]
    assert 0 < after["encoded"]["chunks"] <= added_passages  # the seed's passages were reused
    assert "added: songlin-2024" in p.stdout


def test_adding_an_unchanged_file_does_nothing(kb):
    kb("add", str(MULTI / "songlin-2024.txt"))
    built = kb.manifest()["built_at"], kb.manifest()["build_seconds"]
    p = kb("add", str(MULTI / "songlin-2024.txt"))
    assert p.returncode == 0 and "unchanged: songlin-2024" in p.stdout
    assert (kb.manifest()["built_at"], kb.manifest()["build_seconds"]) == built


def test_a_changed_file_replaces_its_old_passages(kb, tmp_path):
    src = tmp_path / "songlin-2024.txt"
    shutil.copy(MULTI / "songlin-2024.txt", src)
    kb("add", str(src))
    src.write_text(src.read_text(encoding="utf-8").replace("157件", "175件"), encoding="utf-8")
    p = kb("add", str(src))
    assert "replaced: songlin-2024" in p.stdout
    a = json.loads(kb("ask", "--json", "松林乡2024年化解了多少件矛盾纠纷？").stdout)
    assert "175" in a["answer"] and "157" not in json.dumps(a["citations"], ensure_ascii=False)


def test_metadata_flags_override_and_show_in_the_list(kb, tmp_path):
    src = tmp_path / "notes.txt"
    src.write_text("工作情况报告\n\n一、主要工作\n\n全年召开专题会议研究法治工作6次。\n", encoding="utf-8")
    p = kb("add", str(src), "--place", "青石镇", "--year", "2022", "--kind", "工作总结")
    assert p.returncode == 0, p.stderr
    rows = {r["doc"]: r for r in json.loads(kb("list", "--json").stdout)}
    assert (rows["notes"]["place"], rows["notes"]["year"], rows["notes"]["kind"]) == ("青石镇", 2022, "工作总结")
    assert rows[SEED.stem]["place"] == "小河镇" and rows[SEED.stem]["passages"] > 10
    assert set(rows["notes"]) >= {"doc", "title", "place", "level", "year", "kind", "issuer", "issued", "passages", "added"}
    a = json.loads(kb("ask", "--json", "青石镇召开专题会议研究法治工作几次？").stdout)
    assert a["found"] and "6次" in a["answer"]


def test_removing_a_report_takes_its_passages_away(kb):
    kb("add", str(MULTI / "songlin-2024.txt"))
    p = kb("remove", "songlin-2024")
    assert p.returncode == 0, p.stderr
    assert not (kb.corpus / "songlin-2024.txt").exists()
    a = json.loads(kb("ask", "--json", "松林乡2024年化解了多少件矛盾纠纷？").stdout)
    assert not a["found"] and a["citations"] == []


def test_bad_input_changes_nothing_and_says_why(kb, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Rapport préliminaire, année écoulée. ".encode("latin-1") * 10)
    p = kb("add", str(MULTI / "songlin-2024.txt"), str(bad))
    assert p.returncode == 2 and "latin1.txt" in p.stderr and "Traceback" not in p.stderr
    assert sorted(f.name for f in kb.corpus.iterdir()) == [SEED.name]  # the good file was not added either
    for args in (("remove", "no-such-report"), ("add", str(tmp_path / "missing.txt")),
                 ("add", str(MULTI / "songlin-2024.txt"), "--year", "twenty")):
        p = kb(*args)
        assert p.returncode == 2 and "Traceback" not in p.stderr, args


def test_ask_filters_restrict_the_answer(kb):
    kb("add", str(MULTI / "songlin-2024.txt"))
    p = kb("ask", "--json", "--place", "松林乡", "2024年化解了多少矛盾纠纷？")
    a = json.loads(p.stdout)
    assert a["found"] and "157" in a["answer"] and {c["doc"] for c in a["citations"]} == {"songlin-2024"}
    a = json.loads(kb("ask", "--json", "--doc", "songlin-2024", "--year", "2023", "化解了多少矛盾纠纷？").stdout)
    assert not a["found"] and a["citations"] == []
