"""Make (truth, OCR) line pairs: corpus paragraphs rendered as scanned pages and read by Tesseract.

    python tools/make_ocr_pairs.py --shared ../shared --split dev --syllables 20000 --seed 1 \
        --out .cache/ocr_pairs/dev.jsonl [--models eng,vie] [--workers 2]

Paragraphs come from one split of the corpus (`pipeline.restore.lm.corpus_split`: the LM trains
on "train" only, so "dev" and "test" pairs are text the LM never saw). They are printed with
`pipeline.synth.render.render_text_pages` (200-300 dpi, 12-14 pt, a few ALL-CAPS heading lines
such as plans have), about a third of the pages clean and the rest scanned (skew <= 1.5 deg,
blur, noise, specks, JPEG), and OCR'd with Tesseract (psm 3, as the pipeline does).

`--style realistic` prints pages as real ones come instead (`realistic_settings`): ten faces
with Vietnamese coverage (Times clones first, other serif and sans faces), some lines bold or
italic, 100-300 dpi, as web copies (clean, low dpi, JPEG), grey scans (ink bleed or a light
print, show-through, blur, noise, skew, JPEG) and bitonal fax-like scans; and reads each page
the way the pipeline reads a scan file (`pipeline.ocr.recognize_page`: resampled to 300 dpi
when the file tells its dpi, as a PDF does, else read at its own size; deskewed, denoised).

OCR words are put back on the printed line they came from by their boxes: each word's centre is
turned back by the page's known skew and given to the nearest printed line, so Tesseract's own
line merges and splits do not matter. A line is dropped when no word lands on it or when its
OCR text, marks stripped, is too unlike the truth (ratio < --min-ratio); the counts are printed.

Output: one JSON record per printed line, {"truth", "ocr", "model", "degraded", "page", "kind",
"dpi"} (realistic pages also "font", "style" and "print"); the eng model's pairs go to --out,
another model's next to it as OUT_STEM.MODEL.jsonl.
Every page is cached under .cache/ocr_pairs/pages/ so a rerun only OCRs what is missing; the
output depends only on the arguments (seeded), not on the number of workers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

# Tesseract's OpenMP threads fight each other on a shared 2-core machine: one thread each.
os.environ["OMP_THREAD_LIMIT"] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import regex  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from pipeline.restore.lm import iter_corpus  # noqa: E402
from pipeline.text.fold import strip_marks  # noqa: E402

CACHE_VERSION = 2
LETTER = regex.compile(r"\p{L}")
MARKED = regex.compile(r"[^\x00-\x7f]")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
DPIS = (200, 240, 300)
FONT_SIZES = (12.0, 12.5, 13.0, 13.5, 14.0)
# Realistic pages: faces (pipeline.synth.typeset.FONT_FAMILIES) with their share of pages.
# Official documents are set in Times New Roman, so its clones come first; the other faces
# teach the channel how other shapes of the same marks are misread.
FAMILY_SHARES = {
    "tinos": 0.24, "liberation-serif": 0.2, "freeserif": 0.12, "noto-serif": 0.1,
    "dejavu-serif": 0.08, "arimo": 0.06, "liberation-sans": 0.06, "noto-sans": 0.05,
    "dejavu-sans": 0.05, "freesans": 0.04,
}
# How a realistic page came to be, with its share of pages: a web copy or screenshot of a
# digital document (low dpi, no scanner), a grey or colour scan, a bitonal (CCITT) scan.
PRINT_SHARES = {"web": 0.2, "scan": 0.5, "bitonal": 0.3}
# Resolutions with their share of pages of each kind.
SCAN_DPIS = {100: 0.1, 120: 0.1, 150: 0.2, 200: 0.25, 240: 0.1, 300: 0.25}
BITONAL_DPIS = {150: 0.2, 200: 0.5, 300: 0.3}
WEB_DPIS = {96: 0.3, 110: 0.2, 120: 0.3, 150: 0.2}
REALISTIC_FONT_SIZES = (11.5, 12.0, 12.5, 13.0, 13.0, 13.5, 14.0)
# A low-resolution image file without a dpi tag is read at its own size (`pipeline.ocr.
# rasterize`); a PDF page or a tagged image is resampled to 300 dpi first.
UNTAGGED_SHARE = 0.4
# Body lines set in another style than regular (quoted bases "Căn cứ ...", emphasis).
ITALIC_SHARE, BOLD_SHARE, BOLD_ITALIC_SHARE = 0.1, 0.05, 0.02


def log(msg: str) -> None:
    print(f"[make_ocr_pairs] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- text selection


def usable_paragraph(line: str) -> bool:
    """Running Vietnamese prose: enough words, mostly words, marks present (not a code list)."""
    tokens = line.split()
    if not 8 <= len(tokens) <= 400:
        return False
    wordy = sum(1 for t in tokens if LETTER.search(t))
    marked = sum(1 for t in tokens if MARKED.search(t))
    return wordy >= 0.8 * len(tokens) and marked >= 0.4 * len(tokens)


def clip_paragraph(line: str, rng: np.random.Generator) -> str:
    """Long articles are cut to 20-80 words so that one page mixes several sources."""
    tokens = line.split()
    limit = int(rng.integers(20, 81))
    return " ".join(tokens[:limit])


def heading_from(paragraph: str, number: int, rng: np.random.Generator) -> str:
    """'I. MỤC ĐÍCH, YÊU CẦU'-like line: a numbered ALL-CAPS phrase (caps lose all marks in eng
    OCR, so the restorer must see such lines)."""
    words = paragraph.split()[: int(rng.integers(2, 8))]
    phrase = " ".join(words).rstrip(".,;:").upper()
    label = ROMAN[number % len(ROMAN)] + "." if rng.random() < 0.6 else f"{number % 9 + 1}."
    return f"{label} {phrase}"


def select_paragraphs(shared: Path, split: str, syllables: int, seed: int,
                      sample: float) -> list[str]:
    """Seeded draw of usable paragraphs of `split` until about `syllables` words (+10% slack
    for lines that OCR alignment drops)."""
    t0 = time.perf_counter()
    pool = [line.strip() for line in iter_corpus(shared, split, sample)]
    pool = [p for p in pool if usable_paragraph(p)]
    log(f"{len(pool)} usable {split} paragraphs ({time.perf_counter() - t0:.0f} s)")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pool))
    chosen, total, target = [], 0, int(syllables * 1.1)
    for index in order:
        text = clip_paragraph(pool[index], rng)
        chosen.append(text)
        total += len(text.split())
        if total >= target:
            break
    if total < target:
        log(f"warning: only {total} words available in split {split!r}")
    return chosen


# --------------------------------------------------------------------------- page plans


def scan_settings(rng: np.random.Generator) -> dict:
    """A third of the pages clean; the rest scanned, from light to worn (skew <= 1.5 deg)."""
    kind = rng.random()
    if kind < 0.35:
        return {}
    heavy = kind > 0.8
    return {
        "skew_deg": round(float(rng.uniform(-1.5, 1.5)), 2),
        "blur_sigma": round(float(rng.uniform(0.6, 1.1) if heavy else rng.uniform(0.2, 0.6)), 2),
        "noise_sigma": round(float(rng.uniform(10, 16) if heavy else rng.uniform(3, 9)), 1),
        "specks": round(float(rng.uniform(0.0005, 0.002) if heavy else rng.uniform(0, 4e-4)), 5),
        "paper": int(rng.integers(220, 236) if heavy else rng.integers(236, 252)),
        "jpeg_quality": int(rng.integers(40, 60) if heavy else rng.integers(65, 90)),
    }


def realistic_settings(rng: np.random.Generator) -> dict:
    """Face, size, resolution and the print and scan defects of one realistic page."""
    kind = str(rng.choice(list(PRINT_SHARES), p=list(PRINT_SHARES.values())))
    settings = {
        "family": str(rng.choice(list(FAMILY_SHARES), p=list(FAMILY_SHARES.values()))),
        "font_size": float(rng.choice(REALISTIC_FONT_SIZES)),
        "print": kind,
    }
    if kind == "web":
        dpi = draw(WEB_DPIS, rng)
        degrade = {"jpeg_quality": int(rng.integers(50, 95))} if rng.random() < 0.6 else {}
    elif kind == "scan":
        dpi = draw(SCAN_DPIS, rng)
        degrade = {**scanner(rng, dpi), **printed(rng, dpi),
                   "jpeg_quality": int(rng.integers(30, 90))}
    else:
        dpi = draw(BITONAL_DPIS, rng)
        # the threshold thins or thickens strokes itself: less of the print's own
        degrade = {**scanner(rng, dpi), **printed(rng, dpi, thinnest=-0.1),
                   "bitonal_threshold": int(rng.integers(110, 180))}
    # a bitonal page is always a PDF (CCITT); a web image seldom tells its dpi
    untagged = kind != "bitonal" and dpi != 300 and rng.random() < UNTAGGED_SHARE
    return {**settings, "dpi": dpi, "degrade": degrade, "resample": not untagged}


def draw(shares: dict[int, float], rng: np.random.Generator) -> int:
    return int(rng.choice(list(shares), p=list(shares.values())))


def scanner(rng: np.random.Generator, dpi: int) -> dict:
    """What the scanner adds: a little skew, optics blur (0.03-0.08 mm), sensor noise, paper
    tone."""
    return {
        "skew_deg": round(float(rng.uniform(-1.2, 1.2)), 2),
        "blur_sigma": round(float(rng.uniform(0.03, 0.08) * dpi / 25.4), 2),
        "noise_sigma": round(float(rng.uniform(2, 12)), 1),
        "specks": round(float(rng.uniform(0, 5e-4)), 5),
        "paper": int(rng.integers(215, 252)),
    }


def printed(rng: np.random.Generator, dpi: int, thinnest: float = -0.25) -> dict:
    """What the printed sheet brings: ink spread or thinned, sometimes the back page. A light
    print is what makes a scan lose the thin hook over a circumflex ("tổ" read "tô"; ink that
    bled makes it an acute, "tố"); its strokes are fewer pixels wide at a lower dpi, so the
    same thinning takes more of them there: the amount scales with the dpi."""
    return {
        "ink_spread": round(float(rng.uniform(thinnest, 0.25) * dpi / 300), 2),
        "show_through": round(float(rng.uniform(0.04, 0.15)), 2) if rng.random() < 0.3 else 0.0,
    }


def line_styles(lines: list[str], rng: np.random.Generator) -> list[str]:
    """Headings bold; a few body lines italic, bold or both."""
    styles = []
    for line in lines:
        roll = rng.random()
        if line.isupper():
            styles.append("bold")
        elif roll < ITALIC_SHARE:
            styles.append("italic")
        elif roll < ITALIC_SHARE + BOLD_SHARE:
            styles.append("bold")
        elif roll < ITALIC_SHARE + BOLD_SHARE + BOLD_ITALIC_SHARE:
            styles.append("bolditalic")
        else:
            styles.append("regular")
    return styles


def plan_jobs(paragraphs: list[str], seed: int, words_per_job: int = 420,
              style: str = "synthetic") -> list[dict]:
    """Groups paragraphs into render jobs of about one page, each with its own print and scan
    settings, and an occasional heading line before a paragraph. `style` "realistic": the
    settings of `realistic_settings` (drawn apart, so the grouping is that of "synthetic")."""
    rng = np.random.default_rng([seed, 1])
    jobs, lines, words = [], [], 0
    heading_no = 0
    for paragraph in paragraphs:
        if rng.random() < 0.12:
            lines.append(heading_from(paragraphs[int(rng.integers(len(paragraphs)))],
                                      heading_no, rng))
            heading_no += 1
        lines.append(paragraph)
        words += len(paragraph.split())
        if words >= words_per_job:
            jobs.append(lines)
            lines, words = [], 0
    if lines:
        jobs.append(lines)
    if style == "realistic":
        return realistic_jobs(jobs, seed)
    plans = []
    for index, job_lines in enumerate(jobs):
        plans.append({
            "index": index,
            "lines": job_lines,
            "dpi": int(rng.choice(DPIS)),
            "font_size": float(rng.choice(FONT_SIZES)),
            "degrade": scan_settings(rng),
            "seed": int(seed * 100_003 + index),
        })
    return plans


def realistic_jobs(jobs: list[list[str]], seed: int) -> list[dict]:
    rng = np.random.default_rng([seed, 2])
    return [{"index": index, "lines": job_lines, "style": "realistic",
             **realistic_settings(rng), "line_styles": line_styles(job_lines, rng),
             "seed": int(seed * 100_003 + index)}
            for index, job_lines in enumerate(jobs)]


# --------------------------------------------------------------------------- OCR and alignment


def ocr_words(image, lang: str) -> list[tuple[str, float, float, float]]:
    """(text, centre x, centre y, height) of every word Tesseract reads on the page."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=lang, config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    words = []
    for i, level in enumerate(data["level"]):
        text = str(data["text"][i]).strip()
        if int(level) != 5 or not text:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        width, height = int(data["width"][i]), int(data["height"][i])
        words.append((text, left + width / 2, top + height / 2, float(height)))
    return words


def unskew(points: np.ndarray, size: tuple[int, int], skew_deg: float) -> np.ndarray:
    """Page points of a skewed scan mapped back to the clean page (inverse of the scan turn)."""
    if not skew_deg:
        return points
    import cv2

    from pipeline.synth.degrade import skew_matrix

    inverse = cv2.invertAffineTransform(skew_matrix(size, skew_deg))
    return points @ inverse[:, :2].T + inverse[:, 2]


def assign_words(words, line_boxes, size, skew_deg) -> tuple[list[list[str]], int]:
    """OCR words grouped by the printed line whose (unskewed) centre line is nearest in y,
    each group in reading order; words farther than half a line pitch from any line are strays.
    Returns (groups, number of stray words)."""
    if not words or not line_boxes:
        return [[] for _ in line_boxes], len(words)
    centres = line_centres(line_boxes, size, skew_deg)
    pts = unskew(np.array([[w[1], w[2]] for w in words], float), size, skew_deg)
    return group_by_line(words, pts, centres)


def line_centres(line_boxes, size, skew_deg) -> np.ndarray:
    """Centres of the printed lines on the clean (unskewed) page."""
    centres = np.array([[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] for b in line_boxes], float)
    return unskew(centres, size, skew_deg)


def group_by_line(words, pts: np.ndarray, centres: np.ndarray) -> tuple[list[list[str]], int]:
    """`assign_words` once the words' centres `pts` and the lines' are in the same frame."""
    groups: list[list[tuple[float, str]]] = [[] for _ in centres]
    pitch = float(np.median(np.diff(centres[:, 1]))) if len(centres) > 1 else 50.0
    strays = 0
    for (text, *_), (x, y) in zip(words, pts, strict=True):
        dist = np.abs(centres[:, 1] - y)
        best = int(np.argmin(dist))
        if dist[best] > 0.5 * abs(pitch):
            strays += 1
            continue
        groups[best].append((x, text))
    return [[t for _, t in sorted(g)] for g in groups], strays


def similar_enough(truth: str, ocr: str, min_ratio: float) -> bool:
    """Same line, judged without marks (eng OCR loses most of them by design)."""
    a = strip_marks(truth).lower()
    b = strip_marks(ocr).lower()
    return fuzz.ratio(a, b) >= 100 * min_ratio


def run_job(task: tuple[dict, list[str], str, float]) -> dict:
    """Render one job's pages and OCR them with each model; pairs and drop counts per model."""
    job, models, split, min_ratio = task
    from pipeline.synth.degrade import CLEAN, Degrade, PrintedScan
    from pipeline.synth.render import render_text_pages

    realistic = job.get("style") == "realistic"
    if realistic:
        settings = PrintedScan(**job["degrade"])
        pages = render_text_pages(job["lines"], dpi=job["dpi"], font_size=job["font_size"],
                                  seed=job["seed"], degrade=settings, family=job["family"],
                                  line_styles=job["line_styles"])
    else:
        settings = Degrade(**job["degrade"]) if job["degrade"] else CLEAN
        pages = render_text_pages(job["lines"], dpi=job["dpi"], font_size=job["font_size"],
                                  seed=job["seed"], degrade=settings)
    printed = [t.text for _, truths in pages for t in truths]
    styles = iter(printed_styles(job["lines"], job.get("line_styles"), printed))
    out = {m: {"pairs": [], "dropped": [], "lines": 0, "dropped_empty": 0, "dropped_unlike": 0,
               "strays": 0, "pages": 0, "ocr_s": 0.0} for m in models}
    for page_no, (image, truths) in enumerate(pages, start=1):
        page_id = f"{split}-{job['seed']}-{page_no}"
        boxes = [t.bbox for t in truths]
        page_styles = [next(styles) for _ in truths]
        for model in models:
            t0 = time.perf_counter()
            if realistic:
                groups, strays = read_as_pipeline(image, job, model, boxes, settings.skew_deg)
            else:
                words = ocr_words(image, model)
                groups, strays = assign_words(words, boxes, image.size, settings.skew_deg)
            stats = out[model]
            stats["ocr_s"] += time.perf_counter() - t0
            stats["pages"] += 1
            stats["strays"] += strays
            for truth, group, style in zip(truths, groups, page_styles, strict=True):
                stats["lines"] += 1
                ocr = " ".join(group)
                if not ocr:
                    stats["dropped_empty"] += 1
                    continue
                if not similar_enough(truth.text, ocr, min_ratio):
                    stats["dropped_unlike"] += 1
                    stats["dropped"].append({"truth": truth.text, "ocr": ocr, "page": page_id})
                    continue
                pair = {
                    "truth": truth.text, "ocr": ocr, "model": model,
                    "degraded": bool(job["degrade"]), "page": page_id,
                    "kind": "heading" if truth.text.isupper() else "body", "dpi": job["dpi"],
                }
                if realistic:
                    pair.update(font=job["family"], print=job["print"], style=style)
                stats["pairs"].append(pair)
    return out


def printed_styles(lines: list[str], styles: list[str] | None, printed: list[str]) -> list[str]:
    """The style of each printed line: the input lines are printed in order, each as one or
    more pieces (wrapped), every piece a prefix of what is left of its line."""
    if styles is None:
        return ["regular"] * len(printed)
    out, k, left = [], -1, ""
    for text in printed:
        if not left.startswith(text):  # the next input line begins
            k += 1
            left = lines[k] if k < len(lines) else ""
        out.append(styles[min(k, len(styles) - 1)])
        left = left[len(text):].lstrip()
    return out


def read_as_pipeline(image, job: dict, model: str, boxes, skew_deg: float):
    """A realistic page read by the pipeline's ocr stage from an image file (tagged with its
    dpi when it is to be resampled), its words put back on the printed lines: the stage
    deskews the page, so its words are on the upright page, at the stage's resolution."""
    import tempfile

    from pipeline.ocr import PageJob, recognize_page

    with tempfile.TemporaryDirectory(prefix="ocr_pairs_") as folder:
        path = Path(folder) / "page.png"
        tag = {"dpi": (job["dpi"], job["dpi"])} if job["resample"] else {}
        image.save(path, **tag)
        page = recognize_page(PageJob(path, "image", 1, model))
    scale = image.width / page.width
    words = [(w.text, (w.box.left + w.box.width / 2) * scale,
              (w.box.top + w.box.height / 2) * scale)
             for line in page.lines for w in line.words if w.box is not None and w.text.strip()]
    if not words or not boxes:
        return [[] for _ in boxes], len(words)
    pts = np.array([[x, y] for _, x, y in words], float)
    return group_by_line(words, pts, line_centres(boxes, image.size, skew_deg))


def cached_job(task, cache_dir: Path) -> dict:
    """`run_job` through a per-job cache file keyed by the job's full specification."""
    job, models, split, min_ratio = task
    key = json.dumps([CACHE_VERSION, job, models, split, min_ratio], sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    path = cache_dir / f"{split}-{job['index']:05d}-{digest}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    result = run_job(task)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return result


def _cached_job_star(args):
    return cached_job(*args)


# --------------------------------------------------------------------------- main


def output_path(out: Path, model: str) -> Path:
    return out if model == "eng" else out.with_name(f"{out.stem}.{model}.jsonl")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--split", choices=("train", "dev", "test"), required=True)
    ap.add_argument("--syllables", type=int, default=20000, help="words of truth text wanted")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--models", default="eng", help="comma-separated Tesseract models")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=float, default=None,
                    help="fraction of the split's lines to draw from (default: all of dev/test, "
                         "1%% of train)")
    ap.add_argument("--min-ratio", type=float, default=0.6)
    ap.add_argument("--style", choices=("synthetic", "realistic"), default="synthetic",
                    help="synthetic: Tinos, 200-300 dpi (the pairs of make channel); realistic: "
                         "many faces, 100-300 dpi, bitonal, read by the pipeline's ocr stage")
    ap.add_argument("--cache", type=Path, default=Path(".cache/ocr_pairs/pages"))
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    models = args.models.split(",")
    sample = args.sample if args.sample is not None else (0.01 if args.split == "train" else 1.0)
    paragraphs = select_paragraphs(args.shared, args.split, args.syllables, args.seed, sample)
    jobs = plan_jobs(paragraphs, args.seed, style=args.style)
    log(f"{len(paragraphs)} paragraphs in {len(jobs)} render jobs, models {models}")
    args.cache.mkdir(parents=True, exist_ok=True)
    tasks = [((job, models, args.split, args.min_ratio), args.cache) for job in jobs]

    results = []
    if args.workers > 1:
        from multiprocessing import Pool

        with Pool(args.workers) as pool:
            for n, result in enumerate(pool.imap(_cached_job_star, tasks), start=1):
                results.append(result)
                if n % 5 == 0 or n == len(tasks):
                    log(f"{n}/{len(tasks)} jobs ({time.perf_counter() - t0:.0f} s)")
    else:
        for n, task in enumerate(tasks, start=1):
            results.append(cached_job(*task))
            log(f"{n}/{len(tasks)} jobs ({time.perf_counter() - t0:.0f} s)")

    summary = {"split": args.split, "seed": args.seed, "jobs": len(jobs),
               "elapsed_s": round(time.perf_counter() - t0, 1)}
    if args.style == "realistic":
        summary["jobs_by"] = {key: dict(Counter(str(job[key]) for job in jobs).most_common())
                              for key in ("family", "print", "dpi")}
    for model in models:
        path = output_path(args.out, model)
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = ("lines", "dropped_empty", "dropped_unlike", "strays", "pages", "ocr_s")
        totals = dict.fromkeys(keys, 0)
        pairs, dropped = [], []
        for result in results:
            stats = result[model]
            pairs.extend(stats["pairs"])
            dropped.extend(stats["dropped"])
            for k in keys:
                totals[k] += stats[k]
        with path.open("w", encoding="utf-8") as fh:
            for pair in pairs:
                fh.write(json.dumps(pair, ensure_ascii=False) + "\n")
        # Kept for inspection of the alignment, never used as data.
        with path.with_suffix(".dropped.jsonl").open("w", encoding="utf-8") as fh:
            for pair in dropped:
                fh.write(json.dumps(pair, ensure_ascii=False) + "\n")
        totals["ocr_s"] = round(totals["ocr_s"], 1)
        totals.update(pairs=len(pairs), syllables=sum(len(p["truth"].split()) for p in pairs),
                      out=str(path))
        summary[model] = totals
        log(f"{model}: {len(pairs)} pairs ({totals['syllables']} syllables) of "
            f"{totals['lines']} printed lines; dropped {totals['dropped_empty']} with no OCR "
            f"words, {totals['dropped_unlike']} too unlike the truth -> {path}")
    meta = output_path(args.out, models[0]).with_suffix(".meta.json")
    meta.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, **summary},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
