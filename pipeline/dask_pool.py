"""`--executor dask`: the page pool on a Dask cluster (dask.distributed), for `pipeline.run`.

`DaskPool` has `workers.PagePool`'s interface (`submit` a page, `wait` for tasks, used as a
context), so the run has one code path and the executor is the only thing that differs: pages
are the tasks, documents are assembled, restored, segmented and written by the client, in the
same order, as with local workers.

- The cluster: the scheduler at `--scheduler ADDRESS`, else a `LocalCluster` started here
  (worker processes, `--jobs` of them, one thread each), both when the first page is queued.
- Inputs stay on the client: each input's bytes go to the cluster once (a task holding them,
  made again if the worker holding it is lost), its pages are read from them by the workers
  (`dask_worker.read_page`).
- Per-worker state (the OCR modules, the Tesseract engine, the digit network) is loaded once
  per worker process by a worker plugin (`dask_worker.PageWorkerPlugin`).
- Pages are handed to the cluster as workers free up (one per worker thread in flight), not
  all at once: the scheduler blames a lost worker on every page it held, so a worker holds
  only the page it reads; and the inputs' bytes go out only as their pages are read.
- A worker lost under a page (killed, out of memory) is replaced (LocalCluster) and its page
  is read again elsewhere; a page on which `MAX_WORKER_DEATHS` workers died fails alone
  (`workers.WorkerDied`, as locally). The scheduler counts the deaths: a LocalCluster is
  started with allowed-failures MAX_WORKER_DEATHS - 1; a scheduler started elsewhere uses its
  own setting (DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES, Dask's default 3).
- No worker at all for `NO_WORKERS_TIMEOUT_S` (VN_PLAN_NO_WORKERS_TIMEOUT): the pages
  waiting fail (WorkerDied) instead of waiting for ever.
- Ctrl-C and SIGTERM: the pages in flight are cancelled, a LocalCluster is stopped, the run
  stops (`workers.Interrupted`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import queue
import threading
import time
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any

from pipeline import __version__, workers
from pipeline.errors import ExternalToolFailed, MissingDependency, PipelineError, UsageError
from pipeline.ingest import sha256_of

log = logging.getLogger("pipeline")

NO_WORKERS_TIMEOUT_S = 300.0
# How often the pool looks at the cluster while it waits (workers joined, left, none).
WATCH_INTERVAL_S = 0.2
CLUSTER_CHECK_S = 2.0
CONNECT_TIMEOUT_S = 30
LOCAL_START_TIMEOUT_S = 120
# Dask's settings for reading pages, for a LocalCluster and for machines of a cluster
# (DASK_CONFIG=<checkout>/pipeline/data/dask): a page fails after two workers died under it;
# the workers' malloc settings (Dask's default made pages 20-30 % slower).
DASK_SETTINGS = "data/dask/vn-plan.yaml"


def available() -> bool:
    return importlib.util.find_spec("distributed") is not None


class DaskPool:
    """Pages read on a Dask cluster; see the module's docstring."""

    def __init__(self, jobs: int, scheduler: str | None = None, lang: str = "vie") -> None:
        if not available():
            raise MissingDependency("--executor dask needs dask.distributed: install "
                                    "vn-plan-pipeline[dask] (pip install 'dask[distributed]')")
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.lang = lang
        self.no_workers_timeout = float(os.environ.get("VN_PLAN_NO_WORKERS_TIMEOUT",
                                                       NO_WORKERS_TIMEOUT_S))
        self.cluster = None
        self.client = None
        self.startup_s: float | None = None  # how long starting or reaching the cluster took
        self._failed_start: PipelineError | None = None
        self._lock = threading.Lock()  # the queue and the flights, shared with Dask's callbacks
        self._queue: deque[workers.Task] = deque()
        self._flying: dict[int, Any] = {}  # task number -> its Dask future
        self._landed: queue.Queue = queue.Queue()  # (task, outcome) done, for the main thread
        self._tasks: dict[int, workers.Task] = {}
        self._inputs: dict[str, list] = {}  # sha256 -> [its bytes' future, its pages left]
        self._digests: dict[Any, str] = {}  # input path -> sha256
        self._threads: dict[str, int] = {}  # worker address -> its threads (pages at once)
        self._where: dict[int, str] = {}  # task number in flight -> the worker it was sent to
        self._checked = 0.0
        self._workerless_since: float | None = None
        self._next = 0
        # Pages' keys are this run's own: clients sharing a scheduler must not share a task
        # (another run may read the same file with other options). Inputs' keys are their
        # content's: the same bytes may well be shared.
        self._run = uuid.uuid4().hex[:12]
        self._old_handlers: dict[int, Any] = {}

    # -- the pool as a context ----------------------------------------------------------------

    def __enter__(self) -> DaskPool:
        self._old_handlers = workers.interrupt_on_signals()
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if self._old_handlers:
            workers.interrupt_handled()
        try:
            self.shutdown(cancel=kind is not None)
        finally:
            workers.restore_handlers(self._old_handlers)
        return False

    def start(self) -> None:
        """Starts the LocalCluster or connects to the scheduler (once; a failure is kept and
        raised again at once), and registers the worker plugin."""
        if self._failed_start is not None:
            raise self._failed_start
        if self.client is not None:
            return
        started = time.monotonic()
        try:
            self.client = self._connect()
            self._register_plugin()
        except PipelineError as error:
            self._failed_start = error
            raise
        self._refresh_workers()
        self.startup_s = time.monotonic() - started
        log.info("Dask: %s, %d worker thread(s), ready in %.1f s",
                 self.scheduler or "LocalCluster", sum(self._threads.values()), self.startup_s)

    def _register_plugin(self) -> None:
        """The worker plugin on every worker, and on those that join later."""
        from pipeline.dask_worker import PageWorkerPlugin

        try:
            self.client.register_plugin(PageWorkerPlugin(self.lang), name=PageWorkerPlugin.name)
        except Exception as error:  # a worker without the pipeline (or a broken one)
            raise MissingDependency(f"a Dask worker cannot load vn-plan-pipeline's page "
                                    f"reader: {error!r}") from error

    def _connect(self):
        import dask
        from distributed import Client, LocalCluster

        if not log.isEnabledFor(logging.DEBUG):  # its comings and goings are not the user's
            logging.getLogger("distributed").setLevel(logging.WARNING)
        if self.scheduler:
            try:
                return Client(self.scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as error:
                raise UsageError(f"--scheduler {self.scheduler}: cannot reach the Dask "
                                 f"scheduler ({error})") from error
        try:
            with dask.config.set(_settings()):
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                            processes=True, scheduler_port=0,
                                            # no dashboard, and its HTTP server on a free
                                            # port (not 8787, perhaps another run's)
                                            dashboard_address=":0",
                                            scheduler_kwargs={"dashboard": False},
                                            silence_logs=logging.ERROR)
            client = Client(self.cluster)
            client.wait_for_workers(self.jobs, timeout=LOCAL_START_TIMEOUT_S)
        except Exception as error:  # (workers that cannot start: the pages cannot be read)
            if self.cluster is not None:
                with contextlib.suppress(Exception):
                    self.cluster.close(timeout=10)
                self.cluster = None
            raise ExternalToolFailed(f"cannot start a Dask LocalCluster: {error!r}") from error
        return client

    def submit(self, function: Callable[[Any], Any], argument: Any,
               label: str = "") -> workers.Task:
        """Queues `function(argument)`; `argument.path` is the input file, sent to the
        cluster with its first page."""
        self.start()
        self._next += 1
        task = workers.Task(function, argument, label or repr(argument), self, self._next)
        digest = self._digest(argument.path)
        with self._lock:
            self._tasks[task.number] = task
            self._queue.append(task)
            self._inputs.setdefault(digest, [None, 0])[1] += 1
        self._dispatch()
        return task

    def wait(self, tasks: Iterable[workers.Task]) -> None:
        """Runs the pool until every one of `tasks` is done (with its value or its error);
        the tasks' callbacks run here, in the calling thread."""
        pending = [task for task in tasks if not task.done]
        while any(not task.done for task in pending):
            try:
                task, outcome = self._landed.get(timeout=WATCH_INTERVAL_S)
            except queue.Empty:
                self._watch_cluster()
                continue
            self._settle(task, outcome)

    def shutdown(self, cancel: bool = False) -> None:
        """Cancels what is queued or in flight, closes the client and a LocalCluster."""
        with self._lock:
            queued, self._queue = list(self._queue), deque()
            flying, self._flying = list(self._flying.values()), {}
        for task in queued:
            self._finish(task, None, PipelineError("cancelled"), notify=False)
        if self.client is not None:
            with contextlib.suppress(Exception):
                if flying or cancel:
                    self.client.cancel(flying, force=True)
            with contextlib.suppress(Exception):
                self.client.close(timeout=10)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)
        self.client = self.cluster = None

    # -- the work -----------------------------------------------------------------------------

    def _digest(self, path) -> str:
        digest = self._digests.get(path)
        if digest is None:
            digest = self._digests[path] = sha256_of(path)
        return digest

    def _dispatch(self) -> None:
        """Queued tasks to workers with a thread free, each to its own worker: the scheduler
        would send a document's pages to the worker holding its bytes, and a worker lost
        counts against every page it held (called by the main thread and by Dask's callback
        thread as pages finish)."""
        from pipeline.dask_worker import held, read_page

        while True:
            with self._lock:
                worker = self._free_worker()
                if not self._queue or worker is None or self.client is None:
                    return
                task = self._queue.popleft()
                digest = self._digest(task.argument.path)
                entry = self._inputs[digest]
                if entry[0] is None:
                    with warnings.catch_warnings():  # "large object in the graph": it is meant
                        warnings.simplefilter("ignore")
                        entry[0] = self.client.submit(held, task.argument.path.read_bytes(),
                                                      key=f"vn-plan-input-{digest}")
                future = self.client.submit(read_page, task.function, task.argument, entry[0],
                                            digest, __version__, pure=False,
                                            key=f"vn-plan-page-{self._run}-{task.number}",
                                            workers=[worker], allow_other_workers=True)
                self._flying[task.number] = future
                self._where[task.number] = worker
            future.add_done_callback(lambda done, task=task: self._landing(task, done))

    def _landing(self, task: workers.Task, future) -> None:
        """In Dask's callback thread: the next page goes out to the worker now free, then
        the result is fetched (a worker lost later does not take it along) and waits for the
        main thread."""
        with self._lock:
            self._flying.pop(task.number, None)
            self._where.pop(task.number, None)
        with contextlib.suppress(Exception):  # (the client closing)
            self._dispatch()
        self._landed.put((task, _outcome(future)))

    def _settle(self, task: workers.Task, outcome: tuple) -> None:
        if task.done:  # failed already (no worker for too long)
            return
        kind, *said = outcome
        value, error = workers.task_outcome(task.label, kind, said) if kind else (None, said[0])
        self._finish(task, value, error)

    def _finish(self, task: workers.Task, value: Any, error: PipelineError | None,
                notify: bool = True) -> None:
        task.value, task.error, task.done = value, error, True
        with self._lock:
            self._tasks.pop(task.number, None)
            digest = self._digests.get(task.argument.path)
            entry = self._inputs.get(digest)
            if entry is not None:
                entry[1] -= 1
                if entry[1] <= 0:  # its last page: the cluster may forget the input's bytes
                    del self._inputs[digest]
        for callback in task.callbacks if notify else []:
            callback(task)

    def _watch_cluster(self) -> None:
        """Now and then: more slots when workers joined; the waiting pages failed when no
        worker has been there for `no_workers_timeout`."""
        now = time.monotonic()
        if self.client is None or now - self._checked < CLUSTER_CHECK_S:
            return
        self._checked = now
        if self._refresh_workers():
            self._workerless_since = None
            self._dispatch()
            return
        self._workerless_since = self._workerless_since or now
        if now - self._workerless_since < self.no_workers_timeout:
            return
        log.error("no Dask worker for %.0f s: the pages waiting fail", self.no_workers_timeout)
        with self._lock:
            waiting = list(self._queue) + [t for t in self._tasks.values()
                                           if t.number in self._flying]
            futures = list(self._flying.values())
            self._queue.clear()
            self._flying.clear()
            self._where.clear()
        with contextlib.suppress(Exception):
            self.client.cancel(futures, force=True)
        for task in waiting:
            self._finish(task, None, workers.WorkerDied(
                f"no Dask worker for {self.no_workers_timeout:.0f} s"))

    def _refresh_workers(self) -> int:
        """The cluster's workers now (their threads, in all)."""
        with contextlib.suppress(Exception):  # the scheduler unreachable for a moment: as before
            threads = dict(self.client.nthreads())
            with self._lock:
                self._threads = threads
        return sum(self._threads.values())

    def _free_worker(self) -> str | None:
        """The worker with the fewest pages in flight, if it has a thread free."""
        busy = Counter(self._where[number] for number in self._flying)
        free = [(busy[address], address) for address, threads in self._threads.items()
                if busy[address] < threads]
        return min(free)[1] if free else None


def _outcome(future) -> tuple:
    """What a page's worker said (`workers.run_task`'s message), or (None, error) when the
    task itself failed: its workers died (`MAX_WORKER_DEATHS`), it was cancelled, or the
    scheduler was lost."""
    from distributed import KilledWorker

    try:
        return tuple(future.result())
    except KilledWorker as killed:
        return (None, workers.WorkerDied(
            f"the Dask workers reading it died {killed.allowed_failures + 1} times"))
    except PipelineError as error:
        return (None, error)
    except BaseException as error:  # cancelled (a BaseException), the scheduler lost, …
        return (None, workers.WorkerDied(f"its Dask task failed: {error!r}"))


def _settings() -> dict[str, Any]:
    """DASK_SETTINGS as dask.config.set's dotted keys, each a leaf or the worker environment
    (set whole: Dask's own MALLOC_TRIM_THRESHOLD_ alone must not be kept)."""
    import yaml

    from pipeline import resources

    settings = yaml.safe_load(resources.read_text(DASK_SETTINGS))["distributed"]
    environ = {name: str(value)
               for name, value in settings["nanny"]["pre-spawn-environ"].items()}
    return {"distributed.scheduler.allowed-failures":
            settings["scheduler"]["allowed-failures"],
            "distributed.nanny.pre-spawn-environ": environ}
