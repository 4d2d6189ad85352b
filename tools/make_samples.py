"""Writes the repository's synthetic scanned samples, each with its ground truth beside it.

    .venv/bin/python tools/make_samples.py [--out samples] [--dpi 300] [--only NAME]

For each sample NAME it writes NAME.pdf (several pages, greyscale JPEG images at the given dpi)
or NAME.png (one page, dpi in its metadata) and NAME.truth.json (see pipeline/synth/truth.py;
its "lines" are the gold text, one rendered line per line in reading order). The gold text is
not written as a .txt file: `run samples/` would take it for an input.
Output depends only on the arguments. Also copies ../shared/samples/plan_ngoc_lien.ocr.txt to
itself when ../shared exists. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from pipeline.synth import get_plan, render_plan, truth_dict  # noqa: E402
from pipeline.synth.render import RenderedDocument  # noqa: E402

log = logging.getLogger("make_samples")

SHARED_OCR_SAMPLE = ROOT.parent / "shared" / "samples" / "plan_ngoc_lien.ocr.txt"
PDF_JPEG_QUALITY = 70
FIXED_PDF_DATE = time.gmtime(1767225600)  # 2026-01-01 00:00 UTC
# A noisy 8-bit grey PNG page is 4-5 MB; posterised to 16 grey levels (a scanner's 4-bit grey
# mode) it is about 0.6 MB and reads the same.
PNG_GREY_LEVELS = 16


@dataclass(frozen=True)
class SampleSpec:
    plan: str
    fmt: str  # "pdf" or "png"
    seed: int
    repeat_header: bool = True
    degrade: str = "mild"
    pdf_quality: int = PDF_JPEG_QUALITY  # JPEG quality of the PDF's page images


SAMPLES = (
    SampleSpec("plan_thach_phong_cds", "pdf", seed=11, repeat_header=True),
    SampleSpec("plan_hung_long_tay_giao_thong", "pdf", seed=12, repeat_header=False),
    SampleSpec("plan_hoa_khanh_thuong_pctt", "png", seed=13),
    # A worn copy: up to 2 degrees askew, blurred and speckled, for robustness checks.
    SampleSpec("plan_dong_son_ha_tiem_chung", "pdf", seed=14, degrade="heavy", pdf_quality=55),
)


def posterise(image: Image.Image, levels: int) -> Image.Image:
    step = 256 // levels
    return image.point(lambda v: min(255, (v // step) * step + step // 2))


def write_images(rendered: RenderedDocument, path: Path, spec: SampleSpec, dpi: int) -> None:
    images = rendered.images
    if spec.fmt == "png":
        if len(images) != 1:
            raise ValueError(f"{path.name}: a PNG sample must be one page, got {len(images)}")
        posterise(images[0], PNG_GREY_LEVELS).save(path, dpi=(dpi, dpi), compress_level=6)
        return
    images[0].save(
        path, save_all=True, append_images=images[1:], resolution=float(dpi),
        quality=spec.pdf_quality, title=path.stem, producer="vn-plan-pipeline synth",
        # Fixed dates keep the file byte-identical from run to run.
        creationDate=FIXED_PDF_DATE, modDate=FIXED_PDF_DATE,
    )


def make_sample(spec: SampleSpec, out: Path, dpi: int) -> list[Path]:
    started = time.monotonic()
    plan = get_plan(spec.plan)
    rendered = render_plan(
        plan, dpi=dpi, seed=spec.seed, degrade=spec.degrade, repeat_header=spec.repeat_header
    )
    params = {
        "dpi": dpi, "seed": spec.seed, "degrade": spec.degrade, "page_size": "A4",
        "repeat_header": spec.repeat_header, "format": spec.fmt,
        "pdf_jpeg_quality": spec.pdf_quality if spec.fmt == "pdf" else None,
        "generator": "tools/make_samples.py",
    }
    image_path = out / f"{spec.plan}.{spec.fmt}"
    write_images(rendered, image_path, spec, dpi)
    truth_path = out / f"{spec.plan}.truth.json"
    truth = truth_dict(plan, rendered, params)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log.info("%s: %d page(s), %.0f kB, %.1f s", image_path.name, len(rendered.images),
             image_path.stat().st_size / 1024, time.monotonic() - started)
    return [image_path, truth_path]


def copy_shared_sample(out: Path) -> Path | None:
    if not SHARED_OCR_SAMPLE.exists():
        log.info("no %s; skipping the OCR text sample", SHARED_OCR_SAMPLE)
        return None
    target = out / SHARED_OCR_SAMPLE.name
    shutil.copyfile(SHARED_OCR_SAMPLE, target)
    log.info("copied %s", target.name)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--only", action="append", help="plan name(s) to make; default all")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in SAMPLES:
        if args.only and spec.plan not in args.only:
            continue
        make_sample(spec, args.out, args.dpi)
    if not args.only:
        copy_shared_sample(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
