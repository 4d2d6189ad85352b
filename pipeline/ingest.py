"""Ingest: find input documents, sniff their real type, hash them, read text inputs.

A folder is searched (recursively, sorted) for the supported extensions. The type of a file
is decided by its first bytes, not its name, so a corrupt or mislabelled file fails here with
a clear reason instead of deep inside a converter.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline import legacy_encoding
from pipeline.errors import CorruptInput, InputNotFound, UnsupportedInput
from pipeline.model import Document, Source

EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt")
InputKind = Literal["pdf", "image", "text"]

# Magic numbers of the binary formats we accept.
_MAGIC: list[tuple[bytes, InputKind]] = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),  # JPEG
    (b"II*\x00", "image"),  # TIFF, little-endian
    (b"MM\x00*", "image"),  # TIFF, big-endian
]
# Formats often renamed to one we read: refused by name (E102), not taken for corrupt.
_OTHER_MAGIC: list[tuple[bytes, str]] = [
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (DOCX, XLSX, ODT ...)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (DOC, XLS)"),
    (b"{\\rtf", "an RTF document"),
    (b"BM", "a BMP image"),
    (b"RIFF", "a RIFF file (WebP ...)"),
]
# Text encodings tried in order; cp1258 is the Windows Vietnamese code page.
_TEXT_ENCODINGS = ("utf-8-sig", "utf-16", "cp1258")


@dataclass(frozen=True)
class InputFile:
    path: Path
    kind: InputKind


def output_stem(path: Path) -> str:
    """Base name of an input's outputs: the file name without its extension.

    Text OCR'd elsewhere is often saved as NAME.ocr.txt; its outputs are named after NAME, so
    they read NAME.ocr.txt, NAME.json… and not NAME.ocr.ocr.txt.
    """
    stem = path.stem
    if path.suffix.lower() == ".txt" and stem.lower().endswith(".ocr"):
        stem = stem[: -len(".ocr")]
    return stem


def discover(paths: list[Path], exclude: Path | None = None) -> list[Path]:
    """Expand folders into the supported files they hold; keep explicit files as given.

    Raises InputNotFound for a path that does not exist, CorruptInput for a folder that cannot
    be read. `exclude` (the output folder) is never searched. Duplicates are dropped, order kept.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files, errors = search(path, exclude)
            if errors:
                raise errors[0][1]
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            raise InputNotFound(str(path))
    seen: set[Path] = set()
    return [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]


def search(folder: Path, exclude: Path | None = None
           ) -> tuple[list[Path], list[tuple[Path, CorruptInput]]]:
    """The supported files under `folder` (sorted, hidden ones left out) and one error per
    folder that could not be read: a folder skipped in silence would look processed.

    `exclude` and everything under it is left out: an output folder inside the input folder
    would otherwise be read back as input on every run."""
    skip = exclude.resolve() if exclude is not None else None
    errors: list[tuple[Path, CorruptInput]] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename)
        errors.append((where, CorruptInput(f"{where}: cannot read folder ({error.strerror})")))

    files: list[Path] = []
    for top, dirs, names in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if Path(top, d).resolve() != skip]
        files.extend(Path(top, name) for name in names
                     if Path(name).suffix.lower() in EXTENSIONS and not name.startswith(".")
                     and Path(top, name).is_file())
    return sorted(files), errors


def sniff(path: Path) -> InputFile:
    """Decide the real type of `path` from its content. Only regular files are read: a FIFO,
    a device or a socket is refused before anything opens it (opening a FIFO blocks)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CorruptInput(f"{path}: cannot read ({exc.strerror})") from exc
    if not stat.S_ISREG(mode):
        what = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise UnsupportedInput(f"{path}: not a regular file ({what}): not read")
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise CorruptInput(f"{path}: cannot read ({exc.strerror})") from exc
    if not head:
        raise CorruptInput(f"{path}: empty file")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "pdf":
                _refuse_password(path)
            return InputFile(path, kind)
    for magic, what in _OTHER_MAGIC:
        # "BM" and "RIFF" begin ordinary words too: a .txt file is text unless it is binary
        if head.startswith(magic) and (path.suffix.lower() != ".txt" or b"\x00" in head):
            raise UnsupportedInput(f"{path}: {what}, not a {path.suffix.lower()[1:].upper()} "
                                   f"file (expected one of {', '.join(EXTENSIONS)})")
    if path.suffix.lower() == ".txt":
        return InputFile(path, "text")
    if path.suffix.lower() in EXTENSIONS:
        raise CorruptInput(f"{path}: content is not a {path.suffix.lower()[1:].upper()} file")
    raise UnsupportedInput(f"{path}: unsupported type (expected one of {', '.join(EXTENSIONS)})")


def _refuse_password(path: Path) -> None:
    """A PDF that needs a password to open is refused here, saying so: poppler would only say
    it cannot read it. (Owner-password PDFs, which only restrict printing, open fine.)"""
    import pikepdf

    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError as exc:
        raise CorruptInput(f"{path}: password required (encrypted PDF)") from exc
    except (pikepdf.PdfError, OSError):
        pass  # damaged: the ocr stage says how, page by page


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text(path: Path) -> str:
    """Decode a text input file; see `decode_text`."""
    try:
        return decode_text(path.read_bytes(), str(path))
    except OSError as exc:
        raise CorruptInput(f"{path}: cannot read ({exc.strerror})") from exc


def decode_text(raw: bytes, label: str) -> str:
    """Text (UTF-8, UTF-16 with BOM, or cp1258; typed in a legacy font encoding, TCVN3 or
    VNI, converted) as NFC with \\n line ends."""
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorruptInput(f"{label}: binary data where text was expected")
    for encoding in _TEXT_ENCODINGS:
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1258 decodes almost anything; reaching here means it did not
        raise CorruptInput(f"{label}: text is neither UTF-8, UTF-16 nor cp1258")
    text = _from_legacy_encoding(raw, text, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _from_legacy_encoding(raw: bytes, text: str, encoding: str) -> str:
    """The text converted when it was typed in a legacy Vietnamese font encoding: judged on
    its bytes when they are not UTF (cp1258 decoded them), else on its characters (text
    copied out of such a document into a Unicode file reads "§iÒu" just the same)."""
    view = legacy_encoding.byte_view(raw) if encoding == "cp1258" else text
    found = legacy_encoding.detect(view, original=text)
    return text if found is None else legacy_encoding.convert(view, found)


def split_lines(text: str) -> list[str]:
    """Lines of a text; a final newline does not make an extra empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def ingest(item: InputFile) -> Document:
    """A Document with its source filled; text inputs also get their OCR lines."""
    kind = {"pdf": "scan", "image": "scan", "text": "text"}[item.kind]
    document = Document(
        source=Source(file=item.path.name, sha256=sha256_of(item.path), kind=kind, pages=0)
    )
    if item.kind == "text":
        document.ocr_lines = split_lines(read_text(item.path))
        document.source.pages = 1
    return document
