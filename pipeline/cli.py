"""Command line: arguments, progress, exit codes; the stages do the work.

    python -m pipeline run PATH... --out DIR [--jobs N] [--lang vie] [--ocr auto|force|skip-text]
                           [--image-dpi N] [--incremental]
    python -m pipeline restore [FILE]
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
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from pipeline import __version__, external, ingest
from pipeline.errors import PipelineError, UsageError
from pipeline.model import Document, OcrMode

log = logging.getLogger("pipeline")
INTERNAL_ERROR_EXIT = 10


@dataclass
class Job:
    """One input document on its way through the stages."""

    path: Path
    name: str = ""
    item: ingest.InputFile | None = None
    pages: list[Future] = field(default_factory=list)
    error: PipelineError | None = None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, format="vn-plan: %(message)s",
        level=logging.WARNING if args.quiet else logging.INFO,
    )
    try:
        return args.command(args)
    except PipelineError as error:
        log.error("%s", error)
        return error.exit_code
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="process scans and OCR'd text files")
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
                     help="skip inputs whose five outputs are newer than the input")
    run.set_defaults(command=run_command)

    restore = commands.add_parser("restore", help="restore OCR text: FILE or stdin -> stdout")
    restore.add_argument("file", nargs="?", type=Path, help="text file (default: stdin)")
    restore.set_defaults(command=restore_command)

    schema = commands.add_parser("schema", help="print the output JSON Schema")
    schema.set_defaults(command=schema_command)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# --- restore -------------------------------------------------------------------------------

def restore_command(args: argparse.Namespace) -> int:
    from pipeline.restore import restore_lines

    if args.file is not None and not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    label = str(args.file) if args.file is not None else "<stdin>"
    # Read, restored and written a block of lines at a time: memory does not grow with the
    # input (ingest.text_blocks; a long line is cut at a space, its restored parts rejoined)
    opened = args.file.open("rb") if args.file is not None else nullcontext(sys.stdin.buffer)
    with opened as stream:
        for raw, line, offset in ingest.text_blocks(stream):
            text = ingest.decode_text(raw, label, line, offset)
            lines, _ = restore_lines(ingest.split_lines(text))
            ending = "\n" if text.endswith("\n") else ""
            sys.stdout.write("\n".join(lines) + ending if lines else text)
    return 0


def schema_command(args: argparse.Namespace) -> int:
    from pipeline.emit.schema import published_schema

    sys.stdout.write(json.dumps(published_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


# --- run -----------------------------------------------------------------------------------

def run_command(args: argparse.Namespace) -> int:
    jobs = _discover(args.paths)
    _name_outputs(jobs)
    if args.incremental:
        jobs = [job for job in jobs if job.error or not _up_to_date(job, args.out)]
    for job in jobs:
        if job.error is None:
            _sniff(job)
    if not jobs:
        log.info("nothing to do: every output is up to date")
        return 0
    log.info("%d input(s) -> %s", len(jobs), args.out)
    scans = [job for job in jobs if job.error is None and job.item.kind != "text"]
    with ProcessPoolExecutor(max_workers=args.jobs) if scans else _NoPool() as pool:
        _submit_pages(scans, pool, args.lang, args.ocr, args.image_dpi)
        for number, job in enumerate(jobs, start=1):
            _finish(job, args.out, f"[{number}/{len(jobs)}]")
    return _report(jobs)


def _discover(paths: list[Path]) -> list[Job]:
    jobs: list[Job] = []
    for path in paths:
        try:
            jobs.extend(Job(found) for found in ingest.discover([path]))
        except PipelineError as error:
            jobs.append(Job(path, error=error))
    return jobs


def _name_outputs(jobs: list[Job]) -> None:
    """Output base names (ingest.output_stem), or the full file name when two inputs share one."""
    stems = [ingest.output_stem(job.path) for job in jobs]
    for job, stem in zip(jobs, stems, strict=True):
        job.name = stem if stems.count(stem) == 1 else job.path.name


def _up_to_date(job: Job, out_dir: Path) -> bool:
    from pipeline.emit import output_paths

    outputs = output_paths(out_dir, job.name)
    source_time = job.path.stat().st_mtime
    return all(p.exists() and p.stat().st_mtime >= source_time for p in outputs)


def _sniff(job: Job) -> None:
    try:
        job.item = ingest.sniff(job.path)
    except PipelineError as error:
        job.error = error


def _submit_pages(scans: list[Job], pool, lang: str, ocr_mode: OcrMode,
                  image_dpi: int | None = None) -> None:
    """Queue every page of every scan at once, so workers stay busy across documents."""
    from pipeline.ocr import plan_pages, recognize_page

    if not scans:
        return
    try:
        external.require_languages(lang)
    except PipelineError as error:
        for job in scans:
            job.error = error
        return
    for job in scans:
        try:
            job.pages = [pool.submit(recognize_page, page)
                         for page in plan_pages(job.item, lang, ocr_mode, image_dpi)]
        except PipelineError as error:
            job.error = error


def _finish(job: Job, out_dir: Path, counter: str) -> None:
    """Wait for the job's pages, then restore, segment and emit it; record any failure."""
    from pipeline.emit import remove_outputs, write_outputs

    if job.error is None:
        started = time.monotonic()
        try:
            write_outputs(_process(job, counter), out_dir, job.name)
            log.info("%s %s: done in %.1f s", counter, job.path.name, time.monotonic() - started)
        except PipelineError as error:
            job.error = error
        except Exception as error:  # a bug: report it, keep going with the other inputs
            log.exception("%s %s: internal error", counter, job.path.name)
            job.error = PipelineError(f"internal error: {error!r}")
            job.error.exit_code = INTERNAL_ERROR_EXIT
    if job.error is not None:
        if job.name:
            remove_outputs(out_dir, job.name)
        log.error("%s FAILED %s: %s", counter, job.path, job.error)


def _process(job: Job, counter: str) -> Document:
    from pipeline.ocr import assemble
    from pipeline.restore import restore_document
    from pipeline.segment import segment_document

    document = ingest.ingest(job.item)
    if job.pages:
        log.info("%s %s: OCR of %d page(s)", counter, job.path.name, len(job.pages))
        document = assemble(document, [future.result() for future in job.pages])
    log.info("%s %s: restoring %d lines", counter, job.path.name, len(document.ocr_lines))
    document = restore_document(document)
    return segment_document(document)


def _report(jobs: list[Job]) -> int:
    failed = [job for job in jobs if job.error is not None]
    if not failed:
        log.info("all %d input(s) done", len(jobs))
        return 0
    log.error("%d of %d input(s) failed:", len(failed), len(jobs))
    for job in failed:
        log.error("  %s: %s", job.path, job.error)
    return max(job.error.exit_code for job in failed)


class _NoPool:
    """Stands in for the process pool when no input needs OCR."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False
