"""One exception class per failure kind, each with its exit code.

The CLI maps any `PipelineError` to its `exit_code`; when several inputs fail, the run exits
with the highest code among them. Codes are part of the documented contract (README).
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: something about one input or the environment went wrong."""

    exit_code = 1
    code = "E001"

    def __str__(self) -> str:  # "E101 unreadable input: x.pdf: reason"
        return f"{self.code} {self.describe}: {super().__str__()}"

    describe = "pipeline error"


class UsageError(PipelineError):
    exit_code = 2
    code = "E002"
    describe = "usage"


class InputNotFound(PipelineError):
    exit_code = 3
    code = "E101"
    describe = "input not found"


class UnsupportedInput(PipelineError):
    exit_code = 4
    code = "E102"
    describe = "unsupported input"


class CorruptInput(PipelineError):
    exit_code = 5
    code = "E103"
    describe = "corrupt or unreadable input"


class BadKeepWords(CorruptInput):
    """A keep-words.txt found beside the inputs cannot be read or has a line that is no word
    or phrase: the inputs it applies to fail (a bad --keep-words file is a UsageError)."""

    describe = "bad keep-words file"


class MissingDependency(PipelineError):
    """A program or language model the pipeline needs is not installed."""

    exit_code = 6
    code = "E201"
    describe = "missing dependency"


class MissingData(MissingDependency):
    """A data file of the pipeline itself (pipeline/data, the lexicon, the schema) is not in
    the installed package: a broken install, never the input's fault."""

    code = "E203"
    describe = "missing pipeline data file"


class ExternalToolFailed(PipelineError):
    exit_code = 7
    code = "E202"
    describe = "external tool failed"


class OutputError(PipelineError):
    exit_code = 8
    code = "E301"
    describe = "cannot write output"


class SchemaViolation(PipelineError):
    """The document did not validate against the published schema: a bug, never user error."""

    exit_code = 9
    code = "E302"
    describe = "output does not match the schema"


class InternalError(PipelineError):
    """A bug in the pipeline (the traceback is logged): never the input's or the user's fault."""

    exit_code = 10
    code = "E900"
    describe = "internal error (a bug: please report it)"
