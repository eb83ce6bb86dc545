"""The scope fields of a request (doc, place, year), read the same way by every route: REST, /v1 and
Gradio's /ask."""
from __future__ import annotations

from ..qa.scope import Scope

MAX_NAME = 200  # characters of a doc or place filter


def read_scope(doc=None, place=None, year=None) -> Scope:
    """A Scope from request fields: doc and place text, year a whole number (or its digits).
    Raises ValueError with a message for the caller when a field has the wrong type."""
    names = {}
    for field, value in (("doc", doc), ("place", place)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f'"{field}" must be text, like "{"小河镇" if field == "place" else "xiaohe-2023"}"')
        if value is not None and len(value) > MAX_NAME:
            raise ValueError(f'"{field}" is over {MAX_NAME} characters')
        names[field] = value.strip() if value and value.strip() else None
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    elif isinstance(year, str) and not year.strip():
        year = None
    elif isinstance(year, float) and year.is_integer():
        year = int(year)
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        raise ValueError('"year" must be a year like 2024')
    return Scope(doc=names["doc"], place=names["place"], year=year)
