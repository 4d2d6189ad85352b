"""tools/make_ocr_pairs.py: the page plans of the realistic style (no OCR run here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_ocr_pairs.py"


@pytest.fixture(scope="module")
def pairs_tool():
    spec = importlib.util.spec_from_file_location("make_ocr_pairs", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARAGRAPHS = [f"Điều {n}. Ủy ban nhân dân tỉnh tổ chức thực hiện và báo cáo kết quả " * 3
              for n in range(40)]


def test_realistic_pages_group_the_lines_like_synthetic_ones(pairs_tool):
    synthetic = pairs_tool.plan_jobs(PARAGRAPHS, 7)
    realistic = pairs_tool.plan_jobs(PARAGRAPHS, 7, style="realistic")
    assert [job["lines"] for job in realistic] == [job["lines"] for job in synthetic]
    assert realistic == pairs_tool.plan_jobs(PARAGRAPHS, 7, style="realistic")  # seeded
    for job in realistic:
        assert job["family"] in pairs_tool.FAMILY_SHARES
        assert job["print"] in pairs_tool.PRINT_SHARES
        assert 96 <= job["dpi"] <= 300
        assert len(job["line_styles"]) == len(job["lines"])
        if job["print"] == "bitonal":
            assert job["degrade"]["bitonal_threshold"] and job["resample"]


def test_headings_are_bold_on_realistic_pages(pairs_tool):
    import numpy as np

    lines = ["I. MỤC ĐÍCH, YÊU CẦU", "Nội dung kế hoạch"] * 20
    styles = pairs_tool.line_styles(lines, np.random.default_rng(0))
    assert all(style == "bold" for line, style in zip(lines, styles, strict=True)
               if line.isupper())
    assert set(styles) > {"bold", "regular"}


def test_a_wrapped_line_keeps_its_style_on_every_printed_piece(pairs_tool):
    lines = ["Căn cứ Luật Tổ chức chính quyền địa phương", "I. MỤC TIÊU", "Kế hoạch"]
    printed = ["Căn cứ Luật Tổ chức", "chính quyền địa phương", "I. MỤC TIÊU", "Kế hoạch"]
    styles = pairs_tool.printed_styles(lines, ["italic", "bold", "regular"], printed)
    assert styles == ["italic", "italic", "bold", "regular"]
