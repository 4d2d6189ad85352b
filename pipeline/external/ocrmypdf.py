"""OCRmyPDF, the baseline of `make bench-ocr`: run as a program, for benchmarks only."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.errors import ExternalToolFailed
from pipeline.external.programs import first_line, require_program


def ocrmypdf_sidecar(pdf: Path, out_dir: Path, lang: str, timeout_s: float = 900) -> str:
    """The text `ocrmypdf --sidecar` finds in `pdf` (pages separated by form feeds), with OCR
    forced on every page, one job and one Tesseract thread; for benchmarks."""
    import subprocess
    import sys

    require_program("gs")
    sidecar = out_dir / f"{pdf.stem}.sidecar.txt"
    command = [
        sys.executable, "-m", "ocrmypdf", "-l", lang, "--force-ocr", "--jobs", "1",
        "--output-type", "pdf", "--optimize", "0", "--quiet", "--sidecar", str(sidecar),
        str(pdf), str(out_dir / f"{pdf.stem}.ocrmypdf.pdf"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"ocrmypdf timed out on {pdf.name}") from exc
    if done.returncode != 0:
        raise ExternalToolFailed(
            f"ocrmypdf failed on {pdf.name} (exit {done.returncode}): "
            f"{first_line(done.stderr.decode(errors='replace'))}"
        )
    return sidecar.read_text(encoding="utf-8")
