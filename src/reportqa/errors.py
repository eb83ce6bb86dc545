"""Errors a user can cause. Each carries a message a person can act on.

The CLI turns them into exit code 2 and one line on stderr; the web layer
turns them into HTTP 400 responses. Anything else is a bug.
"""


class ReportQAError(Exception):
    """Base class for every error caused by input or configuration."""


class QuestionError(ReportQAError):
    """The question is empty, too long or not text."""


class CorpusError(ReportQAError):
    """A corpus file cannot be read or the corpus is empty."""


class ModelError(ReportQAError):
    """The configured embedding model cannot be loaded."""


class IndexStoreError(ReportQAError):
    """The index on disk is unreadable and cannot be rebuilt."""


class ConfigError(ReportQAError):
    """A REPORTQA_* setting has a value that cannot be used."""
