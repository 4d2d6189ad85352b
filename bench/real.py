"""Benchmark on real pages: ../shared/realscans/ through plain Tesseract and through our ocr and
restore stages, in the same run.

    python -m bench.real [--set all|dev|heldout] [--pages NAME,...] [--jobs N]
                         [--no-copier] [--no-stress] [--json FILE] [--ocr MODE]

Systems, on every page file of the folder (PDF pages and images, the gold files aside):
- tesseract: plain `tesseract PAGE - -l vie` with OMP_THREAD_LIMIT=1; a PDF page first rendered
  by `pdftoppm -r 300 -gray -png` (the PNG tells Tesseract its 300 dpi); its CPU time includes
  that rendering;
- ocr: our ocr stage (`pipeline.ocr`: plan_pages, recognize_page, assemble), run in a fresh
  worker process per page (as a pool worker on its first page: imports not counted, model loads
  counted); its CPU time and the worker's peak memory (ru_maxrss) are measured;
- rest: that document through our restore stage (the restorer loaded once in this process),
  what `NAME.restored.txt` holds;
- copier (gold pages): the page as an office copier saves it, a PDF of the page image with an
  invisible English-model text layer (`ocrmypdf -l eng`, the page's content kept; cached in
  .cache/bench_real/copier_kept/), through ocr and restore like the page itself: must read as
  well as the page.
`--ocr MODE` runs our ocr stage with that `--ocr` (pipeline.ocr.textlayer; default auto).
Extra pages (`stress`, generated in .cache/bench_real/stress/ from a dev page): the same image
with a lying dpi tag (72, 10) and 3x upscaled to ~80 Mpx; they show time and peak memory on
inputs whose tag cannot be trusted, and are scored against the page's gold.

Figures (stdout; progress on stderr): per page and pooled, syllable accuracy against
NAME.gold.txt with the realscans scorer (`bench.scoring`); for pages without gold, token counts
and the share of tokens that are valid Vietnamese syllables; CPU seconds of plain Tesseract and
of our ocr stage and their ratio; peak RSS of our worker; and how much of the gold text itself
the restorer leaves unchanged.

Held out: three gold pages (HELD_OUT) are not looked at while tuning (`--set dev` leaves them
out); `--set all` (the default, what `make bench-real` runs) shows them apart.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.scoring import PageScore, pooled, score, score_tokens

CACHE = Path(".cache/bench_real")
HELD_OUT = ("dl_kh243_web", "hy_kh288_p2", "ttg_cv464_p1_bw")
PAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
STRESS_SOURCE = "hy_kh288_p1"  # a dev page with gold, ~300 dpi, no dpi tag
WORKER_TIMEOUT_S = 900


def log(message: str) -> None:
    print(f"[bench.real] {message}", file=sys.stderr, flush=True)


# -- measured runs -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Measured:
    stdout: bytes
    cpu: float  # user + system seconds of the process (and its waited-for children)
    peak_mb: float  # its peak resident memory


def run_measured(command: list[str], env: dict | None = None,
                 timeout: float = WORKER_TIMEOUT_S) -> Measured:
    """Runs `command`, returns its output, CPU time and peak RSS (from wait4: that process's own
    figures, independent of whatever else runs at the same time)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err,
                                   env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})})
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise RuntimeError(f"timed out: {' '.join(command)}")
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({process.returncode}): "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        return Measured(out.read(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


# -- the systems -------------------------------------------------------------------------------

def read_plain_tesseract(page: Path, folder: Path) -> tuple[str, float]:
    """Plain Tesseract's text of the page and its CPU seconds (rendering included)."""
    cpu = 0.0
    image = page
    if page.suffix.lower() == ".pdf":
        base = folder / page.stem
        cpu += run_measured(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(page),
                             str(base)]).cpu
        image = base.with_suffix(".png")
    done = run_measured(["tesseract", str(image), "-", "-l", "vie"])
    return done.stdout.decode("utf-8", errors="replace"), cpu + done.cpu


@dataclass
class OursReading:
    document_json: str
    cpu: float
    peak_mb: float


def read_ours(page: Path, folder: Path, options: list[str]) -> OursReading:
    """Our ocr stage on the page in a fresh worker process (`--worker`)."""
    out = folder / f"{page.name}.document.json"
    done = run_measured([sys.executable, "-m", "bench.real", "--worker", str(page), str(out),
                         *options])
    cpu = float(done.stdout.decode().strip())
    return OursReading(out.read_text(encoding="utf-8"), cpu, done.peak_mb)


def worker(page: Path, out: Path, options: list[str]) -> None:
    """The ocr stage of one input, as a pool worker does it; prints its CPU seconds."""
    import resource

    from pipeline.ingest import ingest, sniff
    from pipeline.ocr import assemble, plan_pages, recognize_page

    def cpu_now() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    settings = _ocr_settings(options)
    item = sniff(page)
    document = ingest(item)
    start = cpu_now()
    pages = [recognize_page(job) for job in plan_pages(item, "vie", **settings)]
    document = assemble(document, pages)
    cpu = cpu_now() - start
    out.write_text(document.model_dump_json(), encoding="utf-8")
    print(f"{cpu:.3f}")


def _ocr_settings(options: list[str]) -> dict:
    """Options of the ocr stage the bench passes on to plan_pages: `--ocr MODE`."""
    from typing import get_args

    from pipeline.model import OcrMode

    parser = argparse.ArgumentParser(prog="bench.real --worker")
    parser.add_argument("--ocr", choices=get_args(OcrMode), default="auto")
    return {"ocr_mode": parser.parse_args(options).ocr}


# -- pages -------------------------------------------------------------------------------------

@dataclass
class PageResult:
    name: str
    group: str  # "dev", "heldout", "nogold", "stress"
    gold: str | None
    tesseract: str = ""
    ocr: str = ""
    restored: str = ""
    copier_restored: str | None = None
    tess_cpu: float = 0.0
    ours_cpu: float = 0.0
    restore_cpu: float = 0.0
    peak_mb: float = 0.0
    notes: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, PageScore]:
        texts = {"tess": self.tesseract, "ocr": self.ocr, "rest": self.restored}
        if self.copier_restored is not None:
            texts["copier"] = self.copier_restored
        return {key: score(self.gold, text) for key, text in texts.items()}


def real_pages(shared: Path) -> list[Path]:
    folder = shared / "realscans"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PAGE_SUFFIXES)


def gold_of(page: Path) -> str | None:
    gold = page.with_name(page.stem + ".gold.txt")
    return gold.read_text(encoding="utf-8") if gold.exists() else None


def group_of(page: Path) -> str:
    if gold_of(page) is None:
        return "nogold"
    return "heldout" if page.stem in HELD_OUT else "dev"


def stress_pages(shared: Path) -> list[tuple[Path, str]]:
    """(image, gold page name): a dev page with lying dpi tags, and 3x upscaled (~80 Mpx)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    folder = CACHE / "stress"
    folder.mkdir(parents=True, exist_ok=True)
    source = shared / "realscans" / f"{STRESS_SOURCE}.png"
    made = []
    for name, dpi, scale in (("tag72", 72, 1), ("tag10", 10, 1), ("huge3x", 900, 3)):
        path = folder / f"{STRESS_SOURCE}_{name}.png"
        if not path.exists():
            with Image.open(source) as image:
                image = image.convert("L")
                if scale != 1:
                    image = image.resize((image.width * scale, image.height * scale),
                                         Image.Resampling.BICUBIC)
                image.save(path, dpi=(dpi, dpi), compress_level=1)
        made.append((path, STRESS_SOURCE))
    return made


def copier_pdf(page: Path) -> Path:
    """The page as a copier saves it: the same page (an image, in a PDF of its own) with an
    invisible text layer of the English model (what office scanners add), made once with
    ocrmypdf."""
    folder = CACHE / "copier_kept"  # (copier/ held --force-ocr rasters of the pages)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{page.stem}.pdf"
    if out.exists():
        return out
    log(f"making the copier PDF of {page.name} (ocrmypdf -l eng)")
    with tempfile.TemporaryDirectory(prefix="bench_real_") as tmp:
        source = page
        if page.suffix.lower() != ".pdf":
            source = Path(tmp) / f"{page.stem}.pdf"
            _image_pdf(page, source)
        # ocrmypdf's default mode keeps the page as it is (the same image, bytes and all; a
        # signature overlay too) and adds its text layer; --force-ocr would put a new raster
        # of the page in its place, which reads differently. Signed pages (most of realscans)
        # are refused unless the signature may be broken.
        command = [sys.executable, "-m", "ocrmypdf", "-l", "eng",
                   "--invalidate-digital-signatures", "--output-type", "pdf", "--optimize", "0",
                   "--jobs", "1", "--quiet", str(source), str(out)]
        run_measured(command)
    return out


def _image_pdf(image_path: Path, out: Path) -> None:
    """A one-page PDF of the image as it is (img2pdf: no recompression), at its dpi tag or 300."""
    import img2pdf
    from PIL import Image

    with Image.open(image_path) as image:
        has_dpi = bool(image.info.get("dpi"))
        if image.mode in ("RGBA", "LA", "P"):
            converted = Path(out).with_suffix(".png")
            image.convert("RGB").save(converted)
            image_path = converted
    layout = {} if has_dpi else {"layout_fun": img2pdf.get_fixed_dpi_layout_fun((300, 300))}
    out.write_bytes(img2pdf.convert(str(image_path), **layout))


def run_page(page: Path, group: str, gold_name: str | None, shared: Path, copier: bool,
             options: list[str]) -> PageResult:
    gold = gold_of(shared / "realscans" / f"{gold_name}.png") if gold_name else gold_of(page)
    result = PageResult(page.stem, group, gold)
    with tempfile.TemporaryDirectory(prefix="bench_real_") as tmp:
        folder = Path(tmp)
        result.tesseract, result.tess_cpu = read_plain_tesseract(page, folder)
        ours = read_ours(page, folder, options)
        result.document_json = ours.document_json
        result.ours_cpu, result.peak_mb = ours.cpu, ours.peak_mb
        if copier and gold is not None and group in ("dev", "heldout"):
            result.copier_json = read_ours(copier_pdf(page), folder, options).document_json
    log(f"{page.name}: tesseract {result.tess_cpu:.1f} s, ours {result.ours_cpu:.1f} s CPU, "
        f"peak {result.peak_mb:.0f} MB")
    return result


def restore_results(results: list[PageResult]) -> None:
    """The restore stage on every page's document (and its copier PDF's), in this process."""
    from pipeline.model import Document
    from pipeline.restore import default_restorer

    restorer = default_restorer()
    for result in results:
        document = Document.model_validate_json(result.document_json)
        result.ocr = "\n".join(document.ocr_lines)
        start = time.process_time()
        result.restored = "\n".join(restorer.restore_document(document).text_lines)
        result.restore_cpu = time.process_time() - start
        result.notes = [note for page in document.pages for note in page.preparation]
        copier_json = getattr(result, "copier_json", None)
        if copier_json is not None:
            copied = restorer.restore_document(Document.model_validate_json(copier_json))
            result.copier_restored = "\n".join(copied.text_lines)


# -- report ------------------------------------------------------------------------------------

def valid_share(text: str) -> tuple[int, float]:
    """Tokens, and the share of the alphabetic ones that are valid Vietnamese syllables."""
    from pipeline.restore.candidates import load_inventory
    from pipeline.text.syllables import to_official_tone

    inventory = set(load_inventory())
    tokens = score_tokens(text)
    words = [t for t in tokens if t.isalpha()]
    valid = sum(to_official_tone(t) in inventory for t in words)
    return len(tokens), (valid / len(words) if words else 0.0)


def report(results: list[PageResult], restorer_unchanged: dict[str, float]) -> dict:
    out: dict = {"pages": {}, "pooled": {}}
    header = (f"{'page':24} {'set':7} {'syl':>4} {'tess':>6} {'ocr':>6} {'rest':>6} "
              f"{'copier':>6} {'tess s':>6} {'ours s':>6} {'x tess':>6} {'RSS MB':>6}")
    print(header)
    print("-" * len(header))
    by_group: dict[str, list[dict[str, PageScore]]] = {}
    for result in results:
        ratio = result.ours_cpu / result.tess_cpu if result.tess_cpu else float("nan")
        row = {"set": result.group, "tess_cpu": round(result.tess_cpu, 3),
               "ours_cpu": round(result.ours_cpu, 3), "restore_cpu": round(result.restore_cpu, 3),
               "peak_mb": round(result.peak_mb), "notes": result.notes}
        if result.gold is not None:
            scores = result.scores()
            by_group.setdefault(result.group, []).append(scores)
            copier = f"{scores['copier'].syllable_acc:6.3f}" if "copier" in scores else "     -"
            print(f"{result.name:24} {result.group:7} {scores['tess'].gold_tokens:4d} "
                  f"{scores['tess'].syllable_acc:6.3f} {scores['ocr'].syllable_acc:6.3f} "
                  f"{scores['rest'].syllable_acc:6.3f} {copier} {result.tess_cpu:6.1f} "
                  f"{result.ours_cpu:6.1f} {ratio:6.2f} {result.peak_mb:6.0f}")
            row.update({key: s.as_json() for key, s in scores.items()})
        else:
            tess_n, tess_valid = valid_share(result.tesseract)
            rest_n, rest_valid = valid_share(result.restored)
            print(f"{result.name:24} {result.group:7} {'':4} {'':6} {'':6} {'':6} {'':6} "
                  f"{result.tess_cpu:6.1f} {result.ours_cpu:6.1f} {ratio:6.2f} "
                  f"{result.peak_mb:6.0f}   tokens {tess_n}/{rest_n}, valid "
                  f"{tess_valid:.3f}/{rest_valid:.3f} (tess/rest)")
            row.update({"tokens": [tess_n, rest_n], "valid": [round(tess_valid, 4),
                                                               round(rest_valid, 4)]})
        out["pages"][result.name] = row
    print()
    print(f"{'pooled syllable accuracy':30} {'pages':>5} {'syl':>5} {'tess':>6} {'ocr':>6} "
          f"{'rest':>6} {'copier':>6}")
    for label, groups in (("dev gold pages", ["dev"]), ("held-out gold pages", ["heldout"]),
                          ("all gold pages", ["dev", "heldout"]), ("stress pages", ["stress"])):
        pages = [s for g in groups for s in by_group.get(g, [])]
        if not pages:
            continue
        figures = {key: pooled([p[key] for p in pages]) for key in ("tess", "ocr", "rest")}
        copiers = [p["copier"] for p in pages if "copier" in p]
        copier = f"{pooled(copiers):6.3f}" if copiers else "     -"
        print(f"{label:30} {len(pages):5d} {sum(p['tess'].gold_tokens for p in pages):5d} "
              f"{figures['tess']:6.3f} {figures['ocr']:6.3f} {figures['rest']:6.3f} {copier}")
        out["pooled"][label] = {k: round(v, 4) for k, v in figures.items()}
    scored = [r for r in results if r.group != "stress"]
    tess_cpu, ours_cpu = sum(r.tess_cpu for r in scored), sum(r.ours_cpu for r in scored)
    worst = max(results, key=lambda r: r.peak_mb)
    print()
    print(f"ocr-stage CPU over the set: ours {ours_cpu:.1f} s / tesseract {tess_cpu:.1f} s = "
          f"{ours_cpu / tess_cpu:.2f}x ({len(scored)} pages)")
    print(f"restore CPU over the set: {sum(r.restore_cpu for r in scored):.1f} s")
    print(f"peak RSS of a worker: {worst.peak_mb:.0f} MB ({worst.name})")
    if restorer_unchanged:
        print("gold text restored, share unchanged: " + ", ".join(
            f"{k} {v:.4f}" for k, v in restorer_unchanged.items()))
    out["cpu_ratio"] = round(ours_cpu / tess_cpu, 3) if tess_cpu else None
    out["peak_mb"] = round(worst.peak_mb)
    out["unchanged"] = restorer_unchanged
    return out


def gold_unchanged(shared: Path) -> dict[str, float]:
    """Restoring each gold text itself: the share of its tokens left as they were, pooled."""
    from pipeline.restore import default_restorer

    restorer = default_restorer()
    scores = []
    for page in real_pages(shared):
        gold = gold_of(page)
        if gold is not None:
            scores.append(score(gold, restorer.restore_text(gold)))
    return {"pooled": pooled(scores), "worst page": min(s.syllable_acc for s in scores)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--set", choices=("all", "dev", "heldout"), default="all")
    parser.add_argument("--pages", help="comma-separated page names (stems) to run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-copier", action="store_true")
    parser.add_argument("--no-stress", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", nargs=2, type=Path, metavar=("PAGE", "OUT"),
                        help=argparse.SUPPRESS)
    args, options = parser.parse_known_args(argv)
    if args.worker:
        worker(*args.worker, options)
        return 0
    for program in ("tesseract", "pdftoppm"):
        if shutil.which(program) is None:
            sys.exit(f"bench.real: {program} is not installed (make setup)")

    tasks: list[tuple[Path, str, str | None]] = []
    for page in real_pages(args.shared):
        group = group_of(page)
        if args.set == "dev" and group == "heldout" or args.set == "heldout" and group != "heldout":
            continue
        tasks.append((page, group, None))
    if not args.no_stress and args.set != "heldout":
        tasks.extend((path, "stress", gold) for path, gold in stress_pages(args.shared))
    if args.pages:
        wanted = set(args.pages.split(","))
        tasks = [t for t in tasks if t[0].stem in wanted]
    log(f"{len(tasks)} pages, {args.jobs} at a time")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(
            lambda task: run_page(task[0], task[1], task[2], args.shared, not args.no_copier,
                                  options), tasks))
    log("restoring")
    restore_results(results)
    figures = report(results, gold_unchanged(args.shared) if args.set != "heldout" else {})
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
