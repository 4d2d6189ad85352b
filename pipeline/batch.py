"""The batch runner of `python -m pipeline run`: find inputs, name their outputs, OCR their
pages in a process pool, then restore, segment and emit each; one input's failure never stops
the others.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import external, ingest
from pipeline.errors import PipelineError
from pipeline.model import Document, OcrMode

log = logging.getLogger("pipeline")
INTERNAL_ERROR_EXIT = 10


@dataclass(frozen=True)
class Options:
    """What `run` was asked to do, besides which inputs and where to."""

    jobs: int = 1
    lang: str = "vie"
    ocr: OcrMode = "auto"
    image_dpi: int | None = None
    incremental: bool = False


@dataclass
class Job:
    """One input document on its way through the stages."""

    path: Path
    name: str = ""
    item: ingest.InputFile | None = None
    pages: list[Future] = field(default_factory=list)
    error: PipelineError | None = None


def run(paths: list[Path], out_dir: Path, options: Options) -> int:
    """Process every input; the exit status is 0 or the highest failure's exit code."""
    jobs = _discover(paths)
    _name_outputs(jobs)
    if options.incremental:
        jobs = [job for job in jobs if job.error or not _up_to_date(job, out_dir)]
    for job in jobs:
        if job.error is None:
            _sniff(job)
    if not jobs:
        log.info("nothing to do: every output is up to date")
        return 0
    log.info("%d input(s) -> %s", len(jobs), out_dir)
    scans = [job for job in jobs if job.error is None and job.item.kind != "text"]
    with ProcessPoolExecutor(max_workers=options.jobs) if scans else _NoPool() as pool:
        _submit_pages(scans, pool, options.lang, options.ocr, options.image_dpi)
        for number, job in enumerate(jobs, start=1):
            _finish(job, out_dir, f"[{number}/{len(jobs)}]")
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
