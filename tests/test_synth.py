"""Quick checks of the synthetic scan renderer (low dpi, so each test takes well under a second
or two): determinism, gold text against the plan, cell boxes, and rules surviving degradation."""

from __future__ import annotations

import json
import unicodedata
from functools import cache

import numpy as np
import pytest
import regex

from pipeline import model
from pipeline.synth import (
    CLEAN,
    PLANS,
    Degrade,
    Plan,
    PrintedScan,
    RenderedDocument,
    Section,
    document_dict,
    get_plan,
    render_plan,
    render_text_page,
    render_text_pages,
    truth_dict,
)

SHORT = "plan_hoa_khanh_thuong_pctt"  # one page, no appendix
LONG = "plan_thach_phong_cds"  # appendix continued onto a second page
LANDSCAPE = "plan_hung_long_tay_giao_thong"


@cache
def clean(name: str, dpi: int = 72, repeat_header: bool = True) -> RenderedDocument:
    return render_plan(get_plan(name), dpi=dpi, degrade="clean", repeat_header=repeat_header)


def pixels(rendered: RenderedDocument) -> list[np.ndarray]:
    return [np.asarray(image) for image in rendered.images]


# -- determinism -----------------------------------------------------------------------------

def test_same_seed_gives_same_pages_and_truth():
    first = render_plan(get_plan(SHORT), dpi=72, seed=5, degrade="mild")
    second = render_plan(get_plan(SHORT), dpi=72, seed=5, degrade="mild")
    assert all(np.array_equal(a, b) for a, b in zip(pixels(first), pixels(second), strict=True))
    assert [line.as_dict() for line in first.lines] == [line.as_dict() for line in second.lines]


def test_other_seed_gives_other_scan_of_same_text():
    first = render_plan(get_plan(SHORT), dpi=72, seed=5, degrade="mild")
    other = render_plan(get_plan(SHORT), dpi=72, seed=6, degrade="mild")
    assert not np.array_equal(pixels(first)[0], pixels(other)[0])
    assert first.gold_lines() == other.gold_lines()


def test_render_text_page_is_deterministic():
    lines = ["Ủy ban nhân dân xã ban hành Kế hoạch.", "Thời gian hoàn thành: Quý II/2026."]
    image_a, boxes_a = render_text_page(lines, dpi=100, page_size="A6", seed=1)
    image_b, boxes_b = render_text_page(lines, dpi=100, page_size="A6", seed=1)
    assert np.array_equal(np.asarray(image_a), np.asarray(image_b))
    assert boxes_a == boxes_b


# -- gold text against the plan ----------------------------------------------------------------

def expected_body(plan: Plan) -> list[str]:
    def walk(section: Section) -> list[str]:
        out = [section.heading, *(block.rendered for block in section.blocks)]
        for sub in section.subsections:
            out.extend(walk(sub))
        return out

    body = list(plan.legal_basis)
    for section in plan.sections:
        body.extend(walk(section))
    return [*body, plan.closing]


def texts_of(rendered: RenderedDocument, *kinds: str) -> list[str]:
    return [line.text for line in rendered.lines if line.kind in kinds]


@pytest.mark.parametrize("name", sorted(PLANS))
def test_gold_lines_rebuild_the_plan_text(name):
    plan = get_plan(name)
    rendered = clean(name)
    assert texts_of(rendered, "header_left") == [*plan.header_left, plan.number_line]
    assert texts_of(rendered, "header_right") == [*plan.motto, plan.place_date_line]
    assert texts_of(rendered, "title") == [plan.document_type, *plan.summary]
    body = " ".join(texts_of(rendered, "body", "heading"))
    assert body == " ".join(expected_body(plan))
    assert texts_of(rendered, "signature") == plan.signature.lines
    recipients = " ".join(texts_of(rendered, "recipients"))
    assert recipients == " ".join(["Nơi nhận:", *(f"- {r}" for r in plan.recipients)])


def test_gold_has_one_line_per_text_line_and_per_table_row():
    rendered = clean(LONG)
    gold = rendered.gold_lines()
    text_lines = [line for line in rendered.lines if line.cell is None]
    rows = {(c.page, c.table, c.grid_row) for c in rendered.cells}
    assert len(gold) == len(text_lines) + len(rows)
    assert "TT Nội dung nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp" in " ".join(gold)
    row_11 = next(line for line in gold if line.startswith("1.1 "))
    assert row_11.endswith(" Quý II/2026")


def test_appendix_rows_are_all_drawn_once():
    plan = get_plan(LONG)
    rendered = clean(LONG)
    drawn = [c.text for c in rendered.cells if c.role == "task" and c.col == 0]
    assert drawn == [row.tt for group in plan.appendices[0].groups for row in group.rows]
    groups = [c.text for c in rendered.cells if c.role == "group" and c.col == 1]
    assert groups == [group.title for group in plan.appendices[0].groups]
    assert all(c.col_span == 5 for c in rendered.cells if c.role == "group" and c.col == 1)


def test_table_continues_with_or_without_repeated_header():
    repeated = clean(LONG, repeat_header=True)
    pages = sorted({c.page for c in repeated.cells})
    assert len(pages) == 2, "the sample appendix should run onto a second page"
    headers = [c for c in repeated.cells if c.role == "header" and c.col == 0]
    assert [(h.page, h.repeated) for h in headers] == [(pages[0], False), (pages[1], True)]
    single = clean(LONG, repeat_header=False)
    assert len([c for c in single.cells if c.role == "header"]) == 6


def test_landscape_appendix_pages():
    rendered = clean(LANDSCAPE)
    table_pages = {c.page for c in rendered.cells}
    for page in rendered.pages:
        landscape = page.width > page.height
        assert landscape == (page.number in table_pages)
        assert page.orientation == ("landscape" if landscape else "portrait")


# -- boxes ------------------------------------------------------------------------------------

def inside(box, page) -> bool:
    left, top, right, bottom = box
    return 0 <= left < right <= page.width and 0 <= top < bottom <= page.height


@pytest.mark.parametrize("name", [LONG, LANDSCAPE])
def test_cell_boxes_lie_inside_the_page_and_do_not_overlap(name):
    rendered = clean(name)
    pages = {page.number: page for page in rendered.pages}
    for cell in rendered.cells:
        assert inside(cell.bbox, pages[cell.page])
    for page in pages:
        boxes = [c.bbox for c in rendered.cells if c.page == page]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_x <= 0 or overlap_y <= 0, (a, b)


def test_line_boxes_lie_inside_the_page_and_cell_lines_inside_their_cell():
    rendered = render_plan(get_plan(LONG), dpi=72, seed=2, degrade="mild")
    pages = {page.number: page for page in rendered.pages}
    for line in rendered.lines:
        assert inside(line.bbox, pages[line.page]), line
        if line.cell is not None:
            cell = rendered.cells[line.cell].bbox
            assert cell[0] - 2 <= line.bbox[0] and line.bbox[2] <= cell[2] + 2, line
            assert cell[1] - 2 <= line.bbox[1] and line.bbox[3] <= cell[3] + 2, line


def test_degraded_page_keeps_its_table_rules_where_the_truth_says():
    settings = Degrade(skew_deg=0.8, blur_sigma=0.6, noise_sigma=8.0, specks=0.0005,
                       paper=235, jpeg_quality=60)
    rendered = render_plan(get_plan(LONG), dpi=150, seed=3, degrade=settings)
    page = min(c.page for c in rendered.cells)
    ink = np.asarray(rendered.images[page - 1]).astype(np.int16)
    cells = [c for c in rendered.cells if c.page == page]
    hits = total = 0
    for cell in cells:
        corners = np.asarray(cell.quad)
        for start, end in zip(corners, np.roll(corners, -1, axis=0), strict=True):
            for t in np.linspace(0.1, 0.9, 12):
                x, y = (start + t * (end - start)).round().astype(int)
                window = ink[y - 2:y + 3, x - 2:x + 3]
                hits += int(window.min() < 170)  # paper is 235, a blurred 1 px rule ~100
                total += 1
    assert hits / total > 0.97


# -- plan texts and truth ----------------------------------------------------------------------

def all_text(plan: Plan) -> str:
    return json.dumps(document_dict(plan), ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(PLANS))
def test_plan_text_is_nfc_with_current_tone_placement(name):
    text = all_text(get_plan(name))
    assert text == unicodedata.normalize("NFC", text)
    # Old-style placement puts the mark on the last vowel of open "oa", "oe", "uy" syllables
    # (hoà, thuỷ); "quý" is right either way.
    open_syllable = regex.compile(r"(?:o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])$")
    words = regex.findall(r"\w+", text.lower())
    old_style = [w for w in words if open_syllable.search(w) and not w.startswith("qu")]
    assert old_style == []


@pytest.mark.parametrize("name", sorted(PLANS))
def test_references_are_cited_in_the_text(name):
    plan = get_plan(name)
    text = all_text(plan)
    for ref in plan.references:
        assert ref.text in text


@pytest.mark.parametrize("name", sorted(PLANS))
def test_truth_document_has_the_model_shape(name):
    document = document_dict(get_plan(name))
    assert set(document["header"]) == set(model.Header.model_fields)
    assert set(document["signature"]) == set(model.Signature.model_fields)
    for section in document["sections"]:
        model.Section.model_validate(section)
        assert set(section) == set(model.Section.model_fields)
    for appendix in document["appendices"]:
        parsed = model.Appendix.model_validate(appendix)
        assert parsed.model_dump() == appendix
    for reference in document["references"]:
        assert model.Reference.model_validate(reference).model_dump() == reference


def test_truth_json_round_trips():
    rendered = clean(SHORT)
    truth = truth_dict(get_plan(SHORT), rendered, {"dpi": 100})
    again = json.loads(json.dumps(truth, ensure_ascii=False))
    assert (again["document"]["header"]["number"], again["document"]["header"]["symbol"]) == (
        "41", "KH-UBND")
    assert len(again["lines"]) == len(rendered.lines)


# -- plain text pages ------------------------------------------------------------------------

def test_text_page_wraps_long_lines_and_boxes_them():
    sentence = ("Ủy ban nhân dân xã chỉ đạo các phòng, đơn vị triển khai thực hiện nghiêm túc "
                "các nhiệm vụ được giao trong Kế hoạch này.")
    image, boxes = render_text_page([sentence, "Hằng năm"], dpi=100, seed=0, degrade="heavy")
    assert " ".join(box.text for box in boxes) == f"{sentence} Hằng năm"
    assert len(boxes) >= 3
    for box in boxes:
        left, top, right, bottom = box.bbox
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height


def test_text_pages_run_onto_more_pages_on_small_paper():
    lines = [f"Dòng thứ {n} của văn bản." for n in range(60)]
    pages = render_text_pages(lines, dpi=72, page_size="A6", degrade="clean")
    assert len(pages) > 1
    assert [b.text for _, boxes in pages for b in boxes] == lines


# -- pages as real ones come (the OCR pairs of make channel-vie) -------------------------------

LINE = "Ủy ban nhân dân tỉnh tổng kết, bổ sung và điều chỉnh kế hoạch."


def ink(image) -> float:
    """Share of the page's pixels darker than mid grey."""
    return float(np.mean(np.asarray(image) < 128))


def text_page(degrade, **options):
    return render_text_pages([LINE, LINE], dpi=150, page_size="A6", seed=3, degrade=degrade,
                             **options)[0][0]


def test_printed_scan_at_its_defaults_is_the_plain_scan():
    settings = dict(skew_deg=0.4, blur_sigma=0.5, noise_sigma=6.0, jpeg_quality=70)
    plain, printed = text_page(Degrade(**settings)), text_page(PrintedScan(**settings))
    assert np.array_equal(np.asarray(plain), np.asarray(printed))


def test_ink_spread_thickens_or_thins_the_strokes():
    thin, normal, bled = (ink(text_page(PrintedScan(ink_spread=amount)))
                          for amount in (-0.25, 0.0, 0.25))
    assert thin < 0.9 * normal and bled > 1.1 * normal


def test_a_bitonal_scan_is_black_and_white():
    page = np.asarray(text_page(PrintedScan(blur_sigma=0.6, noise_sigma=8.0,
                                            bitonal_threshold=140)))
    assert set(np.unique(page)) <= {0, 255}
    assert 0.5 * ink(text_page(CLEAN)) < (page == 0).mean() < 2.0 * ink(text_page(CLEAN))


def test_the_back_page_shows_through_where_the_front_has_no_ink():
    paper = np.asarray(text_page(CLEAN)) == 255
    shown = np.asarray(text_page(PrintedScan(show_through=0.12)))
    assert (paper & (shown < 250)).sum() > 1000
    assert (shown[paper] > 200).all()  # faint: never as dark as the print


def test_text_pages_in_another_face_and_with_a_style_per_line():
    assert not np.array_equal(np.asarray(text_page(CLEAN)),
                              np.asarray(text_page(CLEAN, family="arimo")))
    short = "tổng kết, bổ sung"
    image, lines = render_text_pages([short, short], dpi=150, page_size="A6", degrade=CLEAN,
                                     family="arimo", line_styles=["bold", "regular"])[0]
    assert [line.text for line in lines] == [short, short]
    bold, regular = (float((np.asarray(image.crop(line.bbox)) < 128).sum()) for line in lines)
    assert bold > 1.2 * regular


def test_a_face_that_is_not_installed_is_an_error_not_a_fallback(monkeypatch, tmp_path):
    from pipeline.synth import typeset

    monkeypatch.setattr(typeset, "FONT_ROOT", tmp_path)
    typeset.font_path.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            typeset.font_path("regular", "noto-serif")
    finally:
        typeset.font_path.cache_clear()
