"""The document as Markdown: header, headings per section, lists, a section's tables and one
GFM table per appendix, as GFM tables.

When segmentation found no structure (an unusual document), the restored text is written as
paragraphs so nothing the reader needs is lost.
"""

from __future__ import annotations

from pipeline.model import Appendix, Document, Item, Reading, Section, SectionTable

APPENDIX_COLUMNS = ["TT", "Nội dung", "Chủ trì", "Phối hợp", "Kết quả/sản phẩm", "Thời gian"]


def render_markdown(document: Document) -> str:
    parts = [_header(document), _failed_pages(document)]
    if document.legal_basis:
        parts.append("\n".join(f"- {_escape_text(line)}" for line in document.legal_basis))
    parts.extend(_section(section, level=2) for section in document.sections)
    if document.closing:
        parts.append(_escape_text(document.closing))
    parts.append(_signature(document))
    parts.extend(_appendix(appendix) for appendix in document.appendices)
    if not document.sections and not document.appendices:
        parts.append(_plain_text(document.text_lines))
    return "\n\n".join(part for part in parts if part).rstrip() + "\n"


def _failed_pages(document: Document) -> str:
    """A warning for each page that could not be read (its text is missing below)."""
    return "\n".join(f"> **Trang {page.number} không đọc được** (page not read): "
                     f"{_escape_text(page.error)}"
                     for page in document.pages if page.error is not None)


def _header(document: Document) -> str:
    """The type and number as the top heading (else the title, else the file's name), the
    title in bold under it, then the header's facts."""
    header = document.header
    heading = " ".join(p for p in (header.document_type or header.kind, header.written_number)
                       if p)
    title = document.title
    if not heading:
        heading, title = (title, None) if title else (document.source.file, None)
    lines = [f"# {_escape_text(heading)}"]
    if title:
        lines += ["", f"**{_escape_text(title)}**"]
    if document.subject:
        lines += ["", f"*{_escape_text(document.subject)}*"]
    number = header.written_number
    if number and header.number is None and header.readings.get("number"):
        number = f"…{number}"  # the number's blank was not read: shown as a gap
    facts = [
        ("Cơ quan ban hành", " / ".join(p for p in (header.issuer_parent, header.issuer) if p)),
        ("Số, ký hiệu", _flagged(number, header.readings.get("number"), "số")),
        ("Địa danh", header.place),
        ("Ngày", _flagged(header.date, header.readings.get("date"), "ngày, tháng")),
    ]
    facts = [(label, value) for label, value in facts if value]
    if facts:
        lines += [""] + [f"- {label}: {_escape_text(value)}" for label, value in facts]
    if document.addressees:
        lines += ["", "Kính gửi:"] + [f"- {_escape_text(a)}" for a in document.addressees]
    return "\n".join(lines)


def _flagged(value: str | None, reading: Reading | None, what: str) -> str | None:
    """A filled-in value with a note when it is not to be trusted as read: "…/QĐ-UBND (số
    viết tay, chưa đọc được)"."""
    if not value or reading is None:
        return value
    notes = []
    if reading.handwritten:
        notes.append(f"{what} viết tay")
    if reading.unreadable:
        notes.append("chưa đọc được")
    elif reading.confidence is not None and reading.confidence < 0.5:
        notes.append("cần kiểm tra")
    return f"{value} ({', '.join(notes)})" if notes else value


def _section(section: Section, level: int) -> str:
    """Heading, paragraphs, the item list, then the subsections: blocks a blank line apart
    (the model keeps a section's paragraphs before its items)."""
    title = " ".join(p for p in (_numbered(section.number), section.title) if p)
    blocks = [f"{'#' * min(level, 6)} {_escape_text(title)}"] if title else []
    blocks += [_escape_text(paragraph) for paragraph in section.paragraphs]
    if section.items:
        blocks.append("\n".join(_item(item, depth=0) for item in section.items))
    blocks += [_section_table(table) for table in section.tables]
    blocks += [_section(child, level + 1) for child in section.subsections]
    return "\n\n".join(block for block in blocks if block)


def _section_table(table: SectionTable) -> str:
    """One GFM table, as wide as its widest row; a table with no column headings gets an empty
    heading row (GFM needs one)."""
    width = max([len(table.columns), *(len(row) for row in table.rows)])
    if not width:
        return ""
    lines = [_table_row(_padded(table.columns, width)), _table_row(["---"] * width)]
    lines += [_table_row(_padded(row, width)) for row in table.rows]
    return "\n".join(lines)


def _padded(cells: list[str], width: int) -> list[str | None]:
    return [*cells, *[""] * (width - len(cells))]


def _numbered(number: str | None) -> str | None:
    return f"{number}." if number else None


def _item(item: Item, depth: int) -> str:
    indent = "  " * depth
    lines = [f"{indent}- {_escape_text(item.text)}"]
    lines += [_item(child, depth + 1) for child in item.items]
    return "\n".join(lines)


def _signature(document: Document) -> str:
    signature = document.signature
    lines = [value for value in (signature.authority, signature.title, signature.name) if value]
    parts = []
    if lines:
        parts.append("**Người ký:** " + " — ".join(_escape_text(line) for line in lines))
    if document.recipients:
        parts.append("**Nơi nhận:**\n\n" +
                     "\n".join(f"- {_escape_text(r)}" for r in document.recipients))
    return "\n\n".join(parts)


def _appendix(appendix: Appendix) -> str:
    """A heading, what it is attached to, and one GFM table: the appendix's own column names
    when it has the six, every row (group rows too) six cells wide."""
    lines = [f"## {_escape_text(appendix.title or 'Phụ lục')}"]
    if appendix.attached_to:
        lines += ["", f"*{_escape_text(appendix.attached_to)}*"]
    width = len(APPENDIX_COLUMNS)
    columns = appendix.columns if len(appendix.columns) == width else APPENDIX_COLUMNS
    lines += ["", _table_row(columns), _table_row(["---"] * width)]
    for group in appendix.groups:
        if group.number or group.title:
            title = f"**{_escape_cell(group.title)}**" if group.title else ""
            lines.append(_table_row([group.number, title, *[""] * (width - 2)], escaped={1}))
        for row in group.rows:
            lines.append(_table_row([row.tt, row.task, row.lead, row.coordinate, row.output,
                                     row.deadline]))
    return "\n".join(lines)


def _table_row(cells: list[str | None], escaped: frozenset[int] | set[int] = frozenset()) -> str:
    """One table row; cells at the `escaped` positions are already Markdown."""
    texts = [cell or "" if i in escaped else _escape_cell(cell) for i, cell in enumerate(cells)]
    return "| " + " | ".join(texts) + " |"


def _escape_cell(value: str | None) -> str:
    if not value:
        return ""
    return _escape_text(value).replace("|", "\\|").replace("\n", "<br>")


def _escape_text(value: str) -> str:
    """Escape what Markdown would read as markup inside running text."""
    for char in ("\\", "*", "_", "`", "<", ">", "[", "]"):
        value = value.replace(char, "\\" + char)
    return value


def _plain_text(lines: list[str]) -> str:
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(_escape_text(line.strip()))
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)
