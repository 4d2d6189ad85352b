"""Page execution: worker processes that OCR pages, with the promises a batch run makes.

`PagePool` runs page tasks (`pipeline.ocr.recognize_page`) in `jobs` worker processes and hands
back each page's result or its failure; `pipeline.run` collects them per input (`gather`).

- Ctrl-C and SIGTERM: queued pages are cancelled, every worker is killed with the programs it
  runs (each worker leads its own process group), and the run stops at once (`Interrupted`).
- A killed main process (even SIGKILL) orphans no worker: each worker watches its parent and
  kills its process group when the parent is gone.
- A worker that dies (the out-of-memory killer, a crash inside a library) fails no other page:
  the pages it held go to a fresh worker; a page on which two workers died fails alone.
- A page that runs longer than `page_timeout` (VN_PLAN_PAGE_TIMEOUT, seconds) has its worker
  killed and fails alone (E202); Tesseract's own time limit (pipeline.external) usually ends
  it first, with the same result.

Workers are forked from the main thread only, when there is work for them; the main process
hands each worker at most `PREFETCH` pages, so that it always knows which page a worker was
reading when it died (a worker announces each page it starts).

Test-only fault injection, read in the worker: VN_PLAN_TEST_FAULT="kill:NAME:PAGE" (the worker
kills itself with SIGKILL on page PAGE of input file NAME; `*` matches any) or "hang:NAME:PAGE"
(the page never ends); with VN_PLAN_TEST_FAULT_ONCE=FILE the fault happens only once (FILE is
created when it does).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from pipeline.errors import ExternalToolFailed, InternalError, PipelineError

DEFAULT_PAGE_TIMEOUT_S = 1800.0
# Pages handed to one worker at a time: the one it reads and the next, so that it need not
# wait for the main process (busy restoring a document) to get more work.
PREFETCH = 2
# Attempts of a page whose worker died under it: once more on a fresh worker, then it fails.
MAX_WORKER_DEATHS = 2
# How often a worker checks that its parent is alive, and the pool its workers' time limits.
WATCH_INTERVAL_S = 0.2


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) while pages were being read; `signal` is the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signal = signum


class WorkerDied(PipelineError):
    describe = "page worker died"


class PageBug(InternalError):
    """A page's reading raised something unexpected (a bug); its traceback was logged."""


@dataclass(eq=False)
class Task:
    """One page to read; `result()` waits for it (running the pool meanwhile)."""

    function: Callable[[Any], Any]
    argument: Any
    label: str
    pool: PagePool  # or pipeline.dask_pool.DaskPool: the pool that runs it (its `wait`)
    number: int = 0
    value: Any = None
    error: PipelineError | None = None
    done: bool = False
    started: float | None = None  # CLOCK_MONOTONIC when a worker began it
    deaths: int = 0
    callbacks: list[Callable[[Task], Any]] = field(default_factory=list)

    def add_done_callback(self, callback: Callable[[Task], Any]) -> None:
        """`callback(task)` when the task is done (in the main process, as the pool runs)."""
        if self.done:
            callback(self)
        else:
            self.callbacks.append(callback)

    def result(self) -> Any:
        self.pool.wait([self])
        if self.error is not None:
            raise self.error
        return self.value


def gather(tasks: Iterable[Task]) -> tuple[list[Any], list[tuple[Task, PipelineError]]]:
    """Waits for the tasks: (the values of those that succeeded, [(task, error)] of the rest)."""
    tasks = list(tasks)
    if tasks:
        tasks[0].pool.wait(tasks)
    values = [task.value for task in tasks if task.error is None]
    return values, [(task, task.error) for task in tasks if task.error is not None]


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection  # tasks to it, results from it
    starts: Connection  # the number of each task it starts, sent before it starts it
    tasks: dict[int, Task] = field(default_factory=dict)  # handed to it, not yet answered
    running: int | None = None  # the task it announced last


class PagePool:
    """`jobs` worker processes reading page tasks; see the module's docstring."""

    def __init__(self, jobs: int, page_timeout: float | None = None) -> None:
        self.jobs = max(1, jobs)
        self.page_timeout = page_timeout if page_timeout is not None else float(
            os.environ.get("VN_PLAN_PAGE_TIMEOUT", DEFAULT_PAGE_TIMEOUT_S))
        self._context = multiprocessing.get_context("fork")
        self._queue: deque[Task] = deque()
        self._workers: list[_Worker] = []
        self._tasks: dict[int, Task] = {}
        self._next = 0
        self._old_handlers: dict[int, Any] = {}

    # -- the pool as a context ----------------------------------------------------------------

    def __enter__(self) -> PagePool:
        self._old_handlers = interrupt_on_signals()
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if self._old_handlers:
            interrupt_handled()
        try:
            self.shutdown(cancel=kind is not None)
        except BaseException:  # a signal while stopping them: no worker is left behind
            for worker in self._workers:
                _kill_group(worker.process.pid)
            raise
        finally:
            restore_handlers(self._old_handlers)
        return False

    def submit(self, function: Callable[[Any], Any], argument: Any, label: str = "") -> Task:
        self._next += 1
        task = Task(function, argument, label or repr(argument), self, self._next)
        self._tasks[task.number] = task
        self._queue.append(task)
        self._pump(0)
        return task

    def wait(self, tasks: Iterable[Task]) -> None:
        """Runs the pool until every one of `tasks` is done (with its value or its error)."""
        pending = [task for task in tasks if not task.done]
        while any(not task.done for task in pending):
            self._pump(WATCH_INTERVAL_S)

    def shutdown(self, cancel: bool = False) -> None:
        """Stops the workers: at once (killed with what they run) when `cancel` or when pages
        are still pending, else after they have been told to end."""
        pending = cancel or any(not task.done for task in self._tasks.values())
        for task in list(self._queue):
            self._finish(task, error=PipelineError("cancelled"), notify=False)
        self._queue.clear()
        for worker in self._workers:
            if pending:
                _kill_group(worker.process.pid)
            else:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 2.0
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                _kill_group(worker.process.pid)
                worker.process.join(1.0)
            worker.conn.close()
            worker.starts.close()
        self._workers.clear()

    # -- the work -----------------------------------------------------------------------------

    def _pump(self, timeout: float) -> None:
        """Hands queued tasks to workers (starting workers as needed), then reads what the
        workers say for up to `timeout` s; deals with dead workers and pages over time."""
        self._dispatch()
        if not self._workers:
            return
        ready = wait([w.conn for w in self._workers] + [w.starts for w in self._workers]
                     + [w.process.sentinel for w in self._workers], timeout)
        for worker in list(self._workers):
            if worker.conn in ready or worker.starts in ready:
                self._read(worker)
        for worker in list(self._workers):
            if worker.process.sentinel in ready or not worker.process.is_alive():
                self._buried(worker)
        self._check_time()
        self._dispatch()

    def _dispatch(self) -> None:
        """Queued tasks to idle workers first, then to new workers (up to `jobs`), then to
        workers holding fewer than PREFETCH."""
        while self._queue:
            worker = next((w for w in self._workers if not w.tasks), None)
            if worker is None and len(self._workers) < self.jobs:
                worker = self._start_worker()
            if worker is None:
                worker = min((w for w in self._workers if len(w.tasks) < PREFETCH),
                             key=lambda w: len(w.tasks), default=None)
            if worker is None:
                return
            task = self._queue.popleft()
            try:
                worker.conn.send((task.number, task.function, task.argument))
            except OSError:  # died meanwhile: the task goes back, the worker is buried next
                self._queue.appendleft(task)
                return
            worker.tasks[task.number] = task

    def _start_worker(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        starts, started = self._context.Pipe(duplex=False)
        # other workers' pipes, not to be held open by this one
        inherited = [c.fileno() for w in self._workers for c in (w.conn, w.starts)]
        process = self._context.Process(target=_worker_main,
                                        args=(theirs, started, os.getpid(), inherited),
                                        daemon=True, name="vn-plan-page-worker")
        process.start()
        theirs.close()
        started.close()
        with contextlib.suppress(OSError):  # (the child does it too: whichever runs first)
            os.setpgid(process.pid, process.pid)
        worker = _Worker(process, ours, starts)
        self._workers.append(worker)
        return worker

    def _read(self, worker: _Worker) -> None:
        """What the worker said: the pages it started first (so `running` is its latest),
        then its results."""
        for number, started in _messages(worker.starts):
            if number in worker.tasks:
                worker.running, worker.tasks[number].started = number, started
        for message in _messages(worker.conn):
            kind, number = message[0], message[1]
            task = worker.tasks.get(number)
            if task is None:
                continue
            del worker.tasks[number]
            worker.running = None if worker.running == number else worker.running
            value, error = task_outcome(task.label, kind, list(message[2:]))
            self._finish(task, value=value, error=error)

    def _buried(self, worker: _Worker, reason: str | None = None) -> None:
        """A worker is dead (or was killed): read what it still said, then its page that was
        running counts a death (and fails at the second), the others go back to the queue."""
        self._read(worker)
        worker.process.join(1.0)
        if reason is None:
            code = worker.process.exitcode
            reason = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                      else f"exited with status {code}")
            if code == -signal.SIGKILL:
                reason += " (out of memory?)"
        requeue = []
        for number, task in sorted(worker.tasks.items()):
            if number == worker.running:
                task.deaths += 1
                if task.deaths >= MAX_WORKER_DEATHS:
                    self._finish(task, error=WorkerDied(
                        f"the worker reading it died {task.deaths} times, last {reason}"))
                    continue
                import logging

                logging.getLogger("pipeline").warning(
                    "%s: its worker died (%s); reading it again in a fresh one", task.label,
                    reason)
            task.started = None
            requeue.append(task)
        self._queue.extendleft(reversed(requeue))
        worker.tasks.clear()
        worker.conn.close()
        worker.starts.close()
        self._workers.remove(worker)

    def _check_time(self) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            task = worker.tasks.get(worker.running) if worker.running is not None else None
            if task is None or task.started is None or now - task.started <= self.page_timeout:
                continue
            _kill_group(worker.process.pid)
            self._finish(task, error=ExternalToolFailed(
                f"stopped after {self.page_timeout:g} s (the time limit of a page)"))
            del worker.tasks[task.number]
            worker.running = None
            self._buried(worker, reason="stopped at the page time limit")

    def _finish(self, task: Task, value: Any = None, error: PipelineError | None = None,
                notify: bool = True) -> None:
        task.value, task.error, task.done = value, error, True
        self._tasks.pop(task.number, None)
        for callback in task.callbacks if notify else []:
            callback(task)


def _messages(conn: Connection):
    """The messages waiting on a connection, until none is (or it is cut off, by its
    writer's death mid-message)."""
    while True:
        try:
            if not conn.poll():
                return
            yield conn.recv()
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError,
                IndexError, KeyError):
            return


# A signal's Interrupted is raised again every RERAISE_S until the pool has it: Python drops
# (prints) an exception raised inside a __del__, and a signal landing while the garbage
# collector runs one (the regex module's, say, as patterns are compiled while the restorer
# loads) would otherwise be lost, and the run would go on.
RERAISE_S = 0.1
_pending_signal: int | None = None
_hook_before = sys.unraisablehook  # what reported unraisable exceptions before the pool


def _raise_interrupted(signum: int, frame: Any) -> None:
    global _pending_signal
    _pending_signal = signum
    signal.setitimer(signal.ITIMER_REAL, RERAISE_S, RERAISE_S)
    raise Interrupted(signum)


def _raise_pending(signum: int, frame: Any) -> None:
    if _pending_signal is not None:
        raise Interrupted(_pending_signal)


def interrupt_on_signals() -> dict[int, Any]:
    """SIGTERM and SIGINT raise Interrupted in the main thread (again, until handled); the
    handlers they had, to put back (none off the main thread, where Python sets none)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    old = {signum: signal.signal(signum, _raise_interrupted)
           for signum in (signal.SIGTERM, signal.SIGINT)}
    old[signal.SIGALRM] = signal.signal(signal.SIGALRM, _raise_pending)
    global _hook_before
    _hook_before = sys.unraisablehook
    sys.unraisablehook = _quiet_dropped_interrupt
    return old


def _quiet_dropped_interrupt(unraisable: Any) -> None:
    """An Interrupted dropped in a __del__ is raised again (`_raise_pending`): no error to
    print; anything else as before."""
    if not isinstance(unraisable.exc_value, Interrupted):
        _hook_before(unraisable)


def interrupt_handled() -> None:
    """The pool has the Interrupted: stop raising it again."""
    global _pending_signal
    signal.setitimer(signal.ITIMER_REAL, 0)
    _pending_signal = None


def restore_handlers(old: dict[int, Any]) -> None:
    if old:
        sys.unraisablehook = _hook_before
    for signum, handler in old.items():
        signal.signal(signum, handler)
    old.clear()


def _kill_group(pid: int | None) -> None:
    """SIGKILL to a worker's process group (the worker and the programs it runs)."""
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


# -- in the worker -------------------------------------------------------------------------------

def _worker_main(conn: Connection, starts: Connection, parent: int,
                 inherited: list[int]) -> None:
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own group: killed with the programs it runs, by one signal
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    outbox: queue.Queue = queue.Queue()
    threading.Thread(target=_send_all, args=(conn, outbox), daemon=True).start()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            _end_group()
        if message is None:
            break
        number, function, argument = message
        try:
            starts.send((number, time.monotonic()))  # before the page can kill this worker
        except OSError:
            _end_group()
        kind, *said = run_task(function, argument)
        outbox.put((kind, number, *said))
    outbox.put(None)
    outbox.join()


def run_task(function: Callable[[Any], Any], argument: Any) -> tuple:
    """`function(argument)` in a worker, as a message for the main process: ("done", value),
    ("error", PipelineError), or ("bug", traceback, repr) for anything unexpected (its
    traceback goes to the main process's log). Every executor's workers run pages this way."""
    try:
        _test_fault(argument)
        return ("done", function(argument))
    except PipelineError as error:
        return ("error", error)
    except Exception as error:
        return ("bug", traceback.format_exc(), repr(error))


def task_outcome(label: str, kind: str, said: list) -> tuple[Any, PipelineError | None]:
    """(value, error) of a task from what its worker said (`run_task`'s message)."""
    if kind == "done":
        return said[0], None
    if kind == "error":
        return None, said[0]
    import logging

    logging.getLogger("pipeline").error("%s: internal error\n%s", label, said[0])
    return None, PageBug(said[1])


def _send_all(conn: Connection, outbox: queue.Queue) -> None:
    """Sends the worker's messages in order (results may be larger than the pipe holds: the
    worker goes on with its next page meanwhile)."""
    while True:
        message = outbox.get()
        try:
            if message is not None:
                try:
                    conn.send(message)
                except (OSError, EOFError):
                    _end_group()
                except Exception as error:  # the result cannot be pickled: a bug
                    conn.send(("bug", message[1], traceback.format_exc(), repr(error)))
        finally:
            outbox.task_done()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL_S)
    _end_group()


def _end_group() -> None:
    """Kills this worker and the programs it runs (its process group)."""
    with contextlib.suppress(OSError):
        if os.getpgid(0) == os.getpid():
            os.killpg(0, signal.SIGKILL)
    os._exit(1)


def _test_fault(argument: Any) -> None:
    fault = os.environ.get("VN_PLAN_TEST_FAULT")
    if not fault:
        return
    action, name, page = (fault.split(":") + ["*", "*"])[:3]
    path, number = getattr(argument, "path", None), getattr(argument, "number", None)
    if name != "*" and (path is None or path.name != name):
        return
    if page != "*" and str(number) != page:
        return
    once = os.environ.get("VN_PLAN_TEST_FAULT_ONCE")
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "hang":
        while True:
            time.sleep(60)


def page_results(tasks: Iterable[Task]) -> tuple[list, list[PipelineError]]:
    """The pages of one input once read (`pipeline.ocr.recognize_page` tasks): the pages
    read, with a stand-in (`pipeline.ocr.failed_page`) for each page that failed, and the
    failures, each naming its page. Raises the first failure when no page could be read."""
    from pipeline.ocr import failed_page

    values, failures = gather(tasks)
    errors = []
    for task, error in failures:
        message = str(error.args[0]) if error.args else ""
        number = task.argument.number
        named = type(error)(message if f"page {number} " in message
                            else f"page {number}: {message}")
        named.exit_code = error.exit_code
        errors.append(named)
        values.append(failed_page(task.argument.number, error))
    if errors and len(errors) == len(values):
        raise errors[0]
    return values, errors
