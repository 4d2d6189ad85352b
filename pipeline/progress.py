"""The page-level progress bar of `run` on stderr: pages done of all pages, with a time
estimate. Shown only on a terminal, and not with -q: a bar in a log file or a pipe is noise.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm


class Progress:
    """Counts pages: a scan's as its workers finish them, a text input's (one) when done."""

    def __init__(self, total: int, enabled: bool):
        self._lock = threading.Lock()  # pages finish on the pool's callback thread
        self._bar = tqdm(total=total, unit="page", file=sys.stderr, disable=not enabled,
                         dynamic_ncols=True, desc="pages")
        self.enabled = enabled

    def advance(self, pages: int = 1) -> None:
        with self._lock:
            self._bar.update(pages)

    def close(self) -> None:
        self._bar.close()

    def logs_above_bar(self):
        """While the bar is shown, log lines are printed above it instead of through it."""
        if not self.enabled:
            return contextlib.nullcontext()
        return logging_redirect_tqdm(loggers=[logging.getLogger()])


def wanted(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()
