"""Start the reportqa web server: `python app.py [--host H] [--port P] [--public]`.

Same as `reportqa serve`; kept at the repository root so the app runs without
installing the console script. Settings come from REPORTQA_* variables.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("REPORTQA_HOME", str(ROOT))  # ./corpus, ./index, ./feedback beside this file

from reportqa.config import Settings  # noqa: E402
from reportqa.errors import ReportQAError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="reportqa: chat, report browser, REST API and widget")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1, or REPORTQA_HOST)")
    parser.add_argument("--port", type=int, help="port (default 7860, or REPORTQA_PORT)")
    parser.add_argument("--corpus", type=Path, help="corpus directory (default ./corpus, or REPORTQA_CORPUS)")
    parser.add_argument("--index", type=Path, help="index directory (default ./index, or REPORTQA_INDEX)")
    parser.add_argument("--public", action="store_true", default=None,
                        help="serve the public pages only: no staff pages at all (or REPORTQA_PUBLIC=1)")
    parser.add_argument("--workers", type=int, help="processes answering questions (default 1, or REPORTQA_WORKERS)")
    args = parser.parse_args(argv)
    from reportqa.web import serve

    try:
        serve(Settings.from_env(host=args.host, port=args.port, public=args.public, workers=args.workers,
                                corpus_dir=args.corpus, index_dir=args.index))
    except ReportQAError as e:
        print(f"reportqa: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
