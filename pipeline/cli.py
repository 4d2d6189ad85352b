"""Command line: arguments and exit codes; `pipeline.run` does the work.

    python -m pipeline run PATH... --out DIR [--jobs N] [--lang vie] [--ocr auto|force|skip-text]
                           [--image-dpi N] [--incremental] [--keep-words FILE] [--pdf]
                           [--executor local|dask] [--scheduler ADDRESS]
    python -m pipeline restore [FILE] [--keep-words FILE]
    python -m pipeline schema

Exit status: 0 when every input succeeded; otherwise the highest exit code among the failed
inputs (see pipeline.errors), each failure named on stderr. Only `restore` and `schema`
write to stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import get_args

from pipeline import __version__, progress
from pipeline.errors import InternalError, PipelineError, UsageError
from pipeline.model import OcrMode
from pipeline.run import Options, restore_stream, run_inputs
from pipeline.text.keep_words import DEFAULT_NAME, KeepWords, KeepWordsError, read_keep_words

log = logging.getLogger("pipeline")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    # Other libraries' info lines (pikepdf's "logger bridge initialized") are noise to users.
    logging.basicConfig(stream=sys.stderr, format="vn-plan: %(message)s",
                        level=level if args.verbose else logging.WARNING)
    log.setLevel(level)
    try:
        return args.command(args)
    except PipelineError as error:
        log.error("%s", error)
        return error.exit_code
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (workers.Interrupted)
        signum = getattr(stop, "signal", 2)
        log.error("interrupted (%s): queued pages cancelled", "SIGTERM" if signum == 15 else
                  "SIGINT")
        return 128 + signum
    except Exception as exc:  # a bug outside any one input: say so, with its own code
        log.exception("%s", InternalError(repr(exc)))
        return InternalError.exit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"vn-plan-pipeline {__version__}")
    _add_verbosity(parser, default=False)
    # -q / -v after the command too ("run -q ..."); SUPPRESS keeps one given before it
    verbosity = argparse.ArgumentParser(add_help=False)
    _add_verbosity(verbosity, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="process scans and OCR'd text files",
                              parents=[verbosity])
    run.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    run.add_argument("--out", type=Path, required=True, help="output folder")
    run.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                     help="pages OCR'd in parallel (default: number of cores)")
    run.add_argument("--lang", default="vie", help="Tesseract language(s) (default: vie)")
    run.add_argument("--ocr", choices=get_args(OcrMode), default="auto",
                     help="PDF pages with their own text: auto (default) keeps visible text "
                          "that reads as Vietnamese and OCRs the rest, force OCRs every page, "
                          "skip-text keeps any text layer")
    run.add_argument("--image-dpi", type=_positive_int, metavar="N",
                     help="the resolution of scanned pages, trusted instead of measuring their "
                          "text size (default: measured; dpi tags are often wrong)")
    run.add_argument("--incremental", action="store_true",
                     help="skip inputs whose outputs were made from the same input (sha256) "
                          "by this version with the same --lang, --ocr, --image-dpi and "
                          "keep-words")
    run.add_argument("--keep-words", type=Path, metavar="FILE",
                     help="words and phrases to leave as they are read (one a line, # "
                          f"comments), with every {DEFAULT_NAME} found beside the inputs")
    run.add_argument("--pdf", action="store_true",
                     help="also write NAME.pdf: the input's page images unchanged with an "
                          "invisible text layer of the restored text (PDF/A-2b where the input "
                          "allows; scans only)")
    run.add_argument("--executor", choices=("local", "dask"), default="local",
                     help="where pages are read: local worker processes (default) or a Dask "
                          "cluster (a LocalCluster of --jobs workers, or --scheduler's)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: the Dask scheduler to run on "
                          "(tcp://HOST:8786); default: a LocalCluster started for the run")
    run.set_defaults(command=run_command)

    restore = commands.add_parser("restore", help="restore OCR text: FILE or stdin -> stdout",
                                  parents=[verbosity])
    restore.add_argument("file", nargs="?", type=Path, help="text file (default: stdin)")
    restore.add_argument("--keep-words", type=Path, metavar="FILE",
                         help="words and phrases to leave as they are read (one a line)")
    restore.set_defaults(command=restore_command)

    schema = commands.add_parser("schema", help="print the output JSON Schema",
                                 parents=[verbosity])
    schema.set_defaults(command=schema_command)
    return parser


def _add_verbosity(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="only warnings and errors, no progress bar")
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="debugging detail too")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# --- restore -------------------------------------------------------------------------------

def restore_command(args: argparse.Namespace) -> int:
    if args.file is not None and not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    label = str(args.file) if args.file is not None else "<stdin>"
    opened = args.file.open("rb") if args.file is not None else nullcontext(sys.stdin.buffer)
    keep = _keep_words(args.keep_words)
    with opened as stream:
        restore_stream(stream, sys.stdout, label, keep)
    return 0


def _keep_words(path: Path | None) -> KeepWords | None:
    """The --keep-words file's list; a file that cannot be read or holds a line that is no
    word is a usage error (E002), found before any input is read."""
    if path is None:
        return None
    try:
        return read_keep_words(path)
    except KeepWordsError as error:
        raise UsageError(f"--keep-words {error}") from error


def schema_command(args: argparse.Namespace) -> int:
    from pipeline.emit.schema import published_schema

    sys.stdout.write(json.dumps(published_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


# --- run -----------------------------------------------------------------------------------

def run_command(args: argparse.Namespace) -> int:
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    options = Options(jobs=args.jobs, lang=args.lang, ocr=args.ocr, image_dpi=args.image_dpi,
                      incremental=args.incremental, progress=progress.wanted(args.quiet),
                      keep_words=_keep_words(args.keep_words), pdf=args.pdf,
                      executor=args.executor, scheduler=args.scheduler)
    return run_inputs(args.paths, args.out, options)
