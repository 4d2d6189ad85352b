"""Legal basis, sections with their subsections, items, paragraphs and tables.

Line rules (general, not tied to any one document):
- a line starting with a marker opens a block: a Roman numeral heading (the *next* numeral in
  order, so OCR misreadings like "|." for "I." or "I1." for "III." are recognised), an Arabic
  heading ("1.", "1.1.", in order within its parent), or an item ("-", "+", "a)");
- any other line continues the open block, except that a new paragraph starts after a blank
  line, after a block ending with ":", or after a short heading; a line starting in lower case
  always continues (a sentence does not start in lower case, whatever blank lines OCR put in);
- Roman headings are upper case; their titles continue only with upper-case lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import regex as re

from pipeline.model import Item, Section
from pipeline.segment.body_tables import BodyTable
from pipeline.segment.patterns import (
    ARABIC_HEADING,
    ARABIC_HEADING_NO_DOT,
    ARTICLE_HEADING,
    BULLET,
    DASH_LIKE,
    LEADING_JUNK,
    LEGAL_BASIS_START,
    LETTER_ITEM,
    ROMAN_HEADING,
    ROMAN_HEADING_NO_DOT,
    TRAILING_JUNK,
    decode_roman_token,
    edit_distance,
    ends_sentence,
    is_upper_text,
    join_lines,
    roman,
    starts_lower,
)
from pipeline.text.fold import fold

# A heading line this long filled the line width, so the next line is more of the heading.
_WRAPPED_HEADING_WORDS = 8
# "1. Phòng Kinh tế: Trên cơ sở …": a short lead-in before ":" is the subsection's title.
_TITLE_BEFORE_COLON_MAX_WORDS = 12
_ITEM_RANKS = {"+": 2}  # "a)" items rank 0, dashes and other bullets 1, "+" under them
# A page number between pages of the body ("2", "- 3 -").
_PAGE_NUMBER = re.compile(r"-?\s*\d{1,3}\s*-?")
_TABLE_ROW_START = re.compile(r"^(?:S?TT\b|\d{1,2}\s+[^\W\d_])")
# A line with no letter or digit ("°)", "~ .") is specks, not text.
_HAS_WORD = re.compile(r"[\p{L}\p{N}]")
# "H," or "HI." for "II." / "III.": OCR reads two serifed strokes as an H.
_H_FOR_II = re.compile(r"^H(?P<more>I{0,2})\s*[.,]\s*(?=\p{Lu})")


# --- markers ------------------------------------------------------------------------------------


@dataclass
class Marker:
    kind: str  # "roman", "arabic", "article", "item"
    number: str | None  # canonical "III", "1.2", "Điều 1"; the item marker for items
    rest: str  # the original text after the marker


def roman_heading(line: str, expected: int, previous: str | None) -> Marker | None:
    """A Roman section heading, if the line is the expected next one (or one skipped)."""
    h_for_ii = _H_FOR_II.match(line)
    if h_for_ii and is_upper_text(line[h_for_ii.end() :], min_letters=4, ratio=0.8):
        line = f"II{h_for_ii['more']}. {line[h_for_ii.end():]}"
    found = ROMAN_HEADING.match(fold(line))
    if not found:
        return _roman_without_dot(line, expected)
    rest = line[found.start("rest") :].strip()
    if rest and not is_upper_text(rest, min_letters=2, ratio=0.7):
        return None
    token = found["tok"]
    decoded = decode_roman_token(token)
    want = roman(expected)
    if want is None:
        return None
    if token.isdigit():
        # "1." is far more often a subsection: only take it where a Roman I-numeral must be.
        return Marker("roman", want, rest) if decoded == want and rest else None
    for ahead in (0, 1, 2):
        if decoded == roman(expected + ahead):
            return Marker("roman", decoded, rest)
    close = edit_distance(decoded, want) <= 1
    # "II." read for "III." is a known misreading, so a repeat is fine for long numerals, and
    # for any numeral heading a title in capitals (sections are not numbered twice).
    repeat_ok = len(want) >= 3 or is_upper_text(rest, min_letters=4, ratio=0.8)
    if close and rest and (decoded != previous or repeat_ok):
        return Marker("roman", want, rest)
    return None


def _roman_without_dot(line: str, expected: int) -> Marker | None:
    """ "II NHIỆM VỤ": the expected numeral (or the one after it), its period lost, then a
    title in capitals."""
    found = ROMAN_HEADING_NO_DOT.match(line)
    if not found:
        return None
    rest = line[found.start("rest") :].strip()
    if not is_upper_text(rest, min_letters=4, ratio=0.8):
        return None
    numeral = found["tok"]
    if numeral in (roman(expected), roman(expected + 1)):
        return Marker("roman", numeral, rest)
    return None


def clean_body_line(line: str) -> str:
    """A body line without OCR specks at its ends; specks with a dash in them were the item's
    bullet ("._~ Bảo quản" -> "- Bảo quản"), other leading ones go ("__ phản ứng")."""
    trailing = TRAILING_JUNK.search(line)
    # a spaced dash after a word wraps a name or a phrase ("Long Hòa -" / "Long Thạnh")
    wraps = trailing and trailing.group().strip() == "-" and line[: trailing.start()][-1:].isalnum()
    if trailing and not wraps:
        line = line[: trailing.start()]
    if line[:1] == "-" and line[1:2].isalpha() and line[1:2].islower():
        return line[1:]  # "-thôn, từng …": OCR's speck before a wrapped line, not a bullet
    lead = LEADING_JUNK.match(line)
    if lead:
        # keep the dash-like speck itself as the bullet (it is the text's own character)
        dashes = DASH_LIKE.findall(lead.group())
        line = f"{dashes[-1]} {line[lead.end() :]}" if dashes else line[lead.end() :]
    bullet = BULLET.match(line)
    if bullet:
        rest = LEADING_JUNK.sub("", bullet["rest"])  # "-~ Rà soát"
        line = f"{bullet['m']} {rest}"
        glued = _glued_heading(rest)
        if glued:
            return glued
    return line


def _glued_heading(rest: str) -> str | None:
    """ "- II NHIỆM VỤ": a bullet OCR put before a Roman heading."""
    found = ROMAN_HEADING.match(fold(rest)) or ROMAN_HEADING_NO_DOT.match(rest)
    if found and is_upper_text(rest[found.start("rest") :], min_letters=4, ratio=0.8):
        return rest
    return None


def arabic_heading(line: str) -> tuple[list[int], str] | None:
    folded = fold(line)
    found = ARABIC_HEADING.match(folded) or ARABIC_HEADING_NO_DOT.match(folded)
    if not found:
        return None
    parts = [int(p) for p in re.split(r"\s?\.\s?", found["num"].strip())]
    return parts, line[found.start("rest") :].strip()


def item_marker(line: str) -> Marker | None:
    found = BULLET.match(line) or LETTER_ITEM.match(line)
    if not found:
        return None
    marker = found["m"].replace(" ", "")
    # a dash as OCR read it ("—", "~") is the dash bullet
    return Marker("item", "-" if DASH_LIKE.fullmatch(marker) else marker, found["rest"].strip())


def is_legal_basis_start(line: str) -> bool:
    return bool(LEGAL_BASIS_START.match(fold(line)))


# --- legal basis ---------------------------------------------------------------------------------


def parse_preamble(lines: list[str], start: int, stop: int) -> list[str]:
    """Paragraphs between the title and the first section: "Căn cứ …", "Thực hiện …" and the
    enacting sentence ("… xây dựng Kế hoạch như sau:"), continuation lines joined; a line
    starting in upper case after a sentence end starts a new paragraph. Upper-case lines here
    are structure ("QUYẾT ĐỊNH:"), not basis, and are left out."""
    paragraphs: list[list[str]] = []
    blank_before = True
    for line in lines[start:stop]:
        if not line:
            blank_before = True
            continue
        if is_upper_text(line, min_letters=4):
            blank_before = True
            continue
        after_sentence = bool(paragraphs) and ends_sentence(paragraphs[-1][-1])
        new = (
            not paragraphs
            or is_legal_basis_start(line)
            or ((blank_before or after_sentence) and not starts_lower(line))
        )
        if new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
        blank_before = False
    return [join_lines(p) for p in paragraphs]


def legal_basis_end(lines: list[str], start: int, stop: int) -> int:
    """Where the run of basis paragraphs ("Căn cứ …", "Thực hiện …") starting at `start` ends,
    for documents without numbered sections (their body text follows the basis directly)."""
    in_basis = False
    blank_before = True
    for index in range(start, stop):
        line = lines[index]
        if not line:
            blank_before = True
            continue
        if is_legal_basis_start(line):
            in_basis = True
        else:
            new_paragraph = blank_before and not starts_lower(line)
            if not in_basis or (new_paragraph and not is_upper_text(line, min_letters=4)):
                return index
        blank_before = False
    return stop


# --- sections ----------------------------------------------------------------------------------


def find_first_section(lines: list[str], start: int, stop: int) -> int | None:
    """The first Roman heading or article; or, when OCR lost the first Roman heading, the "1."
    subsection before it if a "2." follows it there too (a list of subsections, not a
    numbered basis line)."""
    roman_at = next(
        (
            index
            for index in range(start, stop)
            if roman_heading(lines[index], 1, None) or ARTICLE_HEADING.match(fold(lines[index]))
        ),
        None,
    )
    end = roman_at if roman_at is not None else stop
    firsts = [i for i in range(start, end) if (arabic_heading(lines[i]) or [None])[0] == [1]]
    seconds = [i for i in range(start, end) if (arabic_heading(lines[i]) or [None])[0] == [2]]
    if firsts and (roman_at is None or any(i > firsts[0] for i in seconds)):
        return firsts[0]
    return roman_at


@dataclass
class _Block:
    """The open text block: its lines and how to store the joined text."""

    kind: str  # "roman", "arabic", "item", "paragraph"
    parts: list[str]
    store: Callable[[str], None]

    def add(self, line: str) -> None:
        self.parts.append(line)
        self.store(join_lines(self.parts))


@dataclass
class _SectionParser:
    sections: list[Section] = field(default_factory=list)
    # open sections by depth: 0 = Roman/article, 1 = "1.", 2 = "1.1." …
    open: dict[int, Section] = field(default_factory=dict)
    last_child: dict[int, int] = field(default_factory=dict)  # last Arabic number per depth
    roman_count: int = 0
    last_roman: str | None = None
    items: list[tuple[int, Item]] = field(default_factory=list)
    block: _Block | None = None

    # -- containers

    def container(self) -> Section:
        if not self.open:
            section = Section()
            self.sections.append(section)
            self.open[0] = section
        return self.open[max(self.open)]

    def open_section(self, depth: int, section: Section) -> None:
        parents = [d for d in self.open if d < depth]
        if parents:
            self.open[max(parents)].subsections.append(section)
        else:
            self.sections.append(section)
        for d in [d for d in self.open if d >= depth]:
            del self.open[d]
        for d in [d for d in self.last_child if d > depth]:
            del self.last_child[d]
        self.open[depth] = section
        self.items = []

    # -- line kinds

    def try_roman(self, line: str) -> bool:
        marker = roman_heading(line, self.roman_count + 1, self.last_roman)
        if marker is None:
            article = ARTICLE_HEADING.match(fold(line))
            if not article:
                return False
            number = line[article.start("word") : article.end("num")]
            marker = Marker("article", number, line[article.start("rest") :].strip())
        elif marker.number:
            self.roman_count = _roman_index(marker.number)
            self.last_roman = marker.number
        section = Section(number=marker.number, title=marker.rest or None)
        self.open_section(0, section)
        self.last_child = {}
        self.block = _Block(
            marker.kind,
            [marker.rest] if marker.rest else [],
            lambda text: setattr(section, "title", text or None),
        )
        return True

    def try_arabic(self, line: str) -> bool:
        heading = arabic_heading(line)
        if heading is None:
            return False
        numbers, rest = heading
        depth = len(numbers)
        if depth == 1 and 0 not in self.open and not self.sections:
            self.open_section(0, Section())  # its Roman heading lost: number and title null
        parent = self.open.get(depth - 1) if depth > 1 else None
        parent_number = parent.number if parent is not None else None
        if parent_number is not None and parent_number != ".".join(map(str, numbers[:-1])):
            return False
        previous = self.last_child.get(depth)
        number = numbers[-1]
        in_order = 1 <= number <= 2 if previous is None else previous < number <= previous + 2
        if not in_order:
            return False
        self.last_child[depth] = number
        section = Section(number=".".join(str(n) for n in numbers), title=rest or None)
        self.open_section(depth, section)
        self.block = _Block("arabic", [], _heading_store(section))
        self.block.add(rest)
        return True

    def try_item(self, line: str) -> bool:
        marker = item_marker(line)
        if marker is None:
            return False
        assert marker.number is not None
        rank = 0 if marker.number.endswith(")") else _ITEM_RANKS.get(marker.number, 1)
        item = Item(marker=marker.number, text=marker.rest)
        while self.items and self.items[-1][0] >= rank:
            self.items.pop()
        if self.items:
            self.items[-1][1].items.append(item)
        else:
            self.container().items.append(item)
        self.items.append((rank, item))
        self.block = _Block("item", [marker.rest], lambda text: setattr(item, "text", text))
        return True

    def add_text(self, line: str, blank_before: bool, after_break: bool = False) -> None:
        if self.block is not None and (
            self._continues(line, blank_before) or self._goes_on_after_break(line, after_break)
        ):
            self.block.add(line)
            return
        container = self.container()
        container.paragraphs.append(line)
        index = len(container.paragraphs) - 1
        self.items = []

        def store(text: str) -> None:
            container.paragraphs[index] = text

        self.block = _Block("paragraph", [line], store)

    def _continues(self, line: str, blank_before: bool) -> bool:
        assert self.block is not None
        if starts_lower(line):
            return True
        if blank_before or not self.block.parts:
            return False
        last = self.block.parts[-1]
        if self.block.kind in ("roman", "article"):
            return is_upper_text(line, min_letters=2, ratio=0.7)
        if self.block.kind == "arabic":
            return len(last.split()) >= _WRAPPED_HEADING_WORDS and not ends_sentence(last)
        if last.rstrip().endswith(":"):
            return False
        # a table OCR'd as text: each row line is its own paragraph
        return not (self.block.kind == "paragraph" and _TABLE_ROW_START.match(fold(line)))

    def _goes_on_after_break(self, line: str, after_break: bool) -> bool:
        """A paragraph or item cut by a page break mid-sentence goes on on the next page,
        whatever case its next line starts in."""
        assert self.block is not None
        if not after_break or self.block.kind not in ("paragraph", "item"):
            return False
        last = self.block.parts[-1] if self.block.parts else ""
        return bool(last) and not ends_sentence(last) and not _TABLE_ROW_START.match(fold(line))

    def add_table(self, found: BodyTable) -> None:
        """A table where its lines stand; a table's part continued from the page before goes
        on with the open section's last table when its columns agree."""
        tables = self.container().tables
        previous = tables[-1] if tables else None
        width = len(found.table.rows[0]) if found.table.rows else 0
        same_width = previous is not None and previous.rows and len(previous.rows[0]) == width
        if found.continued and previous is not None and same_width:
            previous.rows.extend(found.table.rows)
        else:
            tables.append(found.table)
        self.block = None
        self.items = []

    def feed(
        self, lines: list[str], tables: list[BodyTable] = (), breaks: set[int] = frozenset()
    ) -> list[Section]:
        starts = {found.first: found for found in tables}
        in_table = {i for found in tables for i in range(found.first, found.last + 1)}
        blank_before = after_break = False
        for index, raw in enumerate(lines):
            if index in starts:
                self.add_table(starts[index])
            if index in in_table:
                blank_before, after_break = True, False
                continue
            line = clean_body_line(raw) if raw else raw
            if not line or _PAGE_NUMBER.fullmatch(line) or not _HAS_WORD.search(line):
                blank_before = True
                after_break = after_break or index in breaks
                continue
            handled = self.try_roman(line) or self.try_arabic(line) or self.try_item(line)
            if not handled:
                self.add_text(line, blank_before, after_break)
            blank_before = after_break = False
        return self.sections


def _roman_index(numeral: str) -> int:
    for n in range(1, 16):
        if roman(n) == numeral:
            return n
    return 0


def _heading_store(section: Section) -> Callable[[str], None]:
    """Store heading text: a short lead-in before ":" is the title and the rest the section's
    first paragraph ("1. Phòng Kinh tế: Trên cơ sở …")."""
    state = {"split": False}

    def store(text: str) -> None:
        if state["split"]:
            section.paragraphs.pop(0)
            state["split"] = False
        head, sep, tail = text.partition(": ")
        if sep and tail.strip() and len(head.split()) <= _TITLE_BEFORE_COLON_MAX_WORDS:
            section.title = head.strip() or None
            section.paragraphs.insert(0, tail.strip())
            state["split"] = True
        else:
            section.title = text.rstrip(":").strip() or None

    return store


def parse_sections(
    lines: list[str], tables: list[BodyTable] = (), breaks: set[int] = frozenset()
) -> list[Section]:
    """Sections of the body `lines`; `tables` (line spans relative to `lines`) go into the
    section where they stand, their lines not read as text; `breaks`: the blank lines put
    between two pages (a block cut there mid-sentence goes on after them)."""
    return _SectionParser().feed(lines, tables, breaks)
