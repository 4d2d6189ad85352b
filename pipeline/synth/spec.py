"""Plain data description of a plan (Kế hoạch) to render: what is written, not where.

The renderer lays these parts out the way Decree 30/2020/NĐ-CP places them; `truth.py` turns
the same description into the contract-shaped ground truth, so text and truth cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

APPENDIX_COLUMNS = (
    "TT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả/sản phẩm",
    "Thời gian hoàn thành",
)


@dataclass(frozen=True)
class Ref:
    """A document cited in the text; `text` is how the plan writes it."""

    type: str  # "Quyết định"
    number: str  # "1234"
    symbol: str  # "QĐ-UBND" or, for Party documents, "NQ/TW"
    date: str | None = None  # as written: "05/3/2025"
    issuer: str | None = None  # "UBND tỉnh Quảng Trị"

    @property
    def code(self) -> str:
        # Party documents join number and symbol with "-" (57-NQ/TW), State ones with "/".
        joiner = "-" if "/" in self.symbol else "/"
        return f"{self.number}{joiner}{self.symbol}"

    @property
    def short(self) -> str:
        return f"{self.type} số {self.code}"

    @property
    def text(self) -> str:
        parts = [self.short]
        if self.date:
            parts.append(f"ngày {self.date}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)

    def iso_date(self) -> str | None:
        if not self.date:
            return None
        day, month, year = self.date.split("/")
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


@dataclass(frozen=True)
class Para:
    """A paragraph, or a list item when `marker` is set ("-", "+", "a)")."""

    text: str
    marker: str | None = None

    @property
    def rendered(self) -> str:
        return f"{self.marker} {self.text}" if self.marker else self.text


@dataclass(frozen=True)
class Section:
    number: str  # "I", "1"
    title: str
    blocks: tuple[Para, ...] = ()
    subsections: tuple[Section, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class TaskRow:
    tt: str
    task: str
    lead: str
    coordinate: str
    output: str
    deadline: str

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.tt, self.task, self.lead, self.coordinate, self.output, self.deadline)


@dataclass(frozen=True)
class TaskGroup:
    number: str  # "1"
    title: str
    rows: tuple[TaskRow, ...]


@dataclass(frozen=True)
class Appendix:
    label: str  # "Phụ lục" (or "Phụ lục I" when there are several)
    title: str
    attached_to: str  # "(Ban hành kèm theo Kế hoạch số ... )"
    groups: tuple[TaskGroup, ...]
    columns: tuple[str, ...] = APPENDIX_COLUMNS
    landscape: bool = False


AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


@dataclass(frozen=True)
class Signature:
    authority_line: str | None  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"; None when signing alone
    title: str  # "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TRƯỞNG TRẠM"
    name: str

    @property
    def authority(self) -> str | None:
        if not self.authority_line:
            return None
        prefix = self.authority_line.split()[0]
        return prefix if prefix in AUTHORITY_PREFIXES else None

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.authority_line, self.title, self.name) if line]


@dataclass(frozen=True)
class Plan:
    name: str  # file stem for samples: "plan_hoa_phong_cds"
    header_left: tuple[str, ...]  # issuer block as printed: ("ỦY BAN NHÂN DÂN", "XÃ HÒA PHONG")
    issuer: str
    issuer_parent: str | None
    number: str  # "12/KH-UBND"
    place: str
    date: str  # YYYY-MM-DD
    summary: tuple[str, ...]  # the trích yếu, broken into lines as the drafter did
    legal_basis: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: str
    signature: Signature
    recipients: tuple[str, ...]  # without the "- " marker
    appendices: tuple[Appendix, ...] = ()
    references: tuple[Ref, ...] = ()  # every document the text cites, in order of first mention
    document_type: str = "KẾ HOẠCH"
    motto: tuple[str, str] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

    @property
    def type_code(self) -> str:
        return self.number.split("/", 1)[1].split("-", 1)[0]

    @property
    def place_date_line(self) -> str:
        year, month, day = (int(part) for part in self.date.split("-"))
        # Decree 30: a leading zero for days below 10 and for months 1 and 2.
        day_text = f"{day:02d}"
        month_text = f"{month:02d}" if month < 3 else str(month)
        return f"{self.place}, ngày {day_text} tháng {month_text} năm {year}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}"
