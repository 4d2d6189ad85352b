"""The work of `python -m pipeline run` and `restore`, without the command line: what the CLI
calls, and tests and other programs with it.

`run_inputs`: find inputs, name their outputs, skip those up to date (--incremental), OCR
their pages in the page pool (`pipeline.workers`, or a Dask cluster's: `pipeline.dask_pool`),
then restore, segment and emit each, here, whichever pool read the pages; one
input's failure never stops the others, and the exit status says how it went. Each input is
restored with its keep-words: the --keep-words list and the keep-words.txt files of the folders
from the one named down to the input's own (`pipeline.text.keep_words`). Output names are
the input's path under the folder it was found in, without its extension (`IN/2025/scan.pdf`
-> `OUT/2025/scan.json`), so they are unique in a run and the same in the next one. Staging
folders a killed run left are removed first; the pipeline's own data files are checked before
any input is read.

`restore_stream`: OCR text restored a block of lines at a time (the `restore` command).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from pipeline import __version__, external, ingest, resources, workers
from pipeline.errors import (
    BadKeepWords,
    InputNotFound,
    InternalError,
    OutputError,
    PipelineError,
    UsageError,
)
from pipeline.model import Document, OcrMode, RunOptions
from pipeline.progress import Progress
from pipeline.text import keep_words
from pipeline.text.keep_words import KeepWords, KeepWordsError

log = logging.getLogger("pipeline")


@dataclass(frozen=True)
class Options:
    """What `run` was asked to do, besides which inputs and where to."""

    jobs: int = 1
    lang: str = "vie"
    ocr: OcrMode = "auto"
    image_dpi: int | None = None
    incremental: bool = False
    progress: bool = False  # the progress bar on stderr
    keep_words: KeepWords | None = None  # the --keep-words list, read
    pdf: bool = False  # --pdf: NAME.pdf, the input's pages with the restored text layer
    # Where pages are read: "local" (worker processes here) or "dask" (a Dask cluster: the
    # scheduler at `scheduler`, else a LocalCluster of `jobs` workers). Not recorded: the
    # outputs are the same.
    executor: str = "local"
    scheduler: str | None = None

    def recorded(self, keep: KeepWords | None = None) -> RunOptions:
        """The options that change the output, recorded in its JSON's `source`; `keep`: the
        input's whole keep-words list (its hash is recorded)."""
        return RunOptions(lang=self.lang, ocr=self.ocr, image_dpi=self.image_dpi,
                          keep_words=keep.fingerprint() if keep else None)


@dataclass
class Job:
    """One input document on its way through the stages."""

    path: Path
    relative: Path = Path()  # its path under the folder it was found in (its own name if given)
    name: str = ""  # its outputs' name: `relative` without the extension, unless taken
    item: ingest.InputFile | None = None
    pages: list[workers.Task] = field(default_factory=list)
    error: PipelineError | None = None
    page_errors: list[PipelineError] = field(default_factory=list)  # pages that failed alone
    keep: KeepWords | None = None  # the words its restoring leaves as read
    pdf_is_input: bool = False  # its NAME.pdf would be an input: never written nor removed

    @property
    def root(self) -> Path:
        """The folder it was found in (a file named on the command line: its own folder)."""
        return Path(*self.path.parts[: len(self.path.parts) - len(self.relative.parts)])


def run_inputs(paths: list[Path], out_dir: Path, options: Options) -> int:
    """Process every input; the exit status is 0 or the highest failure's exit code.
    Raises a PipelineError when nothing can be done at all (a bad --out, no input found, the
    pipeline's data files missing)."""
    jobs = _prepare(paths, out_dir, options)
    if not jobs:
        log.info("nothing to do: every output is up to date")
        return 0
    log.info("%d input(s) -> %s", len(jobs), out_dir)
    scans = [job for job in jobs if job.error is None and job.item.kind != "text"]
    with page_pool(options) as pool:  # (workers start when pages are queued)
        _submit_pages(scans, pool, options.lang, options.ocr, options.image_dpi)
        _finish_all(jobs, out_dir, options)
    return _report(jobs)


def page_pool(options: Options):
    """The pool that reads the pages: the executor is the one thing that differs."""
    if options.executor == "dask":
        from pipeline.dask_pool import DaskPool

        return DaskPool(options.jobs, options.scheduler, options.lang)
    return workers.PagePool(options.jobs)


def _prepare(paths: list[Path], out_dir: Path, options: Options) -> list[Job]:
    """The jobs to do, named and sniffed, after checking the output folder: all before any
    OCR, so that a mistake costs nothing."""
    from pipeline.emit import clean_staging

    _check_out(out_dir, paths)
    resources.check()
    for stale in clean_staging(out_dir):
        log.info("removed %s, left by a run stopped while writing", stale)
    jobs = _discover(paths, out_dir)
    if not jobs:
        raise InputNotFound(f"no inputs found in {', '.join(map(str, paths))} "
                            f"(looked for {' '.join(ingest.EXTENSIONS)})")
    _name_outputs(jobs, out_dir, options.pdf)
    _attach_keep_words(jobs, options.keep_words)
    if options.incremental:
        jobs = [job for job in jobs if job.error or not _up_to_date(job, out_dir, options)]
    for job in jobs:
        if job.error is None:
            _sniff(job)
    return jobs


def _check_out(out_dir: Path, paths: list[Path]) -> None:
    """Fail at once, before any OCR, when the output folder cannot be written, or when it is
    an input folder (outputs would be read back as inputs, or overwrite them)."""
    if any(path.is_dir() and path.resolve() == out_dir.resolve() for path in paths):
        raise UsageError(f"--out {out_dir} is an input folder: outputs would be read back as "
                         "inputs; choose another folder (a folder inside it is fine)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write output folder ({exc.strerror or exc})") \
            from exc


def _discover(paths: list[Path], out_dir: Path) -> list[Job]:
    """One job per input found (each once); one failed job per path or folder not read."""
    jobs: list[Job] = []
    for path in paths:
        if path.is_dir():
            found, errors = ingest.search(path, exclude=out_dir)
            jobs.extend(Job(file, relative=file.relative_to(path)) for file in found)
            jobs.extend(Job(folder, error=error) for folder, error in errors)
        elif path.exists():
            jobs.append(Job(path, relative=Path(path.name)))
        else:
            jobs.append(Job(path, error=InputNotFound(str(path))))
    seen: set[Path] = set()
    return [job for job in jobs if job.error or not (job.path.resolve() in seen
                                                     or seen.add(job.path.resolve()))]


def _name_outputs(jobs: list[Job], out_dir: Path, pdf: bool = False) -> None:
    """Names unique in the run: the relative path without extension; the full file name when
    two inputs share that (`a.pdf`, `a.png`); a hash of the input's full path added when they
    still clash (`scan.pdf` found in two folders named on the command line)."""
    named = [job for job in jobs if job.error is None]
    level = dict.fromkeys(map(id, named), 0)
    while True:
        names = [_candidate_name(job, level[id(job)]) for job in named]
        counts = Counter(names)
        clashes = [job for job, name in zip(named, names, strict=True)
                   if counts[name] > 1 and level[id(job)] < 2]
        for job in clashes:
            level[id(job)] += 1
        if not clashes:
            break
    inputs = {job.path.resolve() for job in named}
    for job, name in zip(named, names, strict=True):
        job.name = name
        _refuse_overwriting_inputs(job, out_dir, inputs, pdf)


def _candidate_name(job: Job, level: int) -> str:
    folder = job.relative.parent
    if level == 0:
        return (folder / ingest.output_stem(job.path)).as_posix()
    if level == 1:
        return job.relative.as_posix()
    digest = hashlib.sha256(str(job.path.resolve()).encode()).hexdigest()[:8]
    return f"{job.relative.as_posix()}-{digest}"


def _refuse_overwriting_inputs(job: Job, out_dir: Path, inputs: set[Path],
                               pdf: bool = False) -> None:
    """An input's outputs must not replace an input (NAME.ocr.txt given with --out beside it;
    NAME.pdf, with --pdf, the input itself)."""
    from pipeline.emit import output_paths

    job.pdf_is_input = output_paths(out_dir, job.name, pdf=True)[-1].resolve() in inputs
    for target in output_paths(out_dir, job.name, pdf):
        if target.resolve() in inputs:
            job.error = OutputError(f"{target}: would overwrite an input file; "
                                    "choose another --out")
            return


def _attach_keep_words(jobs: list[Job], given: KeepWords | None) -> None:
    """Each input's keep-words: the --keep-words list (`given`) and every keep-words.txt of
    the folders from the one it was found in down to its own. An input whose keep-words.txt
    cannot be read fails with BadKeepWords (E103); the other inputs go on."""
    read: dict[Path, KeepWords | BadKeepWords] = {}
    for job in jobs:
        if job.error is not None:
            continue
        lists = [given] if given else []
        for path in keep_words.default_files(job.path, job.root):
            found = read.get(path)
            if found is None:
                found = read[path] = _read_default_keep_words(path)
            if isinstance(found, BadKeepWords):
                job.error = found
                break
            lists.append(found)
        else:
            job.keep = keep_words.merge(lists)


def _read_default_keep_words(path: Path) -> KeepWords | BadKeepWords:
    try:
        found = keep_words.read_keep_words(path)
    except KeepWordsError as error:
        return BadKeepWords(f"{error} (fix or remove it: it applies to the inputs below it)")
    log.info("keep-words: %d from %s", len(found.entries), path)
    return found


def _up_to_date(job: Job, out_dir: Path, options: Options) -> bool:
    """The outputs are complete and were made from this very input (its sha256), by this
    version of the pipeline, with these options: file times say nothing of that."""
    from pipeline.emit import output_paths

    outputs = output_paths(out_dir, job.name, options.pdf and _makes_pdf(job))
    if not all(path.is_file() for path in outputs):
        return False
    try:
        source = json.loads(outputs[0].read_text(encoding="utf-8"))["source"]
        return (source["sha256"] == ingest.sha256_of(job.path)
                and source.get("pipeline_version") == __version__
                and source.get("options") == options.recorded(job.keep).model_dump())
    except (OSError, ValueError, KeyError, TypeError):
        return False  # unreadable or not ours: make it again


def _makes_pdf(job: Job) -> bool:
    """--pdf makes NAME.pdf of scans (PDF and image inputs), not of text inputs (.txt: the
    type is read from the content, and no other content is taken for a .txt)."""
    return job.path.suffix.lower() != ".txt"


def _sniff(job: Job) -> None:
    try:
        job.item = ingest.sniff(job.path)
    except PipelineError as error:
        job.error = error


def _progress(jobs: list[Job], enabled: bool) -> Progress:
    """A bar over every page queued (a text input counts as one page)."""
    texts = [job for job in jobs if job.error is None and job.item.kind == "text"]
    pages = [future for job in jobs for future in job.pages]
    progress = Progress(len(pages) + len(texts), enabled)
    for future in pages:
        future.add_done_callback(lambda _: progress.advance())
    return progress


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
            job.pages = [pool.submit(recognize_page, page, f"{job.path.name} page {page.number}")
                         for page in plan_pages(job.item, lang, ocr_mode, image_dpi)]
        except PipelineError as error:
            job.error = error
        except Exception as error:  # a bug: this input fails, the others go on
            log.exception("%s: internal error", job.path)
            job.error = InternalError(f"{job.path}: {error!r}")


def _finish_all(jobs: list[Job], out_dir: Path, options: Options) -> None:
    """Finish the jobs in order, the progress bar counting their pages."""
    progress = _progress(jobs, options.progress)
    try:
        with progress.logs_above_bar():
            for number, job in enumerate(jobs, start=1):
                _finish(job, out_dir, f"[{number}/{len(jobs)}]", options)
                if job.item is not None and job.item.kind == "text":
                    progress.advance()
    finally:
        progress.close()


def _finish(job: Job, out_dir: Path, counter: str, options: Options) -> None:
    """Wait for the job's pages, then restore, segment and emit it; record any failure.

    A failure writes nothing: outputs of an earlier run stay until a complete new set
    replaces them."""
    from pipeline.emit import write_outputs

    if job.error is None:
        started = time.monotonic()
        try:
            write_outputs(_process(job, counter, options), out_dir, job.name,
                          _pdf_source(job, counter, options), job.pdf_is_input)
            log.info("%s %s: done in %.1f s", counter, job.relative, time.monotonic() - started)
            for error in job.page_errors:
                log.error("%s %s: written without a failed page: %s", counter, job.relative,
                          error)
        except PipelineError as error:
            job.error = error
        except Exception as error:  # a bug: report it, keep going with the other inputs
            log.exception("%s %s: internal error", counter, job.relative)
            job.error = InternalError(f"{job.path}: {error!r}")
    if job.error is not None:
        log.error("%s FAILED %s: %s", counter, job.path, job.error)


def _pdf_source(job: Job, counter: str, options: Options):
    """What NAME.pdf is made from, with --pdf: the input itself (a PDF's pages, an image);
    None for text inputs, which have no pages (said in a log line)."""
    from pipeline.emit import PdfSource

    if not options.pdf:
        return None
    if job.item.kind == "text":
        log.info("%s %s: no NAME.pdf: a text input has no page images", counter, job.relative)
        return None
    return PdfSource(job.path, job.item.kind)


def _process(job: Job, counter: str, options: Options) -> Document:
    from pipeline.ocr import assemble
    from pipeline.restore import restore_document
    from pipeline.segment import segment_document

    document = ingest.ingest(job.item)
    document.source.file = job.relative.as_posix()
    document.source.pipeline_version = __version__
    document.source.options = options.recorded(job.keep)
    if job.pages:
        log.info("%s %s: OCR of %d page(s)", counter, job.relative, len(job.pages))
        pages, job.page_errors = workers.page_results(job.pages)
        document = assemble(document, pages)
    log.info("%s %s: restoring %d lines", counter, job.relative, len(document.ocr_lines))
    document = restore_document(document, job.keep)
    return segment_document(document)


def _report(jobs: list[Job]) -> int:
    failed = [job for job in jobs if job.error is not None]
    partial = [job for job in jobs if job.error is None and job.page_errors]
    if not failed and not partial:
        log.info("all %d input(s) done", len(jobs))
        return 0
    if failed:
        log.error("%d of %d input(s) failed:", len(failed), len(jobs))
        for job in failed:
            log.error("  %s: %s", job.path, job.error)
    if partial:  # written, but with pages missing: the exit status says so too
        log.error("%d of %d input(s) written with failed pages:", len(partial), len(jobs))
        for job in partial:
            for error in job.page_errors:
                log.error("  %s: %s", job.path, error)
    return max([job.error.exit_code for job in failed]
               + [error.exit_code for job in partial for error in job.page_errors])


def restore_stream(source: BinaryIO, out: TextIO, label: str,
                   keep: KeepWords | None = None) -> None:
    """OCR text from `source` restored to `out`, read, restored and written a block of lines
    at a time: memory does not grow with the input (ingest.text_blocks; a long line is cut at
    a space, its restored parts rejoined). `label` names the input in warnings; words that
    spell an entry of `keep` stay as read."""
    from pipeline.restore import restore_lines

    for raw, line, offset in ingest.text_blocks(source):
        text = ingest.decode_text(raw, label, line, offset)
        lines, _ = restore_lines(ingest.split_lines(text), keep)
        ending = "\n" if text.endswith("\n") else ""
        out.write("\n".join(lines) + ending if lines else text)
