"""Benchmark of the ocr stage on scans the project renders itself, against plain Tesseract and
ocrmypdf on the same PDFs in the same run.

    python -m bench.ocr [--plans NAME,...] [--variants NAME,...] [--no-ocrmypdf]
                        [--engine-per-page]

Scans (.cache/bench_ocr/VARIANT/PLAN.pdf, rendered by pipeline.synth, ground truth from the
renderer): every plan of pipeline.synth.PLANS in each variant --
- clean-300: no degradation, 300 dpi;
- mild-300: an office scan (skew 0.3-0.8 deg, light blur and noise, JPEG 70-85), 300 dpi;
- heavy-300: a worn copy (skew up to 2 deg, blur 0.7-1.2 px, noise 10-18, specks, JPEG 35-60);
- mild-200: the office scan at 200 dpi (resampled to 300 by the pipeline);
- sideways: the office scan with every appendix on landscape pages, turned 90 deg (alternately
  clockwise and counter-clockwise), as sheets fed the wrong way round.
Systems, each on every page of every PDF:
- ours: `pipeline.ocr.recognize_page` (rasterise, prepare, tables cell by cell, page OCR with
  table areas masked, reading order) per page, then `assemble`;
- tesseract: the same 300-dpi page image, whole-page `tesseract -l vie --psm 3` (image_to_data),
  a run of the program per page (ours reads with libtesseract in its own process when it can,
  loading each model once per run; with --engine-per-page, once per page);
- ocrmypdf: `ocrmypdf -l vie --force-ocr --sidecar` on the PDF (its own rasterisation);
- ours+rest: ours, then the restore stage on its body lines and cells (what `make all`
  writes); its times include the restoring (the restorer loaded once, before the run).
Figures (stdout; progress on stderr):
- body CER: for every gold running-text line (kinds body and heading), the edit distance to the
  closest line the system read on that page (ours: only lines it labelled body), summed, over
  the gold characters;
- header: share of the 7 header fields (issuer, issuer_parent, number, type_code,
  document_type, place, date) that `pipeline.segment` gets exactly right from the system's text
  (ours: with its layout blocks), without the restore stage;
- cell CER: per gold table cell, edit distance of the text read for it (ours: the cell at the
  same row and column of the page's table; tesseract: its words whose centres fall in the gold
  cell's box; ocrmypdf: no boxes, so not measured), over gold cell characters;
- grid: share of gold cells found with the same row, column and spans (ours only);
- s/page: wall-clock seconds per page (ours and tesseract include rasterising the page);
  cpu/page: CPU seconds per page of this process and every program it ran (Tesseract,
  poppler, ghostscript); x tess: cpu/page over plain tesseract's on the same pages. A second
  table gives every page: CPU seconds of ours and of plain tesseract, their ratio, and the
  worst ratio of the pages with tables and of the pages without (issue #4: 1.3x at most).
Pages are run one at a time. On a shared machine wall-clock time swings with the other load
(2x between runs of the same page); CPU time does not, so the ratio is taken on it.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline import external
from pipeline.errors import PipelineError
from pipeline.ingest import ingest, sniff
from pipeline.model import Document, Page
from pipeline.ocr import assemble, plan_pages, recognize_page
from pipeline.ocr.recognize import WORD_LEVEL
from pipeline.restore import default_restorer
from pipeline.segment import segment_document
from pipeline.synth import PLANS, RenderedDocument, get_plan, render_plan

CACHE = Path(".cache/bench_ocr")
LANG = "vie"
HEADER_FIELDS = ("issuer", "issuer_parent", "number", "type_code", "document_type", "place",
                 "date")
BODY_KINDS = ("body", "heading")
SYSTEMS = ("ours", "ours+rest", "tesseract", "ocrmypdf")
OCR_DPI = 300  # plain tesseract reads the PDF pages rendered at this resolution


@dataclass(frozen=True)
class Variant:
    name: str
    degrade: str
    dpi: int
    sideways: bool = False


VARIANTS = {
    v.name: v for v in (
        Variant("clean-300", "clean", 300),
        Variant("mild-300", "mild", 300),
        Variant("heavy-300", "heavy", 300),
        Variant("mild-200", "mild", 200),
        Variant("sideways", "mild", 300, sideways=True),
    )
}
SEED = 11


def log(message: str) -> None:
    print(f"[bench.ocr] {message}", file=sys.stderr, flush=True)


# -- scans -------------------------------------------------------------------------------------

@dataclass
class Scan:
    plan: str
    variant: Variant
    pdf: Path
    rendered: RenderedDocument


def make_scan(plan_name: str, variant: Variant) -> Scan:
    rendered = render_plan(get_plan(plan_name), dpi=variant.dpi, seed=SEED,
                           degrade=variant.degrade,
                           landscape_appendix=True if variant.sideways else None)
    images = list(rendered.images)
    if variant.sideways:
        turns = 0
        for index, info in enumerate(rendered.pages):
            if info.orientation == "landscape":
                images[index] = images[index].rotate(90 if turns % 2 else -90, expand=True)
                turns += 1
    folder = CACHE / variant.name
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{plan_name}.pdf"
    pdf.write_bytes(lossless_pdf(images, variant.dpi))
    return Scan(plan_name, variant, pdf, rendered)


def lossless_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """The pages as a PDF of PNG-coded images: Pillow's own PDF writer would JPEG them once
    more (the scans' JPEG artefacts are part of their degradation already)."""
    import img2pdf

    pages = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
        pages.append(buffer.getvalue())
    return img2pdf.convert(pages)


# -- systems -----------------------------------------------------------------------------------

@dataclass
class Reading:
    """What one system made of one scan."""

    page_lines: dict[int, list[str]]  # page -> the lines it read there (ours: body lines)
    document: Document  # for the header: ocr_lines (and, for ours, pages with blocks)
    cells: dict[tuple[int, int, int, int], str] | None = None  # (page, table, row, col) -> text
    spans: dict[tuple[int, int, int, int], tuple[int, int]] | None = None
    seconds: float = 0.0
    pages: int = 0
    cpu: float = 0.0
    words_by_page: dict[int, list[tuple[str, float, float]]] = field(default_factory=dict)
    page_cpu: dict[int, float] = field(default_factory=dict)  # page -> CPU seconds on it
    page_tables: dict[int, int] = field(default_factory=dict)  # page -> tables found (ours)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Wall and CPU seconds of a `with` block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def read_ours(scan: Scan, engine_per_page: bool = False) -> Reading:
    item = sniff(scan.pdf)
    pages: list[Page] = []
    page_cpu: dict[int, float] = {}
    with Clock() as clock:
        for job in plan_pages(item, LANG):
            if engine_per_page:
                external.release_engines()
            with Clock() as page_clock:
                pages.append(recognize_page(job))
            page_cpu[job.number] = page_clock.cpu
        document = assemble(ingest(item), pages)
    body = {p.number: [line.text for line in p.lines if line.block == "body"] for p in pages}
    cells, spans = {}, {}
    for page in pages:
        for t_index, table in enumerate(page.tables):
            for cell in table.cells:
                key = (page.number, t_index, cell.row, cell.col)
                cells[key] = cell.text
                spans[key] = (cell.row_span, cell.col_span)
    return Reading(body, document, cells, spans, clock.wall, len(pages), clock.cpu,
                   page_cpu=page_cpu, page_tables={p.number: len(p.tables) for p in pages})


def restored(reading: Reading, restorer) -> Reading:
    """`reading` with its body lines (page by page) and table cells restored."""
    with Clock() as clock:
        lines = {page: restorer.restore_lines(page_lines)[0]
                 for page, page_lines in reading.page_lines.items()}
        keys = list(reading.cells or {})
        cells = dict(zip(keys, restorer.restore_cells([reading.cells[k] for k in keys]),
                         strict=True))
    return replace(reading, page_lines=lines, cells=cells, seconds=reading.seconds + clock.wall,
                   cpu=reading.cpu + clock.cpu)


def read_tesseract(scan: Scan) -> Reading:
    item = sniff(scan.pdf)
    lines: dict[int, list[str]] = {}
    words: dict[int, list[tuple[str, float, float]]] = {}
    page_cpu: dict[int, float] = {}
    with Clock() as clock:
        for job in plan_pages(item, LANG):
            with Clock() as page_clock:
                image = external.rasterize_pdf_page(job.path, job.number, OCR_DPI)
                data = external.tesseract_program_data(image, LANG, 3)
            page_cpu[job.number] = page_clock.cpu
            lines[job.number], words[job.number] = _tesseract_lines_and_words(data)
    document = ingest(item)
    document.ocr_lines = _joined_pages(lines)
    return Reading(lines, document, seconds=clock.wall, pages=len(lines), cpu=clock.cpu,
                   words_by_page=words, page_cpu=page_cpu)


def _tesseract_lines_and_words(data: dict[str, list]):
    by_line: dict[tuple[int, int, int], list[str]] = {}
    words = []
    for i, level in enumerate(data["level"]):
        text = str(data["text"][i]).strip()
        if int(level) != WORD_LEVEL or not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        by_line.setdefault(key, []).append(text)
        words.append((text, data["left"][i] + data["width"][i] / 2,
                      data["top"][i] + data["height"][i] / 2))
    return [" ".join(ws) for ws in by_line.values()], words


def read_ocrmypdf(scan: Scan) -> Reading:
    out = CACHE / "ocrmypdf"
    out.mkdir(parents=True, exist_ok=True)
    with Clock() as clock:
        text = external.ocrmypdf_sidecar(scan.pdf, out, LANG)
    lines = {number: [line for line in page.split("\n") if line.strip()]
             for number, page in enumerate(text.split("\f"), start=1) if page.strip()}
    document = ingest(sniff(scan.pdf))
    document.ocr_lines = _joined_pages(lines)
    return Reading(lines, document, seconds=clock.wall, pages=len(scan.rendered.pages),
                   cpu=clock.cpu)


def _joined_pages(lines: dict[int, list[str]]) -> list[str]:
    out: list[str] = []
    for number in sorted(lines):
        if out:
            out.append("")
        out.extend(lines[number])
    return out


# -- scores ------------------------------------------------------------------------------------

@dataclass
class Score:
    body_errors: int = 0
    body_chars: int = 0
    header_right: int = 0
    header_fields: int = 0
    cell_errors: int = 0
    cell_chars: int = 0
    cells_found: int = 0
    cells_total: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    pages: int = 0
    measured_cells: bool = False
    measured_grid: bool = False

    def add(self, other: Score) -> None:
        for name in ("body_errors", "body_chars", "header_right", "header_fields",
                     "cell_errors", "cell_chars", "cells_found", "cells_total", "seconds",
                     "cpu", "pages"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.measured_cells |= other.measured_cells
        self.measured_grid |= other.measured_grid


def body_errors(scan: Scan, reading: Reading) -> tuple[int, int]:
    errors = chars = 0
    for gold in scan.rendered.lines:
        if gold.kind not in BODY_KINDS:
            continue
        candidates = reading.page_lines.get(gold.page, [])
        if candidates:
            best = process.extractOne(gold.text, candidates, scorer=Levenshtein.distance)
            errors += int(best[1])
        else:
            errors += len(gold.text)
        chars += len(gold.text)
    return errors, chars


def header_score(scan: Scan, reading: Reading) -> tuple[int, int]:
    truth = get_plan(scan.plan)
    expected = {"issuer": truth.issuer, "issuer_parent": truth.issuer_parent,
                "number": truth.number, "type_code": truth.type_code,
                "document_type": truth.document_type, "place": truth.place, "date": truth.date}
    try:
        header = segment_document(reading.document).header
    except Exception as exc:  # a segmenter crash scores zero, and says why
        log(f"segment failed on {scan.pdf}: {exc}")
        return 0, len(HEADER_FIELDS)
    got = {name: getattr(header, name) for name in HEADER_FIELDS}
    got["number"] = header.written_number  # the truth has it whole: "07/KH-UBND"
    right = sum(got[name] == expected[name] for name in HEADER_FIELDS)
    return right, len(HEADER_FIELDS)


def _gold_tables(scan: Scan) -> dict[tuple[int, int], int]:
    """(page, appendix table id) -> the table's index among that page's tables."""
    order: dict[int, list[int]] = {}
    for cell in scan.rendered.cells:
        seen = order.setdefault(cell.page, [])
        if cell.table not in seen:
            seen.append(cell.table)
    return {(page, table): i for page, tables in order.items() for i, table in enumerate(tables)}


def _norm(text: str) -> str:
    return " ".join(text.split())


def cell_score_ours(scan: Scan, reading: Reading) -> tuple[int, int, int, int]:
    index = _gold_tables(scan)
    errors = chars = found = 0
    for cell in scan.rendered.cells:
        key = (cell.page, index[(cell.page, cell.table)], cell.grid_row, cell.col)
        got = reading.cells.get(key)
        if got is not None and reading.spans[key] == (cell.row_span, cell.col_span):
            found += 1
        errors += Levenshtein.distance(_norm(cell.text), _norm(got or ""))
        chars += len(_norm(cell.text))
    return errors, chars, found, len(scan.rendered.cells)


def cell_score_tesseract(scan: Scan, reading: Reading) -> tuple[int, int]:
    scale = OCR_DPI / scan.variant.dpi
    errors = chars = 0
    for cell in scan.rendered.cells:
        left, top, right, bottom = (v * scale for v in cell.bbox)
        words = [text for text, x, y in reading.words_by_page.get(cell.page, [])
                 if left <= x <= right and top <= y <= bottom]
        errors += Levenshtein.distance(_norm(cell.text), " ".join(words))
        chars += len(_norm(cell.text))
    return errors, chars


def score(scan: Scan, system: str, reading: Reading) -> Score:
    result = Score(seconds=reading.seconds, cpu=reading.cpu, pages=reading.pages)
    result.body_errors, result.body_chars = body_errors(scan, reading)
    result.header_right, result.header_fields = header_score(scan, reading)
    if scan.rendered.cells and system in ("ours", "ours+rest"):
        result.cell_errors, result.cell_chars, result.cells_found, result.cells_total = \
            cell_score_ours(scan, reading)
        result.measured_cells = result.measured_grid = True
    elif scan.rendered.cells and system == "tesseract" and not scan.variant.sideways:
        result.cell_errors, result.cell_chars = cell_score_tesseract(scan, reading)
        result.measured_cells = True
    return result


# -- report ------------------------------------------------------------------------------------

def _pct(part: float, whole: float, measured: bool = True) -> str:
    return f"{100 * part / whole:.2f}%" if measured and whole else "—"


def print_table(scores: dict[tuple[str, str], Score], variants: Iterable[str]) -> None:
    header = (f"{'scans':<10} {'system':<10} {'pages':>5} {'body CER':>9} {'header':>8} "
              f"{'cell CER':>9} {'grid':>8} {'s/page':>7} {'cpu/page':>8} {'x tess':>7}")
    print(header)
    print("-" * len(header))
    for variant in [*variants, "all"]:
        tess = scores.get((variant, "tesseract"))
        for system in SYSTEMS:
            s = scores.get((variant, system))
            if s is None or not s.pages:
                continue
            cpu = s.cpu / s.pages
            ratio = (f"{cpu / (tess.cpu / tess.pages):.2f}"
                     if tess and tess.pages and tess.cpu else "—")
            print(f"{variant:<10} {system:<10} {s.pages:>5} "
                  f"{_pct(s.body_errors, s.body_chars):>9} "
                  f"{_pct(s.header_right, s.header_fields):>8} "
                  f"{_pct(s.cell_errors, s.cell_chars, s.measured_cells):>9} "
                  f"{_pct(s.cells_found, s.cells_total, s.measured_grid):>8} "
                  f"{s.seconds / s.pages:>7.2f} {cpu:>8.2f} {ratio:>7}")


def print_page_ratios(rows: list[tuple[str, str, int, int, float, float]]) -> None:
    """Per page: CPU seconds of ours and of plain Tesseract on it, their ratio, and the worst
    ratio of the pages with tables and of those without (issue #4 asks 1.3x per page)."""
    print()
    print(f"{'scans':<10} {'plan':<34} {'page':>4} {'tables':>6} {'ours':>6} {'tess':>6} "
          f"{'x tess':>6}")
    worst: dict[bool, float] = {}
    for variant, plan, page, n_tables, ours, tess in rows:
        ratio = ours / tess if tess else float("nan")
        worst[n_tables > 0] = max(worst.get(n_tables > 0, 0.0), ratio)
        print(f"{variant:<10} {plan:<34} {page:>4} {n_tables:>6} {ours:>6.2f} {tess:>6.2f} "
              f"{ratio:>6.2f}")
    for has_tables, label in ((True, "table pages"), (False, "text pages")):
        if has_tables in worst:
            print(f"worst x tess, {label}: {worst[has_tables]:.2f}")


def _page_rows(variant: str, plan: str, readings: dict[str, Reading]):
    ours, tess = readings.get("ours"), readings.get("tesseract")
    if ours is None or tess is None:
        return []
    return [(variant, plan, page, ours.page_tables.get(page, 0), cpu, tess.page_cpu.get(page, 0.0))
            for page, cpu in sorted(ours.page_cpu.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocr", description=__doc__.split("\n")[0])
    parser.add_argument("--plans", default=",".join(PLANS))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--no-ocrmypdf", action="store_true", help="leave ocrmypdf out")
    parser.add_argument("--engine-per-page", action="store_true",
                        help="ours loads its Tesseract models again for every page, as a "
                             "process that reads a single page would")
    args = parser.parse_args(argv)
    plans = [name for name in args.plans.split(",") if name]
    variants = [VARIANTS[name] for name in args.variants.split(",") if name]
    systems = [s for s in SYSTEMS if not (s == "ocrmypdf" and args.no_ocrmypdf)]
    restorer = default_restorer()
    readers = {"ours": lambda scan: read_ours(scan, args.engine_per_page),
               "ours+rest": lambda scan: restored(readings["ours"], restorer),
               "tesseract": read_tesseract, "ocrmypdf": read_ocrmypdf}
    external.require_languages(LANG)
    ocrmypdf_problem = None

    scores: dict[tuple[str, str], Score] = {}
    page_rows = []
    for variant in variants:
        for plan in plans:
            scan = make_scan(plan, variant)
            readings: dict[str, Reading] = {}
            for system in systems:
                if system == "ocrmypdf" and ocrmypdf_problem:
                    continue
                try:
                    reading = readers[system](scan)
                except PipelineError as exc:
                    if system != "ocrmypdf":
                        raise
                    ocrmypdf_problem = str(exc)
                    log(f"ocrmypdf cannot run here, left out: {exc}")
                    continue
                readings[system] = reading
                result = score(scan, system, reading)
                body = _pct(result.body_errors, result.body_chars)
                cells = _pct(result.cell_errors, result.cell_chars, result.measured_cells)
                log(f"{variant.name} {plan} {system}: {result.pages} pages, "
                    f"{result.seconds:.1f} s ({result.cpu:.1f} s cpu), body {body}, cells {cells}")
                for key in ((variant.name, system), ("all", system)):
                    scores.setdefault(key, Score()).add(result)
            page_rows.extend(_page_rows(variant.name, plan, readings))
    print(f"OCR benchmark: {len(plans)} plans x {len(variants)} scan variants "
          f"(.cache/bench_ocr), Tesseract {LANG}, one page at a time")
    print_table(scores, [v.name for v in variants])
    print_page_ratios(page_rows)
    if ocrmypdf_problem:
        print(f"ocrmypdf: not measured ({ocrmypdf_problem})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
