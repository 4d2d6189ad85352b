"""Synthetic scans of Vietnamese administrative plans, with ground truth, for tests and benches.

Render a plan: `render_plan(get_plan("plan_thach_phong_cds"), dpi=300, seed=1)`; render running
text for OCR dev sets: `render_text_page(lines, dpi=300, seed=0)`. See render.py for details.
"""

from pipeline.synth.compose import CellTruth, LineTruth, PageInfo
from pipeline.synth.degrade import CLEAN, Degrade, PrintedScan, heavy_scan, mild_scan
from pipeline.synth.plans import PLANS, get_plan
from pipeline.synth.render import (
    RenderedDocument,
    compose_plan,
    render_plan,
    render_text_page,
    render_text_pages,
)
from pipeline.synth.spec import Appendix, Para, Plan, Ref, Section, Signature, TaskGroup, TaskRow
from pipeline.synth.truth import document_dict, truth_dict

__all__ = [
    "CLEAN", "PLANS", "Appendix", "CellTruth", "Degrade", "LineTruth", "PageInfo", "Para",
    "Plan", "PrintedScan", "Ref", "RenderedDocument", "Section", "Signature", "TaskGroup",
    "TaskRow", "compose_plan", "document_dict", "get_plan", "heavy_scan", "mild_scan",
    "render_plan", "render_text_page", "render_text_pages", "truth_dict",
]
