"""Pages per second of the two executors of `run` (issue 15): local worker processes with
--jobs 1 and 2, and a Dask LocalCluster (worker processes, one thread each) with 1 and 2
workers, on the same pages in one run.

    python -m bench.executors [PATH...] [--repeat N]      (= make bench-dask)

Pages: every page of the scans found in PATH (default: samples/, 11 rendered pages). Each
executor reads them through the pool `run` uses (`pipeline.run.page_pool`: `workers.PagePool`
or `dask_pool.DaskPool`), `pipeline.ocr.recognize_page` per page, as `run` does; restoring and
writing, the client's work, are the same for both executors and are left out.

Start-up is reported apart and is not in the pages/s, which measure throughput: a Dask
cluster's start (scheduler, worker processes, the worker plugin loading the OCR state) and,
for both executors, a warm-up round of one page per worker (local workers load their
Tesseract engine on their first page). The four pools are started first; then, in each of
--repeat rounds, each pool in turn gets every page queued at once, and the wall time until
the last is read gives pages/s (the best round of each is kept). The machine's load average
is printed: other programs running change the figures, hence the rounds interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from pipeline import external, ingest, workers
from pipeline.ocr import plan_pages, recognize_page
from pipeline.run import Options, page_pool

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = (("local", 1), ("local", 2), ("dask", 1), ("dask", 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "samples"])
    parser.add_argument("--repeat", type=int, default=1, help="timed rounds, best kept")
    parser.add_argument("--lang", default="vie")
    args = parser.parse_args(argv)
    external.require_languages(args.lang)
    pages = _pages(args.paths, args.lang)
    print(f"{len(pages)} pages; load average {_load()}; {os.cpu_count()} cores", file=sys.stderr)
    with contextlib.ExitStack() as stack:
        pools, startups = {}, {}
        for executor, jobs in CONFIGS:  # all started and warm before any round is timed
            started = time.monotonic()
            pools[executor, jobs] = stack.enter_context(
                page_pool(Options(jobs=jobs, lang=args.lang, executor=executor)))
            _read(pools[executor, jobs], pages[:jobs])  # warm-up: one page per worker
            startups[executor, jobs] = time.monotonic() - started
        rates: dict[tuple[str, int], list[float]] = {config: [] for config in CONFIGS}
        for round_number in range(1, args.repeat + 1):  # rounds interleaved: a burst of
            for config in CONFIGS:  # other load falls on one round of each, not one executor
                began = time.monotonic()
                _read(pools[config], pages)
                rates[config].append(round(len(pages) / (time.monotonic() - began), 3))
                print(f"round {round_number} {config[0]} {config[1]}: {rates[config][-1]:.3f} "
                      f"pages/s; load average {_load()}", file=sys.stderr)
    _print_table([(executor, jobs, startups[executor, jobs], max(rates[executor, jobs]))
                  for executor, jobs in CONFIGS], len(pages))
    return 0


def _pages(paths: list[Path], lang: str) -> list:
    found = []
    for path in paths:
        files = ingest.search(path)[0] if path.is_dir() else [path]
        for file in files:
            item = ingest.sniff(file)
            if item.kind != "text":
                found.extend(plan_pages(item, lang))
    return found


def _read(pool, pages: list) -> None:
    tasks = [pool.submit(recognize_page, page, f"{page.path.name} page {page.number}")
             for page in pages]
    _, failures = workers.gather(tasks)
    if failures:
        raise SystemExit(f"pages failed: {[(task.label, str(error)) for task, error in failures]}")


def _print_table(rows: list, pages: int) -> None:
    rate = {(executor, jobs): value for executor, jobs, _, value in rows}
    print(f"| executor | workers | pages/s ({pages} pages) | start-up s (not in pages/s) |")
    print("|---|---|---|---|")
    for executor, jobs, startup, value in rows:
        print(f"| {executor} | {jobs} | {value:.3f} | {startup:.1f} |")
    print()
    print("| ratio | value |")
    print("|---|---|")
    for label, a, b in (("local 2 / local 1", ("local", 2), ("local", 1)),
                        ("dask 2 / dask 1 (target >= 1.7)", ("dask", 2), ("dask", 1)),
                        ("dask 1 / local 1", ("dask", 1), ("local", 1)),
                        ("dask 2 / local 2", ("dask", 2), ("local", 2))):
        print(f"| {label} | {rate[a] / rate[b]:.2f} |")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
