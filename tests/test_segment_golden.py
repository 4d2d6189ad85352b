"""Golden tests of segment on the project's rendered samples (samples/NAME.truth.json).

Each sample is segmented from three inputs; each result is compared (1) with its golden JSON
and Markdown in tests/golden/ (rewrite them with `pytest --update-golden`) and (2) with the
renderer's ground truth (truth.json "document") for the parts that must match:

- "cells": the gold text lines with their layout blocks, and the gold table cells as the ocr
  stage gives them (one Table per page) -> the whole structure equals the truth;
- "text": the gold text lines alone, the table read as text (one cell line per line) ->
  everything equals the truth but the rows' coordinate and output columns;
- "scan": the real pipeline's output on the scan (the session's `samples_run`) -> sections,
  appendix groups and rows by number, and each row's lead and deadline agree with the truth
  (text up to OCR noise).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from rapidfuzz import fuzz

from pipeline.emit.markdown import render_markdown
from pipeline.emit.schema import validate
from pipeline.model import Cell, Document, Line, Page, Source, Table, joined_lines
from pipeline.segment import segment_document

GOLDEN = ROOT / "tests" / "golden"
TRUTHS = sorted(SAMPLES.glob("*.truth.json"))
NAMES = [path.name.removesuffix(".truth.json") for path in TRUTHS]
STRUCTURE = [
    "header", "title", "legal_basis", "sections", "closing", "signature", "recipients",
    "appendices", "references",
]
# How alike an OCR'd title or cell must be to the truth's (rapidfuzz ratio, 0..100):
# OCR misreads are not the segmenter's: "Quý [H/2026" for "Quý III/2026" scores 78.
SIMILARITY = 75


def load_truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))


# --- documents from the ground truth -----------------------------------------------------------


def truth_tables(truth: dict, page: int) -> list[Table]:
    """The page's tables as the ocr stage gives them: rows numbered on the page (grid_row)."""
    by_table: dict[int, list[Cell]] = {}
    for cell in truth["cells"]:
        if cell["page"] == page:
            by_table.setdefault(cell["table"], []).append(
                Cell(
                    row=cell["grid_row"], col=cell["col"], row_span=cell["row_span"],
                    col_span=cell["col_span"], text=cell["text"],
                )
            )
    return [
        Table(
            n_rows=max(c.row + c.row_span for c in cells),
            n_cols=max(c.col + c.col_span for c in cells),
            cells=cells,
        )
        for _, cells in sorted(by_table.items())
    ]


# The renderer's line kinds that are layout blocks of the ocr stage; its other kinds (title,
# heading, page number, ...) are lines of the body to layout analysis, and a table cell's
# line is a table row's.
OCR_BLOCKS = {"header_left", "header_right", "body", "signature", "recipients"}


def ocr_block(kind: str) -> str:
    return kind if kind in OCR_BLOCKS else "table" if kind == "table_cell" else "body"


def document_from_truth(truth: dict, with_cells: bool) -> Document:
    """The gold lines as OCR lines, each with its page and layout block, joined as the ocr
    stage joins pages (a blank line between pages), and the gold cells when asked for."""
    numbers = sorted({line["page"] for line in truth["lines"]})
    pages = [
        Page(
            number=number,
            lines=[
                Line(text=line["text"], page=number, block=ocr_block(line["kind"]))
                for line in truth["lines"] if line["page"] == number
            ],
            tables=truth_tables(truth, number) if with_cells else [],
        )
        for number in numbers
    ]
    page_lines = joined_lines(pages)
    source = Source(file=f"{truth['name']}.pdf", sha256="0" * 64, kind="scan", pages=len(pages))
    return Document(source=source, pages=pages, page_lines=page_lines,
                    ocr_lines=[line.text for line in page_lines])


# --- comparisons -------------------------------------------------------------------------------


def mismatches(actual, expected, path: str = "") -> list[str]:
    """Every place where `actual` differs from `expected` (lists compared item by item)."""
    if isinstance(expected, dict):
        actual = actual if isinstance(actual, dict) else {}
        return [m for key in expected for m in mismatches(actual.get(key), expected[key],
                                                           f"{path}.{key}")]
    if isinstance(expected, list):
        actual = actual if isinstance(actual, list) else []
        found = [] if len(actual) == len(expected) else [
            f"{path}: {len(actual)} items, truth has {len(expected)}"
        ]
        return found + [
            m for index, item in enumerate(expected)
            for m in mismatches(actual[index] if index < len(actual) else None, item,
                                f"{path}[{index}]")
        ]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


def public_json(document: Document) -> dict:
    payload = document.to_public_json()
    payload.pop("quality")  # OCR confidences: not the segmenter's, and they move with OCR
    return payload


def check_golden(name: str, payload: dict, markdown: str, update: bool) -> None:
    """Compare with (or with --update-golden, rewrite) tests/golden/NAME.{json,md}."""
    json_path, md_path = GOLDEN / f"{name}.json", GOLDEN / f"{name}.md"
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if update:
        GOLDEN.mkdir(exist_ok=True)
        json_path.write_text(text, encoding="utf-8")
        md_path.write_text(markdown, encoding="utf-8")
        return
    assert json_path.is_file(), f"no golden file {json_path.name}: run pytest --update-golden"
    golden = json.loads(json_path.read_text(encoding="utf-8"))
    assert mismatches(payload, golden) == [], f"{name}: output differs from its golden JSON"
    assert markdown == md_path.read_text(encoding="utf-8"), f"{name}: Markdown differs"


def segmented(name: str, with_cells: bool) -> tuple[dict, str]:
    document = segment_document(document_from_truth(load_truth(name), with_cells))
    payload = document.to_public_json()
    validate(payload)
    public = public_json(document)
    return public, render_markdown(document)


# --- the tests ---------------------------------------------------------------------------------


def test_every_rendered_sample_has_truth_and_golden_files():
    assert len(NAMES) >= 4
    for name in NAMES:
        truth = load_truth(name)
        assert set(STRUCTURE) <= set(truth["document"])
        assert truth["lines"]


@pytest.mark.parametrize("name", NAMES)
def test_truth_lines_and_cells_give_the_truth(name, update_golden):
    payload, markdown = segmented(name, with_cells=True)
    check_golden(f"{name}.cells", payload, markdown, update_golden)
    truth = load_truth(name)["document"]
    assert mismatches({k: payload[k] for k in STRUCTURE}, {k: truth[k] for k in STRUCTURE}) == []


ROW_KEYS = ("tt", "task", "lead", "deadline")


def rows_by(appendices: list[dict], keys: tuple[str, ...]) -> list[list]:
    return [
        [(g["number"], g["title"], [tuple(r[k] for k in keys) for r in g["rows"]])
         for g in appendix["groups"]]
        for appendix in appendices
    ]


@pytest.mark.parametrize("name", NAMES)
def test_truth_lines_alone_give_the_truth_but_coordinate_and_output(name, update_golden):
    """Without cells the table is read from text (one cell line per line, wrapped): all but
    two columns equal the truth; the coordinating body and the output, free text between the
    lead and the deadline with no vocabulary of their own, are left to the golden file."""
    payload, markdown = segmented(name, with_cells=False)
    check_golden(f"{name}.text", payload, markdown, update_golden)
    truth = load_truth(name)["document"]
    for key in ("header", "title", "legal_basis", "sections", "closing", "signature",
                "recipients", "references"):
        assert mismatches(payload[key], truth[key], key) == []
    assert [(a["title"], a["attached_to"], a["columns"]) for a in payload["appendices"]] == [
        (a["title"], a["attached_to"], a["columns"]) for a in truth["appendices"]
    ]
    assert rows_by(payload["appendices"], ROW_KEYS) == rows_by(truth["appendices"], ROW_KEYS)


def agreement(actual: list[dict], expected: list[dict], path: str = "sections") -> list[str]:
    """Section numbers equal (null only where OCR lost a heading), titles alike up to OCR
    noise, at every level."""
    found = []
    if len(actual) != len(expected):
        return [f"{path}: {len(actual)} sections, truth has {len(expected)}"]
    for got, want in zip(actual, expected, strict=True):
        if got["number"] not in (want["number"], None):
            found.append(f"{path}: number {got['number']!r} != {want['number']!r}")
        if got["title"] is not None and not alike(got["title"], want["title"]):
            found.append(f"{path} {want['number']}: {got['title']!r} vs {want['title']!r}")
        found += agreement(got["subsections"], want["subsections"], f"{path}.{want['number']}")
    return found


def alike(actual: str | None, expected: str | None) -> bool:
    if actual is None or expected is None:
        return actual == expected
    return fuzz.ratio(actual, expected) >= SIMILARITY


def row_agreement(actual: list[dict], expected: list[dict]) -> list[str]:
    """Groups and rows by number equal; each row's lead and deadline alike up to OCR noise."""
    found = []
    for appendix, truth in zip(actual, expected, strict=True):
        numbers = [(g["number"], [r["tt"] for r in g["rows"]]) for g in appendix["groups"]]
        if numbers != [(g["number"], [r["tt"] for r in g["rows"]]) for g in truth["groups"]]:
            return [f"rows {numbers}"]
        for group, want in zip(appendix["groups"], truth["groups"], strict=True):
            for row, expect in zip(group["rows"], want["rows"], strict=True):
                found += [
                    f"{row['tt']} {key}: {row[key]!r} vs {expect[key]!r}"
                    for key in ("lead", "deadline") if not alike(row[key], expect[key])
                ]
    return found


@pytest.mark.parametrize("name", NAMES)
def test_scan_through_the_pipeline(name, samples_run, update_golden):
    """The real pipeline's output (OCR, restore, segment): valid, equal to its golden files,
    and in agreement with the truth: every section and subsection by number and title, every
    appendix group and row by number, each row's lead and deadline (titles and values up to
    OCR noise: the golden files hold the exact text)."""
    _, out = samples_run
    payload = json.loads((Path(out) / f"{name}.json").read_text(encoding="utf-8"))
    validate(payload)
    payload.pop("quality")
    truth = load_truth(name)["document"]
    assert alike(payload["title"], truth["title"])
    assert agreement(payload["sections"], truth["sections"]) == []
    assert len(payload["appendices"]) == len(truth["appendices"])
    assert row_agreement(payload["appendices"], truth["appendices"]) == []
    assert payload["signature"]["name"] == truth["signature"]["name"]
    assert len(payload["recipients"]) == len(truth["recipients"])
    # last: the exact text moves with the ocr and restore stages (rewrite with --update-golden)
    markdown = (Path(out) / f"{name}.md").read_text(encoding="utf-8")
    check_golden(f"{name}.scan", payload, markdown, update_golden)


def test_real_plan_through_the_pipeline(samples_run):
    """The real user's plan (English-model OCR, restored, then segmented) by structure only:
    four sections, the subsections of I and IV, the signer, the recipients, the appendix's
    three groups with every numbered row's deadline (and lead where OCR left it legible), and
    every cited document with its symbol, decisions' "QĐ" with its Đ."""
    _, out = samples_run
    payload = json.loads((Path(out) / "plan_ngoc_lien.json").read_text(encoding="utf-8"))
    validate(payload)
    sections = payload["sections"]
    assert [s["number"] for s in sections] == ["I", "II", "III", "IV"]
    assert all(s["title"] for s in sections)
    assert [len(s["subsections"]) for s in sections] == [2, 2, 0, 5]
    assert payload["signature"]["authority"] == "KT. CHỦ TỊCH" and payload["signature"]["name"]
    assert payload["signature"]["title"] == "PHÓ CHỦ TỊCH"
    assert len(payload["recipients"]) == 6
    (appendix,) = payload["appendices"]
    assert [g["number"] for g in appendix["groups"]] == ["1", "2", "3"]
    rows = [row for group in appendix["groups"] for row in group["rows"]]
    assert [len(g["rows"]) for g in appendix["groups"]] == [4, 5, 2]
    assert all(row["deadline"] for row in rows)
    assert sum(1 for row in rows if row["lead"]) >= len(rows) - 1
    references = payload["references"]
    assert len(references) >= 5
    assert all(r["number"] and r["symbol"] for r in references)
    decisions = [r for r in references if r["type"] == "Quyết định"]
    assert decisions and all(r["symbol"].startswith("QĐ") for r in decisions)


@pytest.mark.parametrize("name", NAMES)
def test_markdown_tables_are_even_and_sections_are_headings(name):
    """One GFM table per appendix, every row as wide as its header (escaped "|" in cells do not
    count); a heading per section."""
    document = segment_document(document_from_truth(load_truth(name), with_cells=True))
    markdown = render_markdown(document)
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
    assert len(widths) <= 1
    separators = [row for row in rows if set(row) <= set("|- ")]
    assert len(separators) == len(document.appendices)
    for section in document.sections:
        assert f"## {section.number}. " in markdown
