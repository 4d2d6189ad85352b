"""NAME.review.html without a browser: its structure, escaping, text inputs, no outside URLs;
the page previews it embeds; the structure's values found on their lines."""

from __future__ import annotations

import base64
import io
import pickle
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from pipeline.emit import SUFFIXES, render_outputs
from pipeline.emit.review import Mark, Placed, render_review
from pipeline.emit.review_structure import structure_entries
from pipeline.model import (
    Alternative,
    Box,
    Change,
    Document,
    Doubt,
    Header,
    Line,
    Page,
    Quality,
    Section,
    Signature,
    Source,
    Word,
)
from pipeline.ocr.preview import PREVIEW_LONG_SIDE, make_preview

OCR_LINES = [
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
    "Số: 05/KH-UBND",
    "An Bình, ngày 5 tháng 1 năm 2026",
    "KẾ HOẠCH",
    "Triển khai chuyển đổi số <b>&amp; năm 2026",
    "I. MỤC ĐÍCH",
    "- Nâng cao chat lượng phục vụ người dân.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Trần Văn Bình",
]
RESTORED_LINES = [*OCR_LINES[:6], "- Nâng cao chất lượng phục vụ người dân.", *OCR_LINES[7:]]
PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi


def structured(document: Document) -> Document:
    document.header = Header(issuer="ỦY BAN NHÂN DÂN XÃ AN BÌNH", number="05", symbol="KH-UBND",
                             type_code="KH", document_type="KẾ HOẠCH", kind="Kế hoạch",
                             place="An Bình", date="2026-01-05")
    document.title = "Triển khai chuyển đổi số <b>&amp; năm 2026"
    document.sections = [Section(number="I", title="MỤC ĐÍCH",
                                 paragraphs=["Nâng cao chất lượng phục vụ người dân."])]
    document.signature = Signature(authority="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH",
                                   name="Trần Văn Bình")
    return document


def page_lines() -> list[Line]:
    """One line a line, 60 px apart, each word's box where it would be printed."""
    lines = []
    for index, text in enumerate(OCR_LINES):
        top, left, words = 100 + 60 * index, 150, []
        for word in text.split():
            words.append(Word(text=word, box=Box(left=left, top=top, width=20 * len(word),
                                                 height=40), confidence=90.0))
            left += 20 * len(word) + 15
        lines.append(Line(text=text, words=words, page=1, block="body", confidence=90.0,
                          box=Box(left=150, top=top, width=left - 165, height=40)))
    return lines


@pytest.fixture
def scan() -> Document:
    pixels = np.full(PAGE_SIZE[::-1], 240, dtype=np.uint8)
    page = Page(number=1, width=PAGE_SIZE[0], height=PAGE_SIZE[1], dpi=150,
                lines=page_lines(), preview=make_preview(pixels))
    chat = page.lines[6].words[3]
    document = Document(
        source=Source(file="plan.png", sha256="0" * 64, kind="scan", pages=1),
        pages=[page], page_lines=page.lines, ocr_lines=list(OCR_LINES),
        restored_lines=list(RESTORED_LINES),
        quality=Quality(
            changes=[Change(line=7, ocr="chat", restored="chất", confidence=0.42,
                            ocr_confidence=61.0, page=1, box=chat.box,
                            alternatives=[Alternative(text="chát", confidence=0.31)])],
            doubts=[Doubt(line=5, text="<b>&amp;", confidence=0.6, ocr_confidence=70.0,
                          page=1, box=page.lines[4].words[4].box,
                          alternatives=[Alternative(text="</script>", confidence=0.2)])],
        ),
    )
    return structured(document)


@pytest.fixture
def text_input() -> Document:
    document = Document(
        source=Source(file="plan.txt", sha256="0" * 64, kind="text", pages=0),
        ocr_lines=list(OCR_LINES), restored_lines=list(RESTORED_LINES),
        quality=Quality(changes=[Change(line=7, ocr="chat", restored="chất", confidence=0.9)]),
    )
    return structured(document)


class Elements(HTMLParser):
    """The start tags of a page, with their attributes; fails on unbalanced tags."""

    VOID = {"meta", "img", "input", "br", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def having(self, **wanted: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.tags
                if all(wanted[key] in (attrs.get(key) or "").split() for key in wanted)]


def parsed(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    elements.close()
    assert elements.open == [], elements.open
    return elements


def test_review_page_has_the_page_its_boxes_lines_and_details(scan):
    html = render_review(scan, "plan")
    elements = parsed(html)
    (image,) = [attrs for tag, attrs in elements.tags if tag == "img"]
    assert image["src"].startswith("data:image/jpeg;base64,")
    jpeg = base64.b64decode(image["src"].split(",", 1)[1])
    assert Image.open(io.BytesIO(jpeg)).size == (int(image["width"]), int(image["height"]))
    boxes = elements.having(**{"class": "box"})
    assert sorted(box["data-mark"] for box in boxes) == ["c1", "d1"]
    change_box = next(box for box in boxes if box["data-mark"] == "c1")
    assert "level-low" in change_box["class"] and "change" in change_box["class"]
    doubt_box = next(box for box in boxes if box["data-mark"] == "d1")
    assert "level-mid" in doubt_box["class"]
    lines = elements.having(**{"class": "line"})
    assert [line["data-line"] for line in lines] == [str(n) for n in range(1, 11)]
    assert "change" in lines[6]["class"].split() and "doubt" in lines[4]["class"].split()
    assert [d["data-mark"] for d in elements.having(**{"class": "detail"})] == ["d1", "c1"]
    assert "chát" in elements.text and "<b>&amp;" in elements.text


def test_a_box_is_placed_at_its_word_in_percent_of_the_page():
    preview = make_preview(np.zeros((2000, 1000), dtype=np.uint8))
    assert (preview.width, preview.height, preview.scale) == (600, 1200, 0.6)
    placed = Placed.of(Box(left=100, top=500, width=200, height=50), preview)
    assert placed == Placed(left=10.0, top=25.0, width=20.0, height=2.5)


def test_text_is_escaped(scan):
    html = render_review(scan, "plan <&>")
    assert "<b>&amp;" not in html  # the title and the line as text, never as markup
    assert "&lt;b&gt;&amp;amp;" in html
    assert html.count("</script>") == 1  # the page's own; the alternative is escaped
    assert "&lt;/script&gt;" in html
    assert "<title>Review: plan &lt;&amp;&gt;</title>" in html


def test_text_input_gets_text_and_structure_without_images(text_input):
    html = render_review(text_input, "plan")
    elements = parsed(html)
    assert not [tag for tag, _ in elements.tags if tag == "img"]
    assert elements.having(**{"class": "box"}) == []
    assert "text-only" in next(attrs["class"] for tag, attrs in elements.tags if tag == "body")
    marked = [attrs for tag, attrs in elements.tags if tag == "mark"]
    assert [attrs["data-mark"] for attrs in marked] == ["c1"]
    assert len(elements.having(**{"class": "line"})) == len(RESTORED_LINES)
    links = elements.having(**{"class": "goto"})
    assert {link["data-line"] for link in links} >= {"1", "2", "3", "4", "5", "6", "10"}


def test_no_external_urls(scan):
    html = render_review(scan, "plan")
    assert not re.search(r"(?:src|href)\s*=\s*[\"'](?!data:|#)", html)
    assert not re.search(r"https?://|//cdn|@import|url\(", html)


def test_review_page_is_one_of_the_outputs(text_input):
    assert ".review.html" in SUFFIXES
    outputs = render_outputs(text_input, "plan")
    assert outputs[".review.html"].startswith("<!DOCTYPE html>")
    assert "preview" not in outputs[".json"]


def test_structure_values_are_found_on_their_lines(scan):
    found = {entry.label: (entry.value, entry.line, entry.page) for entry in
             structure_entries(scan)}
    assert found["Cơ quan ban hành"] == ("ỦY BAN NHÂN DÂN XÃ AN BÌNH", 1, 1)
    assert found["Số, ký hiệu"] == ("05/KH-UBND", 2, 1)
    assert found["Địa danh"][1] == 3  # the date line, not the issuer's name
    assert found["Ngày"] == ("2026-01-05", 3, 1)
    assert found["Loại văn bản"][1] == 4
    assert found["Tên"][1] == 5
    assert found["Mục I"] == ("I. MỤC ĐÍCH", 6, 1)
    assert found["Quyền hạn ký"][1] == 8
    assert found["Chức vụ người ký"][1] == 9
    assert found["Người ký"] == ("Trần Văn Bình", 10, 1)


def test_preview_is_small_and_travels_with_the_page_but_not_in_json(scan):
    preview = make_preview(np.full((3508, 2480), 200, dtype=np.uint8))
    assert max(preview.width, preview.height) == PREVIEW_LONG_SIDE
    assert Image.open(io.BytesIO(preview.jpeg)).format == "JPEG"
    small = make_preview(np.zeros((300, 200), dtype=np.uint8))
    assert (small.width, small.height, small.scale) == (200, 300, 1.0)  # never enlarged
    page = scan.pages[0]
    assert pickle.loads(pickle.dumps(page)).preview == page.preview  # to and from workers
    assert "preview" not in page.model_dump()
    assert "preview" not in scan.model_dump_json()
    # A document kept as JSON (bench.real's cache) reads back, without its pictures.
    again = Document.model_validate_json(scan.model_dump_json())
    assert again.pages[0].preview is None and again.pages[0].lines == page.lines


@pytest.mark.parametrize(("kind", "confidence", "ocr_confidence", "level"), [
    ("change", 0.95, 90.0, "high"),
    ("change", 0.95, 60.0, "mid"),  # the lower of the two figures counts
    ("doubt", 0.95, 84.0, "mid"),  # a doubt is never green
    ("doubt", 0.9, 30.0, "low"),
    ("doubt", None, None, "unknown"),
])
def test_a_marks_colour_is_its_least_sure_figure(kind, confidence, ocr_confidence, level):
    mark = Mark(id="m", kind=kind, line=1, page=1, ocr="a", restored="a",
                confidence=confidence, ocr_confidence=ocr_confidence, alternatives=[], box=None)
    assert mark.level == level
