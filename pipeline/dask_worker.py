"""The Dask workers' side of `--executor dask` (`pipeline.dask_pool` is the client's).

`PageWorkerPlugin` is registered with every worker (and with workers that join later): it
loads what reading pages needs once per worker process (the OCR modules, the Tesseract engine
of the run's language, the digit network) and makes a folder for the inputs the client sends.
`read_page` is the task of one page: the input file arrives as bytes (inputs stay on the
client's disk; workers need no shared file system), is written once per worker under its own
name, and the page is read exactly as a local page worker reads it (`workers.run_task`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from pipeline import __version__, workers
from pipeline.errors import MissingDependency, PipelineError

log = logging.getLogger("pipeline")

# Input files kept on a worker's disk: the pages of one input usually come together, so a few
# are enough, and the folder does not grow with the run.
KEPT_INPUTS = 8
# One page at a time in a worker process: the Tesseract engines are the process's own (one
# per language, pipeline.external.libtesseract) and not to be shared by threads at once. A
# worker started with more threads gains nothing; it is told so (`PageWorkerPlugin.setup`).
_PAGE_LOCK = threading.Lock()
_INPUTS_LOCK = threading.Lock()
_inputs: OrderedDict[str, Path] = OrderedDict()  # sha256 -> the input's copy on this worker
_folder: Path | None = None


class PageWorkerPlugin(WorkerPlugin):
    """Per-worker state, loaded once per worker process, not per page."""

    name = "vn-plan-pages"

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def setup(self, worker) -> None:
        global _folder
        _log_to_stderr()
        if getattr(worker.state, "nthreads", 1) > 1:
            log.warning("Dask worker %s has %d threads: it reads one page at a time; start "
                        "workers with --nthreads 1 and --nworkers N instead", worker.address,
                        worker.state.nthreads)
        if "MALLOC_TRIM_THRESHOLD_" in os.environ and "MALLOC_MMAP_THRESHOLD_" not in os.environ:
            log.warning("Dask worker %s runs with Dask's default malloc settings, which make "
                        "pages 20-30 %% slower: start it with DASK_CONFIG=<checkout>/pipeline/"
                        "data/dask (README, Running on a Dask cluster)", worker.address)
        _folder = Path(tempfile.mkdtemp(prefix="vn-plan-inputs-"))
        warm_up(self.lang)

    def teardown(self, worker) -> None:
        global _folder
        if _folder is not None:
            shutil.rmtree(_folder, ignore_errors=True)
            _folder = None
        with _INPUTS_LOCK:
            _inputs.clear()


def warm_up(lang: str) -> None:
    """Loads the page reader's state into this process: what the first page would load. A
    missing language is logged here and fails each page with its own error (E201)."""
    from pipeline import external
    from pipeline.external import libtesseract
    from pipeline.ocr import digits

    try:
        external.require_languages(lang)
        libtesseract.engine(lang, "")
    except PipelineError as error:
        log.error("Dask worker cannot read pages: %s", error)
        return
    digits.network()


def read_page(function, job, content: bytes, digest: str, version: str) -> tuple:
    """`function(job)` on this worker, with `job.path` replaced by the worker's copy of the
    input (`content`, whose sha256 is `digest`); the message `workers.run_task` gives."""
    if version != __version__:
        return ("error", MissingDependency(
            f"the Dask worker has vn-plan-pipeline {__version__}, the client {version}: "
            "install the same version on every worker"))
    local = _local_copy(job.path.name, content, digest)
    with _PAGE_LOCK:
        kind, *said = workers.run_task(function, dataclasses.replace(job, path=local))
    if kind == "error":
        said[0] = _named_as_given(said[0], local, job.path)
    return (kind, *said)


def _local_copy(name: str, content: bytes, digest: str) -> Path:
    """The input's copy on this worker, under its own name (errors and warnings name it),
    written on its first page; the oldest copies are removed beyond KEPT_INPUTS."""
    with _INPUTS_LOCK:
        path = _inputs.get(digest)
        if path is not None and path.is_file():
            _inputs.move_to_end(digest)
            return path
        folder = (_folder or Path(tempfile.gettempdir()) / f"vn-plan-inputs-{os.getpid()}")
        path = folder / digest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        _inputs[digest] = path
        while len(_inputs) > KEPT_INPUTS:
            _, old = _inputs.popitem(last=False)
            shutil.rmtree(old.parent, ignore_errors=True)
        return path


def _named_as_given(error: PipelineError, local: Path, given: Path) -> PipelineError:
    """The error with the worker's copy's path replaced by the input's path on the client."""
    args = tuple(arg.replace(str(local), str(given)) if isinstance(arg, str) else arg
                 for arg in error.args)
    if args == error.args:
        return error
    renamed = type(error)(*args)
    renamed.exit_code = error.exit_code
    return renamed


def _log_to_stderr() -> None:
    """The pipeline's warnings from a worker as the local workers give them."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("vn-plan: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.WARNING)
        log.propagate = False


def held(content: Any) -> Any:
    """The task that holds an input's bytes on the cluster: a task, not scattered data, so
    that the scheduler makes it again when the worker holding it is lost."""
    return content
