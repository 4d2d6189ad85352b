"""Generated documentation is committed up to date."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_reliability_doc_is_generated_from_the_current_cases():
    done = subprocess.run([sys.executable, "-m", "tools.reliability_doc", "--check"], cwd=ROOT,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
