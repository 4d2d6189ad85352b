"""Ground truth of a rendered plan: the contract-shaped document, plus page, line and cell boxes.

`document` has the keys and shapes of the pipeline's JSON (../shared/design/contract.md), so a
golden test can compare them key by key; `lines` and `cells` are the layout truth.
"""

from __future__ import annotations

from pipeline.synth.render import RenderedDocument
from pipeline.synth.spec import Appendix, Para, Plan, Section

TRUTH_FORMAT = {"name": "vn-plan-pipeline/synth-truth", "version": 1}


def items_tree(blocks: tuple[Para, ...]) -> list[dict]:
    """List items with their markers; a "+" item belongs to the "-" item before it."""
    items: list[dict] = []
    for block in blocks:
        if block.marker is None:
            continue
        entry = {"marker": block.marker, "text": block.text, "items": []}
        if block.marker == "+" and items and items[-1]["marker"] == "-":
            items[-1]["items"].append(entry)
        else:
            items.append(entry)
    return items


def section_dict(section: Section) -> dict:
    return {
        "number": section.number,
        "title": section.title,
        "paragraphs": [b.text for b in section.blocks if b.marker is None],
        "items": items_tree(section.blocks),
        "tables": [],
        "subsections": [section_dict(sub) for sub in section.subsections],
    }


def appendix_dict(appendix: Appendix) -> dict:
    return {
        "title": appendix.title,
        "attached_to": appendix.attached_to.strip("()"),
        "columns": list(appendix.columns),
        "groups": [
            {
                "number": group.number,
                "title": group.title,
                "rows": [
                    {"tt": r.tt, "task": r.task, "lead": r.lead, "coordinate": r.coordinate,
                     "output": r.output, "deadline": r.deadline}
                    for r in group.rows
                ],
            }
            for group in appendix.groups
        ],
    }


def document_dict(plan: Plan) -> dict:
    """The plan as the pipeline's JSON should carry it (without source and quality)."""
    return {
        "header": {
            "issuer": plan.issuer,
            "issuer_parent": plan.issuer_parent,
            "number": plan.number.split("/", 1)[0],
            "symbol": plan.number.split("/", 1)[1],
            "type_code": plan.type_code,
            "document_type": plan.document_type,
            "kind": plan.document_type.capitalize(),
            "place": plan.place,
            "date": plan.date,
            "readings": {},
        },
        "title": " ".join(plan.summary),
        "legal_basis": list(plan.legal_basis),
        "sections": [section_dict(s) for s in plan.sections],
        "closing": plan.closing,
        "signature": {
            "authority": plan.signature.authority_line,
            "title": plan.signature.title,
            "name": plan.signature.name,
            "name_prefix": None,
        },
        "recipients": list(plan.recipients),
        "appendices": [appendix_dict(a) for a in plan.appendices],
        "references": [
            {"type": r.type, "number": r.number, "symbol": r.symbol, "date": r.iso_date(),
             "issuer": r.issuer, "text": r.text}
            for r in plan.references
        ],
    }


def truth_dict(plan: Plan, rendered: RenderedDocument, render_params: dict) -> dict:
    return {
        "format": TRUTH_FORMAT,
        "name": plan.name,
        "render": render_params,
        "document": document_dict(plan),
        "pages": [p.as_dict() for p in rendered.pages],
        "lines": [line.as_dict() for line in rendered.lines],
        "cells": [cell.as_dict() for cell in rendered.cells],
    }
