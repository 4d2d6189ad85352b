"""Structure benchmark on real pages (issue 13, "Must show"): the fields of each page's JSON
against the field truth in bench/data/real_fields.json, written by looking at the page images.

    python -m bench.structure [--outputs DIR] [--jobs N] [--shared DIR] [--set all|dev|heldout]
                              [--truth FILE] [--json FILE]

Run: the page files of ../shared/realscans/ (not *.gold.txt) are copied to a temporary folder
and `python -m pipeline run TMP --out DIR --jobs N` reads them (DIR: --outputs, else a temporary
folder). When --outputs names a folder that already holds NAME.json outputs, the pipeline is not
run and those are scored.

Fields compared (FIELDS): issuer, issuer_parent, number, symbol, date, place, doc_type, title,
subject, addressees, signer_authority, signer_title, signer_name, recipient_count. How today's
JSON maps onto them (`predicted_fields`): header.number "288/KH-VP" is split at the first slash
into number and symbol (a `header.symbol`, when the schema has one, is used as it is);
header.date is an ISO date, a partial date ("2025", "2025-02", "2025-02-??") or an object
{day, month, year}; doc_type is header.kind (schema 1.4.0), else header.doc_type, else
header.document_type; title is the document's title, else the
first appendix's; subject, addressees: `subject`/`addressees` at the top level (schema 1.4.0)
or in the header; signer_*: signature.authority/title/name; recipient_count: len(recipients) (an
empty list is no value). A field the schema does not have is no value (missing).

Flags: a value is flagged when the JSON marks it as not trustworthy in any way: the value is an
object with `handwritten`/`unreadable`/`unsure`/`uncertain`/`low_confidence`/`needs_review`
(schema 1.4.0 readings) true, non-empty
`flags`, or `confidence` below FLAG_CONFIDENCE (0..1; or below 100 x that on a 0..100 scale);
or the header/signature has `<field>_confidence`/`<field>_handwritten`/... keys, a `flags`
dict or list naming the field, or a `readings` object for the field (schema 1.4.0: header
`readings.number`, `readings.date`) or at the document's top level (`readings.title`,
`readings.subject`, `readings["signature.name"]`, ...) flagged in one of those ways.

Comparison (`same`): NFC, official tone placement (hòa = hoà), lower case, dashes unified,
whitespace collapsed, a trailing ";" or "." dropped; title and subject lose a leading "V/v" and
count as right at rapidfuzz ratio >= 90; addressees: same number of items, each at ratio >= 90;
number: leading zeros ignored; symbol: spaces ignored; signer_name: a degree prefix (TS., ThS.,
PGS.TS., ...) ignored; signer_authority: "KT.CHỦ TỊCH" = "KT. CHỦ TỊCH"; date: day, month and
year all equal (a null part must be null); recipient_count: equal. `alternatives` in the truth
are accepted too; `unsure` truth fields are not scored.

Outcomes per (page, field) (`judge`): right; wrong_flagged / wrong (a different value, flagged or
not); missing (no value where the truth has one); spurious_flagged / spurious (a value where the
truth has none); empty (no value, none expected: not counted). "right share" = right / fields
with a truth value; the goal (issue 13) is right share >= 90 % and no wrong or spurious value
without a flag.

Output: stdout the figures (per field, per page, pooled; dev and held-out apart), stderr the
progress. The held-out pages (truth `held_out`) are the project's held-out gold pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline.text.syllables import to_official_tones

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "bench" / "data" / "real_fields.json"
PAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
FIELDS = ("issuer", "issuer_parent", "number", "symbol", "date", "place", "doc_type", "title",
          "subject", "addressees", "signer_authority", "signer_title", "signer_name",
          "recipient_count")
LONG_TEXT = ("title", "subject")
SIMILARITY = 90.0  # rapidfuzz ratio (0..100) at which a long text counts as right
FLAG_CONFIDENCE = 0.5
FLAG_KEYS = ("handwritten", "unreadable", "unsure", "uncertain", "low_confidence", "needs_review")
OUTCOMES = ("right", "wrong_flagged", "wrong", "missing", "spurious_flagged", "spurious")
RUN_TIMEOUT_S = 3600


def log(message: str) -> None:
    print(f"[bench.structure] {message}", file=sys.stderr, flush=True)


# -- normalising and comparing -------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_VV = re.compile(r"^v\s*/\s*v\b[\s:.]*")
_AUTHORITY = re.compile(r"\b(tm|kt|tl|ttl|q)\s*\.\s*")
_NAME_PREFIX = re.compile(r"^((gs|pgs|ts|ths|bs|ks|cn|ls)\s*[.:]\s*)+")


def norm(text: Any) -> str:
    """NFC, official tones, lower case, dashes unified, whitespace collapsed, edge ';'/'.' off."""
    text = unicodedata.normalize("NFC", str(text))
    text = to_official_tones(text).lower()
    text = _DASHES.sub("-", text)
    text = _SPACES.sub(" ", text).strip()
    return text.rstrip(" ;.,").lstrip("-–+• ").strip()


def norm_field(name: str, value: Any) -> Any:
    """The comparable form of one field's value (None stays None)."""
    if value is None:
        return None
    if name == "date":
        return value  # already a (day, month, year) tuple
    if name == "recipient_count":
        return int(value)
    if name == "addressees":
        return [norm(item) for item in value]
    text = norm(value)
    if name in LONG_TEXT:
        text = _VV.sub("", text).strip()
    elif name == "number":
        text = text.replace(" ", "").lstrip("0") or "0"
    elif name == "symbol":
        text = text.replace(" ", "").lstrip("/")
    elif name == "signer_name":
        text = _NAME_PREFIX.sub("", text).strip()
    elif name == "signer_authority":
        text = _AUTHORITY.sub(lambda m: m.group(1) + ". ", text).strip()
    return text or None


def same(name: str, truth: Any, predicted: Any) -> bool:
    """Whether a predicted value is the truth's (both not None, both raw)."""
    t, p = norm_field(name, truth), norm_field(name, predicted)
    if t is None or p is None:
        return False
    if name in LONG_TEXT:
        return fuzz.ratio(t, p) >= SIMILARITY
    if name == "addressees":
        return len(t) == len(p) and all(fuzz.ratio(a, b) >= SIMILARITY
                                        for a, b in zip(t, p, strict=True))
    return t == p


def truth_date(value: Any) -> tuple | None:
    if value is None:
        return None
    return (value.get("day"), value.get("month"), value.get("year"))


_ISO_PART = re.compile(r"^(\d{4}|\?{4}|x{4})(?:-(\d{1,2}|\?\?|xx))?(?:-(\d{1,2}|\?\?|xx))?$")


def predicted_date(value: Any) -> tuple | None:
    """(day, month, year) of a predicted date: ISO "2017-12-18", partial "2017-12" or
    "2017-12-??", or an object with day/month/year."""
    if value is None:
        return None
    if isinstance(value, dict):
        parts = tuple(_int_or_none(value.get(key)) for key in ("day", "month", "year"))
    else:
        match = _ISO_PART.match(str(value).strip().lower())
        if not match:
            return ("?", "?", "?")  # something that is not a date: never right
        year, month, day = match.groups()
        parts = (_int_or_none(day), _int_or_none(month), _int_or_none(year))
    return None if parts == (None, None, None) else parts


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- reading a JSON output -----------------------------------------------------------------------

@dataclass
class Value:
    value: Any
    flagged: bool = False


def _is_flagged(node: dict) -> bool:
    if any(node.get(key) is True for key in FLAG_KEYS):
        return True
    if node.get("flags"):
        return True
    confidence = node.get("confidence")
    if isinstance(confidence, int | float):
        scale = 100.0 if confidence > 1.0 else 1.0
        return confidence < FLAG_CONFIDENCE * scale
    return False


def _unwrap(node: Any) -> Value:
    """A plain value, or an object holding one (value/text/raw) with its flags."""
    if isinstance(node, dict) and not {"day", "month", "year"} <= set(node):
        inner = next((node[key] for key in ("value", "text", "raw") if key in node), None)
        return Value(inner, _is_flagged(node))
    return Value(node)


def _side_flag(block: dict, key: str) -> bool:
    """Flags a block keeps beside its fields: `<key>_handwritten`, `flags: {key: ...}`, ..."""
    if any(block.get(f"{key}_{flag}") is True for flag in FLAG_KEYS):
        return True
    confidence = block.get(f"{key}_confidence")
    if isinstance(confidence, int | float):
        scale = 100.0 if confidence > 1.0 else 1.0
        if confidence < FLAG_CONFIDENCE * scale:
            return True
    flags = block.get("flags")
    if isinstance(flags, dict) and flags.get(key):
        return True
    reading = (block.get("readings") or {}).get(key)
    if isinstance(reading, dict) and _is_flagged(reading):
        return True
    return isinstance(flags, list) and key in flags


def _doc_flag(document: dict, key: str) -> bool:
    """A document-level reading (schema 1.4.0 `readings`: "title", "signature.name", ...)
    flagged."""
    reading = (document.get("readings") or {}).get(key)
    return isinstance(reading, dict) and _is_flagged(reading)


def _get(block: dict, key: str) -> Value:
    found = _unwrap(block.get(key))
    return Value(found.value, found.flagged or _side_flag(block, key))


def _text(value: Any) -> Any:
    if isinstance(value, list):  # several lines
        value = " ".join(str(item) for item in value if item)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def predicted_fields(document: dict) -> dict[str, Value]:
    """The comparable fields of one output JSON (see the module's docstring)."""
    header = document.get("header") or {}
    signature = document.get("signature") or {}
    out: dict[str, Value] = {}
    for name, key in (("issuer", "issuer"), ("issuer_parent", "issuer_parent"),
                      ("place", "place")):
        got = _get(header, key)
        out[name] = Value(_text(got.value), got.flagged)

    number = _get(header, "number")
    raw_number = _text(number.value)
    if "symbol" in header:
        symbol = _get(header, "symbol")
        raw_symbol = _text(symbol.value)
        if raw_number and "/" in str(raw_number):
            raw_number = str(raw_number).split("/", 1)[0]
        out["number"] = Value(_text(raw_number), number.flagged)
        out["symbol"] = Value(raw_symbol, symbol.flagged)
    elif raw_number is not None:
        head, slash, tail = str(raw_number).partition("/")
        out["number"] = Value(_text(head), number.flagged)
        out["symbol"] = Value(_text(tail) if slash else None, number.flagged)
    else:
        out["number"] = Value(None)
        out["symbol"] = Value(None)

    date = _get(header, "date")
    out["date"] = Value(predicted_date(date.value), date.flagged)

    kind_key = next((k for k in ("kind", "doc_type") if k in header), "document_type")
    kind = _get(header, kind_key)
    out["doc_type"] = Value(_text(kind.value), kind.flagged)

    title = _unwrap(document.get("title"))
    title_value = _text(title.value)
    if title_value is None:
        for appendix in document.get("appendices") or []:
            title_value = _text(_unwrap(appendix.get("title")).value)
            if title_value:
                break
    out["title"] = Value(title_value, title.flagged or _doc_flag(document, "title"))

    for name in ("subject", "addressees"):
        source = document if name in document else header
        got = _get(source, name)
        value = got.value
        if name == "addressees":
            items = [_text(_unwrap(item).value) for item in value or []]
            items = [item for item in items if item]
            value = items or None
        else:
            value = _text(value)
        out[name] = Value(value, got.flagged or _doc_flag(document, name))

    for name, key in (("signer_authority", "authority"), ("signer_title", "title"),
                      ("signer_name", "name")):
        got = _get(signature, key)
        out[name] = Value(_text(got.value), got.flagged or _doc_flag(document, f"signature.{key}"))

    recipients = document.get("recipients") or []
    out["recipient_count"] = Value(len(recipients) or None)
    return out


# -- judging -------------------------------------------------------------------------------------

def truth_value(truth: dict, name: str) -> Any:
    value = truth.get(name)
    if name == "date":
        return truth_date(value)
    if name == "addressees" and not value:
        return None
    return value


def judge(name: str, truth: dict, predicted: Value) -> str | None:
    """One outcome of OUTCOMES, "empty" (no value, none expected) or None (not scored)."""
    if name in truth.get("unsure", []):
        return None
    expected = truth_value(truth, name)
    got = predicted.value
    if name == "date" and got is not None and expected is not None:
        right = got == expected
    elif got is not None and expected is not None:
        right = same(name, expected, got) or any(
            same(name, alt, got) for alt in truth.get("alternatives", {}).get(name, []))
    else:
        right = False
    if expected is None:
        if got is None:
            return "empty"
        return "spurious_flagged" if predicted.flagged else "spurious"
    if got is None:
        return "missing"
    if right:
        return "right"
    return "wrong_flagged" if predicted.flagged else "wrong"


@dataclass
class PageResult:
    name: str
    group: str  # "dev" or "heldout"
    outcomes: dict[str, str | None] = field(default_factory=dict)
    right_flagged: int = 0  # right values the JSON flagged anyway (informative)
    output_found: bool = True
    # day/month/year of the date apart (where the truth has that part): right, wrong, missing
    date_parts: dict[str, str] = field(default_factory=dict)


def score_page(name: str, truth: dict, document: dict | None) -> PageResult:
    group = "heldout" if truth.get("held_out") else "dev"
    result = PageResult(name, group, output_found=document is not None)
    predicted = predicted_fields(document) if document is not None else {}
    for field_name in FIELDS:
        got = predicted.get(field_name, Value(None))
        outcome = judge(field_name, truth, got)
        result.outcomes[field_name] = outcome
        if outcome == "right" and got.flagged:
            result.right_flagged += 1
    result.date_parts = judge_date_parts(truth, predicted.get("date", Value(None)).value)
    return result


DATE_PARTS = ("day", "month", "year")


def judge_date_parts(truth: dict, predicted: tuple | None) -> dict[str, str]:
    """Each part the truth's date has: right, wrong or missing (whether the printed month and
    year are kept when the day, filled in by hand, is not read)."""
    expected = truth_date(truth.get("date"))
    if expected is None or "date" in truth.get("unsure", []):
        return {}
    out = {}
    for index, part in enumerate(DATE_PARTS):
        if expected[index] is None:
            continue
        got = predicted[index] if predicted is not None else None
        out[part] = "missing" if got is None else "right" if got == expected[index] else "wrong"
    return out


def tally(results: list[PageResult], fields: tuple[str, ...] = FIELDS) -> Counter:
    counts: Counter = Counter()
    for result in results:
        for field_name in fields:
            outcome = result.outcomes.get(field_name)
            if outcome is not None:
                counts[outcome] += 1
    return counts


def with_value(counts: Counter) -> int:
    return sum(counts[key] for key in ("right", "wrong_flagged", "wrong", "missing"))


def right_share(counts: Counter) -> float | None:
    total = with_value(counts)
    return counts["right"] / total if total else None


# -- running -------------------------------------------------------------------------------------

def page_files(shared: Path) -> list[Path]:
    folder = shared / "realscans"
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in PAGE_SUFFIXES and not p.name.endswith(".gold.txt"))


def has_outputs(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.json"))


def run_pipeline(pages: list[Path], out: Path, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_structure_in_") as tmp:
        for page in pages:
            shutil.copy2(page, Path(tmp) / page.name)
        out.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pipeline", "run", tmp, "--out", str(out),
                   "--jobs", str(jobs)]
        log(f"running: {' '.join(command)}")
        done = subprocess.run(command, cwd=ROOT, timeout=RUN_TIMEOUT_S,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                  filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
        if done.returncode != 0:
            log(f"pipeline exited with {done.returncode}; scoring the outputs there are")


def load_output(folder: Path, name: str) -> dict | None:
    path = folder / f"{name}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def load_truth(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


# -- report --------------------------------------------------------------------------------------

ABBREVIATION = {"right": "right", "wrong_flagged": "wr+fl", "wrong": "WRONG",
                "missing": "miss", "spurious_flagged": "sp+fl", "spurious": "SPUR"}


def _share(counts: Counter) -> str:
    share = right_share(counts)
    return f"{100 * share:5.1f}%" if share is not None else "    -"


def _row(label: str, counts: Counter, width: int = 26) -> str:
    cells = " ".join(f"{counts[key]:5d}" for key in OUTCOMES)
    return (f"{label:{width}} {with_value(counts):5d} {cells} {_share(counts):>6} "
            f"{counts['wrong'] + counts['spurious']:6d}")


def _header(label: str, width: int = 26) -> str:
    cells = " ".join(f"{ABBREVIATION[key]:>5}" for key in OUTCOMES)
    return f"{label:{width}} {'truth':>5} {cells} {'right%':>6} {'unflag':>6}"


def report(results: list[PageResult]) -> None:
    groups = [("dev", [r for r in results if r.group == "dev"]),
              ("held-out", [r for r in results if r.group == "heldout"])]
    groups = [(label, rs) for label, rs in groups if rs]
    print("Structure fields on ../shared/realscans/ against bench/data/real_fields.json")
    print("truth: fields with a value in the truth; right% = right / truth; unflag = WRONG + SPUR "
          "(wrong or spurious values without a flag); wr+fl, sp+fl: the same, flagged")
    for label, rs in groups:
        print()
        print(_header(f"per field ({label}, {len(rs)} pages)"))
        for field_name in FIELDS:
            print(_row(field_name, tally(rs, (field_name,))))
    print()
    print(_header("per page"))
    for result in results:
        tag = f"{result.name}{'*' if result.group == 'heldout' else ''}"
        if not result.output_found:
            tag += " (no output)"
        print(_row(tag, tally([result])))
    print("(* held out)")
    print()
    print(_header("pooled"))
    for label, rs in groups:
        print(_row(f"{label} ({len(rs)} pages)", tally(rs)))
    print(_row(f"all ({len(results)} pages)", tally(results)))
    print()
    print("date parts (where the truth has them): right / wrong / missing")
    for label, rs in groups:
        cells = []
        for part in DATE_PARTS:
            c = Counter(r.date_parts[part] for r in rs if part in r.date_parts)
            cells.append(f"{part} {c['right']}/{c['wrong']}/{c['missing']}")
        print(f"  {label:10} " + "   ".join(cells))
    flagged_right = sum(r.right_flagged for r in results)
    unscored = sum(1 for r in results for o in r.outcomes.values() if o is None)
    pooled = tally(results)
    print()
    print(f"right values flagged anyway: {flagged_right}; truth fields marked unsure (not "
          f"scored): {unscored}")
    share = right_share(pooled)
    goal = share is not None and share >= 0.9 and pooled["wrong"] + pooled["spurious"] == 0
    print(f"goal (>= 90% right, no unflagged wrong or spurious value): "
          f"{'met' if goal else 'not met'}")


def as_json(results: list[PageResult]) -> dict:
    def counts(rs: list[PageResult], fields: tuple[str, ...] = FIELDS) -> dict:
        c = tally(rs, fields)
        share = right_share(c)
        return {**{key: c[key] for key in (*OUTCOMES, "empty")}, "truth": with_value(c),
                "right_share": round(share, 4) if share is not None else None}

    groups = {"dev": [r for r in results if r.group == "dev"],
              "heldout": [r for r in results if r.group == "heldout"], "all": results}
    return {
        "pages": {r.name: {"group": r.group, "output_found": r.output_found,
                           "outcomes": r.outcomes, "date_parts": r.date_parts,
                           **counts([r])} for r in results},
        "fields": {label: {f: counts(rs, (f,)) for f in FIELDS}
                   for label, rs in groups.items()},
        "pooled": {label: counts(rs) for label, rs in groups.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", type=Path,
                        help="score the NAME.json outputs there (run the pipeline into it when "
                             "it holds none)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument("--set", choices=("all", "dev", "heldout"), default="all")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    truth = load_truth(args.truth)
    pages = page_files(args.shared)
    unknown = sorted(p.stem for p in pages if p.stem not in truth)
    if unknown:
        log(f"pages without truth (not scored): {', '.join(unknown)}")
    pages = [p for p in pages if p.stem in truth]
    if args.set != "all":
        pages = [p for p in pages
                 if bool(truth[p.stem].get("held_out")) == (args.set == "heldout")]
    if not pages:
        log(f"no page files of the truth under {args.shared / 'realscans'}")
        return 2

    with tempfile.TemporaryDirectory(prefix="bench_structure_out_") as tmp_out:
        outputs = args.outputs or Path(tmp_out)
        if has_outputs(outputs):
            log(f"scoring the existing outputs in {outputs}")
        else:
            log(f"{len(pages)} page(s) through the pipeline (--jobs {args.jobs})")
            run_pipeline(pages, outputs, args.jobs)
        results = []
        for page in pages:
            document = load_output(outputs, page.stem)
            if document is None:
                log(f"{page.stem}: no {page.stem}.json in {outputs}")
            results.append(score_page(page.stem, truth[page.stem], document))

    report(results)
    if args.json:
        args.json.write_text(json.dumps(as_json(results), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
        log(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
