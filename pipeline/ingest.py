"""Ingest: find input documents, sniff their real type, hash them, read text inputs.

A folder is searched (recursively, sorted) for the supported extensions. The type of a file
is decided by its first bytes, not its name, so a corrupt or mislabelled file fails here with
a clear reason instead of deep inside a converter.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from pipeline import legacy_encoding
from pipeline.errors import CorruptInput, InputNotFound, UnsupportedInput
from pipeline.model import PAGE_BREAK, Document, Source
from pipeline.text.keep_words import DEFAULT_NAME as KEEP_WORDS_FILE

log = logging.getLogger("pipeline")

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
    """The supported files under `folder` (sorted, hidden ones and the user's keep-words.txt
    left out) and one error per folder that could not be read: a folder skipped in silence
    would look processed.

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
                     and name != KEEP_WORDS_FILE  # the user's keep-words list, not an input
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
    return read_text_noting(path)[0]


def read_text_noting(path: Path) -> tuple[str, list[str]]:
    """`decode_text_noting` of a file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorruptInput(f"{path}: cannot read ({exc.strerror})") from exc
    return decode_text_noting(raw, str(path))


# A text streamed (`text_blocks`) is read this many bytes at a time, cut at a line's end
BLOCK_BYTES = 1 << 20


def text_blocks(stream: BinaryIO) -> Iterator[tuple[bytes, int, int]]:
    """A text file's bytes in blocks of about BLOCK_BYTES, each with its first line's number
    and its offset in the file. A block ends after a line break; when a line is longer than a
    block, after a space in it, else where no UTF-8 letter is cut. UTF-16 comes in one block
    (its line breaks are two bytes)."""
    pending, line, offset = b"", 1, 0
    data = stream.read(BLOCK_BYTES)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield data + stream.read(), 1, 0
        return
    while True:
        pending += data
        if data and len(pending) < BLOCK_BYTES:
            data = stream.read(BLOCK_BYTES)
            continue
        cut = _block_end(pending) if data else len(pending)
        if cut:
            block, pending = pending[:cut], pending[cut:]
            yield block, line, offset
            line += block.count(b"\n")
            offset += len(block)
        if not data:
            return
        data = stream.read(BLOCK_BYTES)


def _block_end(buffer: bytes) -> int:
    cut = buffer.rfind(b"\n") + 1 or buffer.rfind(b" ") + 1
    if cut:
        return cut
    cut = len(buffer)
    while cut > 0 and 0x80 <= buffer[cut - 1] < 0xC0:  # back over a letter's trailing bytes
        cut -= 1
    if cut > 0 and buffer[cut - 1] >= 0xC0:  # and its first
        cut -= 1
    return cut or len(buffer)


def decode_text(raw: bytes, label: str, first_line: int = 1, first_byte: int = 0) -> str:
    """Text (UTF-8, UTF-16 with BOM, or cp1258; typed in a legacy font encoding, TCVN3 or
    VNI, converted) as NFC with \\n line ends. What could not be decoded as the file's
    encoding is logged as a warning (see `decode_text_noting`); `first_line` and
    `first_byte`: where `raw` starts in its file, for these warnings."""
    text, warnings = decode_text_noting(raw, label, first_line, first_byte)
    for warning in warnings:
        log.warning("%s", warning)
    return text


def decode_text_noting(raw: bytes, label: str, first_line: int = 1,
                       first_byte: int = 0) -> tuple[str, list[str]]:
    """`decode_text`, and warnings naming the lines and byte offsets of bytes that are not
    valid in the file's encoding.

    A file is UTF-8 when it decodes as such, or when it holds at least as many valid UTF-8
    letters beyond ASCII as invalid bytes (a stray byte, a line pasted from an old program;
    cp1258, TCVN3 and VNI text is nearly all invalid bytes): then it is
    decoded line by line, and never as a whole in another encoding (one bad byte would turn
    every letter into mojibake). A line with valid UTF-8 letters keeps them, its invalid
    bytes replaced by U+FFFD; a line with none (ASCII and invalid bytes only) is cp1258.
    Any other file is cp1258 (Windows Vietnamese; legacy font encodings are judged on its
    bytes)."""
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorruptInput(f"{label}: binary data where text was expected")
    warnings: list[str] = []
    encoding = "cp1258"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CorruptInput(f"{label}: not valid UTF-16 at byte offset {exc.start}") \
                from exc
    else:
        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            escaped = body.decode("utf-8", errors="surrogateescape")
            bad = len(_ESCAPED.findall(escaped))
            valid = len(_NON_ASCII.findall(escaped)) - bad
            if valid >= max(bad, 1):
                offset = first_byte + len(raw) - len(body)
                text, warnings = _utf8_lines(escaped, offset, label, first_line)
                encoding = "utf-8"
            else:
                text = raw.decode("cp1258")
    text = _from_legacy_encoding(raw, text, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), warnings


# Bytes that are not UTF-8, as `surrogateescape` decodes them; letters beyond ASCII.
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
MAX_DECODE_WARNINGS = 5  # lines named one by one; the rest are counted


def _utf8_lines(escaped: str, offset: int, label: str,
                first_line: int = 1) -> tuple[str, list[str]]:
    """UTF-8 text (`surrogateescape`-decoded, starting at byte `offset` and line `first_line`
    of the file) line by line, as `decode_text_noting` says, and a warning per line with
    invalid bytes."""
    lines = escaped.split("\n")
    warnings = []
    bad_lines = 0
    for index, line in enumerate(lines):
        number = first_line + index
        if not _ESCAPED.search(line):
            offset += len(line.encode("utf-8", "surrogateescape")) + 1
            continue
        bad_lines += 1
        position = _ESCAPED.search(line).start()
        at = offset + len(line[:position].encode("utf-8", "surrogateescape"))
        byte = ord(line[position]) - 0xDC00
        line_bytes = line.encode("utf-8", "surrogateescape")
        if len(_NON_ASCII.findall(line)) > len(_ESCAPED.findall(line)):  # valid letters
            lines[index] = line_bytes.decode("utf-8", errors="replace")
            how = "replaced by U+FFFD"
        else:
            lines[index] = line_bytes.decode("cp1258", errors="replace")
            how = "line read as cp1258"
        if bad_lines <= MAX_DECODE_WARNINGS:
            warnings.append(f"{label}: line {number}: invalid UTF-8 byte 0x{byte:02X} at byte "
                            f"offset {at} ({how})")
        offset += len(line_bytes) + 1
    if bad_lines > MAX_DECODE_WARNINGS:
        warnings.append(f"{label}: {bad_lines - MAX_DECODE_WARNINGS} more line(s) with "
                        "invalid UTF-8 bytes")
    return "\n".join(lines), warnings


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




def without_page_break(line: str) -> str:
    """A line of a text input with its form feeds taken out: the line our .ocr.txt and
    .restored.txt put between two pages ("\f") is a blank line, not text, and a sidecar's
    "\fFirst line of page 2" is that line."""
    return line.replace(PAGE_BREAK, "")


def ingest(item: InputFile) -> Document:
    """A Document with its source filled; text inputs also get their OCR lines."""
    kind = {"pdf": "scan", "image": "scan", "text": "text"}[item.kind]
    document = Document(
        source=Source(file=item.path.name, sha256=sha256_of(item.path), kind=kind, pages=0)
    )
    if item.kind == "text":
        text, warnings = read_text_noting(item.path)
        for warning in warnings:
            log.warning("%s", warning)
        document.ocr_lines = [without_page_break(line) for line in split_lines(text)]
        document.source.pages = 1
        document.quality.warnings.extend(
            warning.replace(str(item.path), item.path.name, 1) for warning in warnings)
    return document
