"""The `reportqa` command: build | add | remove | list | ask | eval | serve | feedback-export | staff-user.

Errors a user can cause print one line on stderr and exit with code 2.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from .config import Settings
from .errors import ReportQAError


def _settings(corpus, index) -> Settings:
    return Settings.from_env(corpus_dir=corpus, index_dir=index)


def _service(settings: Settings, warm_up: bool = True):
    from .service import QAService

    return QAService(settings, warm_up=warm_up)


def _fail(message: str) -> None:
    click.echo(f"reportqa: {message}", err=True)
    sys.exit(2)


class _Commands(click.Group):
    """Errors a user can cause become one line on stderr and exit code 2, in every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ReportQAError as e:
            _fail(str(e))


@click.group(cls=_Commands)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def cli(verbose: bool) -> None:
    """Exact, cited answers from Chinese government reports."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


corpus_option = click.option("--corpus", type=click.Path(path_type=Path), help="Corpus directory (default ./corpus).")
_index_dir = click.option("--index", type=click.Path(path_type=Path), help="Index directory (default ./index).")


def _use_store(ctx, param, value):
    if value:  # REPORTQA_STORE, for the Settings this command reads
        os.environ["REPORTQA_STORE"] = value


_store = click.option("--store", expose_value=False, callback=_use_store, is_eager=True,
                      help="Where passages are searched: faiss (default), a Milvus Lite file (….db) or a Milvus "
                           "URI (http://host:19530); REPORTQA_STORE.")


def index_option(f):
    return _index_dir(_store(f))


@cli.command()
@corpus_option
@index_option
def build(corpus, index) -> None:
    """Parse, chunk, embed and index every report in the corpus (.txt .md .html .docx .pdf)."""
    _build(_settings(corpus, index))


def _build(settings: Settings) -> None:
    from . import building
    from .embedding import Encoder

    path = building.build(settings, Encoder(settings.model))
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    counts, encoded, store = manifest["counts"], manifest["encoded"], manifest["store"]
    speed = f" at {manifest['texts_per_second']:.0f} texts/s" if manifest.get("texts_per_second") else ""
    click.echo(f"indexed {counts['documents']} report(s): {counts['chunks']} passages, "
               f"{counts['sentences']} sentences ({sum(encoded.values())} texts embedded{speed}, the rest reused; "
               f"store {store.get('index') or store.get('uri')}) in {manifest['build_seconds']}s -> {path}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--place", help="The place the reports are about (小河镇), instead of the one read from the title.")
@click.option("--year", type=click.IntRange(1949, 2100), help="The year the reports cover.")
@click.option("--kind", help="The kind of report (政府工作报告, 统计公报, 工作总结 …).")
@corpus_option
@index_option
def add(paths, place, year, kind, corpus, index) -> None:
    """Add report files or folders to the corpus and index them (only new texts are embedded)."""
    from . import collection
    from . import index as index_store

    settings = _settings(corpus, index)
    change = collection.add(settings.corpus_dir, list(paths), {"place": place, "year": year, "kind": kind})
    for label, docs in (("added", change.added), ("replaced", change.replaced), ("unchanged", change.unchanged)):
        if docs:
            click.echo(f"{label}: {', '.join(docs)}")
    if change.changed or index_store.stale_reason(settings):
        _build(settings)


@cli.command()
@click.argument("docs", nargs=-1, required=True)
@corpus_option
@index_option
def remove(docs, corpus, index) -> None:
    """Remove reports (by id: the file name without extension) from the corpus and the index."""
    from . import collection

    settings = _settings(corpus, index)
    change = collection.remove(settings.corpus_dir, list(docs))
    click.echo(f"removed: {', '.join(change.removed)}")
    _build(settings)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as a JSON array.")
@corpus_option
@index_option
def list_reports(as_json, corpus, index) -> None:
    """List the indexed reports: id, title, place, level, year, kind, issuer, issue date, passages."""
    from . import index as index_store

    settings = _settings(corpus, index)
    reason = index_store.stale_reason(settings)
    if reason:
        click.echo(f"reportqa: the index is not up to date ({reason}); run `reportqa build`", err=True)
    reports = index_store.load(settings.index_dir).reports()
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=1))
        return
    rows = [("doc", "place", "level", "year", "kind", "issuer", "issued", "passages", "added", "title")]
    rows += [(r["doc"], r["place"], r["level"], str(r["year"] or ""), r["kind"], r["issuer"], r["issued"],
              str(r["passages"]), r["added"][:10], r["title"]) for r in reports]
    for row in rows:
        click.echo("  ".join(row))


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--jsonl", type=click.File("r", encoding="utf-8"), help="Answer every JSON line of FILE ('-' for stdin).")
@click.option("--doc", help="Answer only from this report (its id, as `reportqa list` shows).")
@click.option("--place", help="Answer only from reports about this place (小河镇, 小河 or Xiaohe).")
@click.option("--year", type=int, help="Answer only from reports covering this year.")
@corpus_option
@index_option
def ask(question, as_json, jsonl, doc, place, year, corpus, index) -> None:
    """Answer QUESTION, or every line of --jsonl FILE (lines may carry doc, place, year)."""
    from .qa.scope import Scope

    if jsonl is None:
        if question is None or not question.strip():
            _fail("the question is empty; ask something like: reportqa ask \"2024年化解了多少矛盾纠纷？\"")
    service = _service(_settings(corpus, index), warm_up=jsonl is not None)  # one question: no warm-up
    scope = Scope(doc=doc, place=place, year=year)
    if jsonl is not None:
        _ask_lines(service, jsonl, scope)
        return
    answer = service.ask(question, scope=scope)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    click.echo(answer.answer)
    for n, c in enumerate(answer.citations, start=1):
        click.echo(f"\n[{n}] {c.section}  ({c.doc}: {c.place} {c.year or ''}, {c.start}-{c.end})")
        click.echo("    " + c.text.replace("\n", "\n    "))


def _ask_lines(service, lines, scope) -> None:
    """The scorer's protocol: one JSON object out per line in, in order, flushed as it goes."""
    from .qa.scope import Scope

    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            out = {"id": None, "error": f"line is not JSON ({e.msg})"}
        else:
            qid = item.get("id") if isinstance(item, dict) else None
            question = item.get("question") if isinstance(item, dict) else None
            if question is None:
                out = {"id": qid, "error": "line has no \"question\""}
            else:
                try:
                    line_scope = Scope(**{k: item.get(k) or getattr(scope, k) for k in ("doc", "place", "year")})
                    out = service.ask(question, history=item.get("history"), id=qid, scope=line_scope).to_dict()
                except ReportQAError as e:
                    out = {"id": qid, "question": question if isinstance(question, str) else None, "error": str(e)}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()


@cli.command()
@click.option("--place", help="Only the targets of reports about this place (全国, 小河镇, 小河 or Xiaohe).")
@click.option("--year", type=click.IntRange(1949, 2100), help="Only the targets set for this year.")
@click.option("--status", type=click.Choice(["met", "not_met", "not_reported"]), help="Only targets of this status.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per target.")
@corpus_option
@index_option
def commitments(place, year, status, jsonl, corpus, index) -> None:
    """The targets the reports set, each with the result the next report states and met / not met."""
    from . import index as index_store
    from .tracker import Tracker, summary

    settings = _settings(corpus, index)
    loaded = index_store.load(settings.index_dir)  # a missing or damaged index: one line, exit code 2
    reason = index_store.stale_reason(settings)
    if reason:
        click.echo(f"reportqa: the index is not up to date ({reason}); run `reportqa build`", err=True)
    docs = None
    if place:
        from .qa.scope import Scope, Scoper

        docs = Scoper(loaded.metas, loaded.spellings, loaded.coverage()).scope("", "zh", Scope(place=place)).docs
        if not docs:
            _fail(f"no report is about the place {place!r}; `reportqa list` shows the places")
    def encoder():
        from .embedding import Encoder

        return Encoder(settings.model)

    items = Tracker(loaded, encoder).select(docs, year=year, status=status)
    if jsonl:
        for t in items:
            click.echo(json.dumps(t, ensure_ascii=False))
        return
    for t in items:
        reported = t["outcome"]["quote"] if t["outcome"] else "—"
        click.echo(f"{t['year']}\t{t['status']}\t{t['text']}\t{reported}\t({t['doc']})")
    click.echo(summary(items))


@cli.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_option
@index_option
def evaluate(questions, corpus, index) -> None:
    """Score a JSONL question set (id, question, gold, expect / expect_found)."""
    from .evaluation import score

    items = []
    for n, line in enumerate(questions.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                _fail(f"{questions}:{n}: not a JSON line")
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                _fail(f"{questions}:{n}: no \"question\"")
            items.append(item)
    service = _service(_settings(corpus, index))
    answers = []
    for item in items:
        try:
            answers.append(service.ask(item["question"], id=item.get("id")).to_dict())
        except ReportQAError as e:
            answers.append({"id": item.get("id"), "found": False, "answer": "", "error": str(e)})
    figures = score(items, answers)
    for item, a in zip(items, answers):
        click.echo(f"{item.get('id')}\t{'found' if a.get('found') else 'declined'}\t{item['question']} -> {a.get('answer', '')[:80]}")
    click.echo(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1, or REPORTQA_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 7860, or REPORTQA_PORT).")
@click.option("--public", is_flag=True, default=None, help="Serve the public pages only: no staff pages at all "
              "(or REPORTQA_PUBLIC=1).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes answering questions (default 1, or REPORTQA_WORKERS); one per core.")
@corpus_option
@index_option
def serve(host, port, public, workers, corpus, index) -> None:
    """Start the web chat, the HTTP API and the widget."""
    from .web import serve as run

    run(Settings.from_env(host=host, port=port, public=public, workers=workers, corpus_dir=corpus, index_dir=index))


@cli.command("feedback-export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default="feedback-export.jsonl",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
def feedback_export(out, fmt) -> None:
    """Export staff likes/dislikes (question, answer, sources, vote, time)."""
    from .feedback import export

    from .feedback import store_path

    settings = Settings.from_env()
    n = export(settings.feedback_path, out, fmt)
    click.echo(f"exported {n} vote(s) from {store_path(settings.feedback_path)} -> {out}")


@cli.group("staff-user")
def staff_user() -> None:
    """Staff accounts for the staff pages (the file REPORTQA_STAFF_USERS; passwords stored as scrypt hashes).
    A running server takes changes up within a second."""


@staff_user.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def staff_user_add(name, password_stdin) -> None:
    """Add the account NAME, or set its password (which signs out its sessions)."""
    from .web.auth import add_user

    path = Settings.from_env().staff_users_path
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    new = add_user(path, name, password)
    click.echo(f"{'added' if new else 'changed the password of'} {name} in {path}")


@staff_user.command("remove")
@click.argument("name")
def staff_user_remove(name) -> None:
    """Remove the account NAME (its sessions end)."""
    from .web.auth import remove_user

    path = Settings.from_env().staff_users_path
    remove_user(path, name)
    click.echo(f"removed {name} from {path}")


@staff_user.command("list")
def staff_user_list() -> None:
    """The account names (never the hashes)."""
    from .web.auth import read_users

    for name in sorted(read_users(Settings.from_env().staff_users_path)):
        click.echo(name)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ReportQAError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
