"""NAME.review.html in a real browser (issue 14): Debian's chromium, headless, driven by
playwright. A synthetic page goes through ocr, restore, segment and emit; the review page is
opened from a file:// URL as a reviewer opens it from a file manager, and its boxes, details,
filters and keys are checked. A screenshot is kept in tests/artifacts/review.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.emit import write_outputs
from pipeline.ingest import ingest, sniff
from pipeline.model import Alternative, Document, Doubt, Word
from pipeline.ocr import ocr_document
from pipeline.restore import restore_document
from pipeline.segment import segment_document

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# How far (preview pixels) a drawn box's centre may be from its word's: rounding of the
# percentages and of the browser's layout, well under a letter's width.
CENTRE_TOLERANCE_PX = 2.0


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: `make setup` installs it (as root; else it prints "
                "the apt-get command)")


def ocr_word(document: Document, line: int, text: str) -> Word:
    """The OCR word `text` (punctuation around it aside) of the 1-based `line`."""
    words = document.page_lines[line - 1].words
    for word in words:
        if word.text.strip(".,;:!?()") == text:
            return word
    raise AssertionError(f"no word {text!r} on line {line}: {[w.text for w in words]}")


def with_doubt(document: Document) -> Document:
    """One more doubt, on the least confident word no change or doubt holds, with two
    alternatives (one of them markup, to be shown as text): the test's own mark, whatever
    restore finds doubtful itself."""
    changed = {(change.line, change.ocr) for change in document.quality.changes}
    changed |= {(doubt.line, doubt.text) for doubt in document.quality.doubts}
    candidates = [
        (word.confidence, number, word)
        for number, line in enumerate(document.page_lines, start=1)
        for word in line.words
        if word.box is not None and word.confidence is not None and len(word.text) > 2
        and (number, word.text) not in changed
    ]
    confidence, number, word = min(candidates, key=lambda item: (item[0], item[1]))
    document.quality.doubts.append(Doubt(
        line=number, text=word.text, confidence=0.35, ocr_confidence=confidence,
        page=document.page_lines[number - 1].page, box=word.box,
        alternatives=[Alternative(text=word.text + "x", confidence=0.3),
                      Alternative(text="<&>", confidence=0.1)],
    ))
    return document


@pytest.fixture(scope="module")
def reviewed(review_page_scan, tmp_path_factory) -> tuple[Document, Path]:
    item = sniff(review_page_scan)
    document = segment_document(restore_document(ocr_document(ingest(item), item)))
    document = with_doubt(document)
    out = tmp_path_factory.mktemp("review_out")
    write_outputs(document, out, "plan_an_hoa")
    return document, out / "plan_an_hoa.review.html"


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `make setup` installs the dev extras")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, reviewed):
    _, html = reviewed
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    opened = context.new_page()
    requests = []
    opened.on("request", lambda request: requests.append(request.url))
    errors = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(html.as_uri())
    yield opened
    assert errors == [], errors
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    context.close()


def marks_of(document: Document) -> list:
    return [*document.quality.changes, *document.quality.doubts]


def mark_ids(document: Document) -> list[str]:
    """The DOM ids of marks_of(document): "c1".. for changes, "d1".. for doubts."""
    return [*(f"c{n}" for n in range(1, len(document.quality.changes) + 1)),
            *(f"d{n}" for n in range(1, len(document.quality.doubts) + 1))]


def added_doubt_id(document: Document) -> str:
    """The id of the doubt `with_doubt` added (the last one)."""
    return f"d{len(document.quality.doubts)}"


def test_the_document_has_boxed_changes_and_doubts(reviewed):
    document, _ = reviewed
    assert [(c.ocr, c.restored) for c in document.quality.changes] == [("ly", "lý"), ("bo", "bộ")]
    assert document.quality.doubts[-1].alternatives[-1].text == "<&>"
    assert all(mark.box is not None and mark.page == 1 for mark in marks_of(document))


def test_boxes_stand_on_their_words(page, reviewed):
    document, _ = reviewed
    scale = document.pages[0].preview.scale
    image = page.locator("#page-1 img")
    natural_width = image.evaluate("img => img.naturalWidth")
    shown = image.bounding_box()
    zoom = shown["width"] / natural_width  # preview pixels to CSS pixels
    boxes = page.locator(".mark.box")
    assert boxes.count() == len(marks_of(document))
    for index in range(boxes.count()):
        box = boxes.nth(index)
        mark_id = box.get_attribute("data-mark")
        mark = marks_of(document)[_position(document, mark_id)]
        word = ocr_word(document, mark.line, getattr(mark, "ocr", None) or mark.text)
        drawn = box.bounding_box()
        drawn_x = (drawn["x"] + drawn["width"] / 2 - shown["x"]) / zoom
        drawn_y = (drawn["y"] + drawn["height"] / 2 - shown["y"]) / zoom
        word_x = (word.box.left + word.box.width / 2) * scale
        word_y = (word.box.top + word.box.height / 2) * scale
        assert abs(drawn_x - word_x) <= CENTRE_TOLERANCE_PX, (mark_id, drawn_x, word_x)
        assert abs(drawn_y - word_y) <= CENTRE_TOLERANCE_PX, (mark_id, drawn_y, word_y)


def _position(document: Document, mark_id: str) -> int:
    """Index in marks_of(document) of the mark with DOM id "c2" / "d1"."""
    number = int(mark_id[1:]) - 1
    return number if mark_id[0] == "c" else len(document.quality.changes) + number


def test_clicking_a_box_shows_ocr_restored_and_alternatives(page, reviewed):
    document, _ = reviewed
    doubt, doubt_id = document.quality.doubts[-1], added_doubt_id(document)
    page.locator(f'.mark.box[data-mark="{doubt_id}"]').click()
    detail = page.locator(f"#detail-{doubt_id}")
    assert detail.is_visible()
    assert detail.locator(".ocr-word").inner_text() == doubt.text
    alternatives = detail.locator(".alt-text").all_inner_texts()
    assert alternatives == [alternative.text for alternative in doubt.alternatives]
    assert "<&>" in alternatives  # shown as text, not read as markup
    assert page.locator(f"#line-{doubt.line}").get_attribute("class").split()[-1] == "current"
    assert page.locator("#page-1 .line-box").is_visible()

    change = document.quality.changes[0]
    page.locator('.mark.box[data-mark="c1"]').click()
    assert not detail.is_visible()
    shown = page.locator("#detail-c1")
    assert shown.locator(".ocr-word").inner_text() == change.ocr
    assert shown.locator(".restored-word").inner_text() == change.restored
    assert page.locator(f'#line-{change.line} mark[data-mark="c1"]').inner_text() == \
        change.restored
    assert "selected" in page.locator(f'#line-{change.line} mark[data-mark="c1"]') \
        .get_attribute("class")


def test_clicking_a_marked_word_selects_its_box(page, reviewed):
    document, _ = reviewed
    change = document.quality.changes[1]
    page.locator(f'#line-{change.line} mark[data-mark="c2"]').click()
    assert page.locator("#detail-c2").is_visible()
    assert "selected" in page.locator('.mark.box[data-mark="c2"]').get_attribute("class")


def test_clicking_a_line_outlines_it_on_the_page(page, reviewed):
    document, _ = reviewed
    scale = document.pages[0].preview.scale
    line = next(number for number, line in enumerate(document.page_lines, start=1)
                if line.box is not None and not any(m.line == number for m in marks_of(document)))
    page.locator(f"#line-{line} .txt").click()
    assert "current" in page.locator(f"#line-{line}").get_attribute("class")
    outline = page.locator("#page-1 .line-box")
    assert outline.is_visible()
    image = page.locator("#page-1 img")
    shown = image.bounding_box()
    zoom = shown["width"] / image.evaluate("img => img.naturalWidth")
    drawn = outline.bounding_box()
    expected = document.page_lines[line - 1].box
    assert abs((drawn["y"] - shown["y"]) / zoom - expected.top * scale) <= CENTRE_TOLERANCE_PX + 2
    assert abs(drawn["height"] / zoom - expected.height * scale) <= CENTRE_TOLERANCE_PX + 4

    change = document.quality.changes[0]  # a line with a mark selects its first mark
    page.locator(f"#line-{change.line} .ln").click()
    assert page.locator("#detail-c1").is_visible()
    assert "selected" in page.locator('.mark.box[data-mark="c1"]').get_attribute("class")


def test_filters_show_changes_only_or_doubts_only(page):
    change_box = page.locator('.box[data-mark="c1"]')
    doubt_box = page.locator('.box[data-mark="d1"]')
    assert change_box.is_visible() and doubt_box.is_visible()
    page.get_by_label("changes only").check()
    assert change_box.is_visible() and not doubt_box.is_visible()
    page.get_by_label("doubts only").check()
    assert not change_box.is_visible() and doubt_box.is_visible()
    page.get_by_label("all").check()
    assert change_box.is_visible() and doubt_box.is_visible()


def test_keys_go_from_mark_to_mark_in_reading_order(page, reviewed):
    document, _ = reviewed
    order = sorted(zip(marks_of(document), mark_ids(document), strict=True),
                   key=lambda pair: (pair[0].line, pair[0].box.left))
    ids = [mark_id for _, mark_id in order]
    doubts = [mark_id for mark_id in ids if mark_id.startswith("d")]
    assert "n" in page.locator("#help").inner_text() and "p" in page.locator("#help").inner_text()

    def selected() -> list[str]:
        return [page.locator(".detail").nth(i).get_attribute("data-mark")
                for i in range(page.locator(".detail").count())
                if page.locator(".detail").nth(i).is_visible()]

    for expected in ids:
        page.keyboard.press("n")
        assert selected() == [expected]
    page.keyboard.press("j")  # past the last: back to the first
    assert selected() == [ids[0]]
    page.keyboard.press("p")
    assert selected() == [ids[-1]]
    page.keyboard.press("k")
    assert selected() == [ids[-2]]
    page.get_by_label("doubts only").check()
    for expected in [*doubts, doubts[0]]:  # round again to the first
        page.keyboard.press("n")
        assert selected() == [expected]
    page.keyboard.press("Escape")
    assert selected() == []


def test_structure_links_lead_to_their_lines(page):
    link = page.locator(".structure a.goto", has_text="Chuyển đổi số trên địa bàn xã")
    line = link.get_attribute("data-line")
    assert line == "5"
    link.click()
    assert "current" in page.locator("#line-5").get_attribute("class")
    assert page.locator("#page-1 .line-box").is_visible()
    number = page.locator(".structure a.goto", has_text="12/KH-UBND")
    assert number.get_attribute("data-line") == "2"


def test_screenshot_is_kept(page):
    page.keyboard.press("n")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "review.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
