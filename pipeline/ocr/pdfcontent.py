"""What a PDF page draws, read from its content stream (parsed by pikepdf, nothing rendered):
how much text, visible or not, in which fonts and over how much of the page, and how much of
the page images cover. Form XObjects are followed; annotations are drawn from their
appearance streams, as viewers and pdftotext do (a digital signature's "Ký bởi: …" box is one).

Areas are estimates, fine enough to tell a page of text from a scan: a run of text covers its
advance width by one em; an image, the bounding box of its unit square on the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pikepdf

from pipeline.errors import CorruptInput

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# Render modes that paint nothing: 3 (what OCR tools draw their text layer in) and 7 (clip).
INVISIBLE_RENDER_MODES = (3, 7)
# An opaque image drawn over at least this share of the page hides the text drawn before it
# (some tools put their OCR text under the scan instead of making it invisible).
HIDING_IMAGE_SHARE = 0.9
# Image coverage is counted on a GRID x GRID raster of the page, so overlapping images (a
# scan and its mask) count once.
GRID = 64
# Form XObjects inside form XObjects: deeper nesting is not followed (nor are cycles).
MAX_FORM_DEPTH = 12
# A glyph box: from the baseline this far down and up, in em.
DESCENT_EM, ASCENT_EM = 0.2, 0.8
# Width of a glyph whose font gives none (the 14 standard fonts give none), in em.
DEFAULT_WIDTH_EM = 0.5

_ANNOTATION_HIDDEN = 2 | 32  # the Hidden and NoView flags
_NUMBER = (int, float, Decimal)  # numbers as pikepdf gives operands


@dataclass(frozen=True)
class PageDrawing:
    visible_chars: int
    invisible_chars: int  # in render mode 3 or 7, or under a later opaque full-page image
    visible_text_share: float  # of the page, the visible text's boxes summed (capped at 1)
    image_share: float  # of the page, covered by images
    fonts: dict[str, int]  # font name (BaseFont) -> characters shown in it

    @property
    def chars(self) -> int:
        return self.visible_chars + self.invisible_chars


def measure_page(path: Path, number: int) -> PageDrawing:
    """What page `number` (1-based) of the PDF draws."""
    with open_pdf(path) as pdf:
        return measure(pdf.pages[number - 1])


def open_pdf(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except (pikepdf.PdfError, pikepdf.PasswordError, OSError) as exc:
        raise CorruptInput(f"{path.name}: not a readable PDF ({exc})") from exc


def measure(page: pikepdf.Page) -> PageDrawing:
    painter = _Painter(_page_box(page))
    painter.draw(page.obj, _inherited(page.obj, "/Resources"), _State(), depth=0)
    for annotation in page.obj.get("/Annots", pikepdf.Array()):
        appearance = _annotation_appearance(annotation)
        if appearance is not None:
            ctm = multiply(_form_matrix(appearance), _annotation_matrix(annotation, appearance))
            painter.draw(appearance, appearance.get("/Resources"), _State(ctm=ctm), depth=1)
    return painter.drawing()


def save_visible_text_page(path: Path, number: int, out: Path) -> None:
    """Page `number` alone, saved to `out` without the text it draws invisibly: what pdftotext
    should read of a scan that carries another program's OCR under an overlay (that OCR sits
    where the overlay is, and would mix into its words)."""
    with open_pdf(path) as pdf:
        keep = pdf.pages[number - 1]
        for index in reversed(range(len(pdf.pages))):
            if index != number - 1:
                del pdf.pages[index]
        contents = keep.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        keep.obj.Contents = pikepdf.Stream(pdf, b"\n".join(
            _visible_only(stream) for stream in streams if isinstance(stream, pikepdf.Stream)))
        for form in _forms_of(keep.obj, _inherited(keep.obj, "/Resources")):
            form.write(_visible_only(form))
        pdf.save(out)


def _visible_only(stream) -> bytes:
    """A content stream's instructions but the text it shows in an invisible render mode."""
    try:
        instructions = pikepdf.parse_content_stream(stream)
    except pikepdf.PdfError:
        return stream.read_bytes() if isinstance(stream, pikepdf.Stream) else b""
    kept, mode, stack = [], 0, []
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator == "q":
            stack.append(mode)
        elif operator == "Q":
            mode = stack.pop() if stack else mode
        elif operator == "Tr" and instruction.operands:
            mode = int(instruction.operands[0])
        elif operator in _SHOW_OPERATORS and mode in INVISIBLE_RENDER_MODES:
            if operator in ("'", '"'):  # they also go to the next line: keep that
                kept.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
            continue
        kept.append(instruction)
    return pikepdf.unparse_content_stream(kept)


def _forms_of(owner, resources, depth: int = 0, seen: set | None = None) -> list[pikepdf.Stream]:
    """The form XObjects a page or form draws, and theirs, each once."""
    seen = set() if seen is None else seen
    forms = []
    if not isinstance(resources, pikepdf.Dictionary) or depth >= MAX_FORM_DEPTH:
        return forms
    for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form" \
                and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            forms.append(xobject)
            forms += _forms_of(xobject, xobject.get("/Resources"), depth + 1, seen)
    return forms


def fonts_in(page: pikepdf.Page) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(BaseFont name, font dictionary) of every font the page's content, its forms and its
    annotations' appearances may use."""
    seen: set[tuple[int, int]] = set()
    resources = [_inherited(page.obj, "/Resources")]
    for annotation in page.obj.get("/Annots", pikepdf.Array()):
        appearance = _annotation_appearance(annotation)
        if appearance is not None:
            resources.append(appearance.get("/Resources"))
    while resources:
        found = resources.pop()
        if not isinstance(found, pikepdf.Dictionary) or _seen(found, seen):
            continue
        for font in found.get("/Font", pikepdf.Dictionary()).values():
            if isinstance(font, pikepdf.Dictionary):
                yield font_name(font), font
        for xobject in found.get("/XObject", pikepdf.Dictionary()).values():
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                resources.append(xobject.get("/Resources"))


def font_name(font: pikepdf.Dictionary) -> str:
    return str(font.get("/BaseFont", font.get("/Subtype", ""))).lstrip("/")


# -- geometry ----------------------------------------------------------------------------------

def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The transformation `first`, then `then` (PDF's row-vector order: first x then)."""
    a, b, c, d, e, f = first
    p, q, r, s, t, u = then
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def translate(tx: float, ty: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


def bounding_box(corners: list[tuple[float, float]], matrix: Matrix) -> tuple[float, ...]:
    """(left, bottom, right, top) of the points mapped by `matrix`."""
    a, b, c, d, e, f = matrix
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


# -- the painter: walks content streams, keeps the tally ----------------------------------------

@dataclass(frozen=True)
class _State:
    """The graphics state this needs (text state parameters are part of it, as in PDF)."""

    ctm: Matrix = IDENTITY
    font: pikepdf.Dictionary | None = None
    font_size: float = 0.0
    render_mode: int = 0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scaling: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass(frozen=True)
class _Font:
    name: str
    code_length: int  # bytes a character code takes: 1, or 2 in composite (Type0) fonts
    widths: dict[int, float]  # code -> advance width in em
    default_width: float


@dataclass
class _Painter:
    box: tuple[float, float, float, float]  # the page: left, bottom, right, top
    visible_chars: int = 0
    invisible_chars: int = 0
    visible_text_area: float = 0.0
    fonts: Counter = field(default_factory=Counter)
    images: np.ndarray = field(default_factory=lambda: np.zeros((GRID, GRID), dtype=bool))
    text_matrix: Matrix = IDENTITY
    line_matrix: Matrix = IDENTITY
    _font_cache: dict = field(default_factory=dict)

    def drawing(self) -> PageDrawing:
        return PageDrawing(
            visible_chars=self.visible_chars, invisible_chars=self.invisible_chars,
            visible_text_share=min(1.0, self.visible_text_area / self._area()),
            image_share=float(self.images.mean()), fonts=dict(self.fonts),
        )

    def draw(self, stream, resources, state: _State, depth: int,
             forms: frozenset = frozenset()) -> None:
        """Paint one content stream (a page or a form) with its resources."""
        try:
            instructions = pikepdf.parse_content_stream(stream)
        except pikepdf.PdfError:
            return  # an unreadable stream draws nothing we can measure
        stack: list[_State] = []
        resources = resources if isinstance(resources, pikepdf.Dictionary) else pikepdf.Dictionary()
        for instruction in instructions:
            operator, operands = str(instruction.operator), list(instruction.operands)
            if operator == "q":
                stack.append(state)
            elif operator == "Q":
                state = stack.pop() if stack else state
            elif operator == "Do" and operands:
                self._do(resources.get("/XObject", pikepdf.Dictionary()).get(operands[0]),
                         resources, state, depth, forms)
            elif operator == "INLINE IMAGE":
                self._image(state.ctm, hides=False)
            else:
                state = self._operator(operator, operands, state, resources)

    def _operator(self, operator: str, operands: list, state: _State, resources) -> _State:
        """Graphics and text state changes, and text shown; returns the new state."""
        numbers = [float(x) for x in operands if isinstance(x, _NUMBER)]
        if operator == "cm" and len(numbers) == 6:
            return replace(state, ctm=multiply(tuple(numbers), state.ctm))
        if operator == "BT":
            self.text_matrix = self.line_matrix = IDENTITY
        elif operator == "Tf" and len(operands) == 2:
            font = resources.get("/Font", pikepdf.Dictionary()).get(operands[0])
            return replace(state, font=font, font_size=float(operands[1]))
        elif operator in _STATE_OPERATORS and numbers:
            field_name, scale = _STATE_OPERATORS[operator]
            return replace(state, **{field_name: numbers[0] * scale})
        elif operator in ("Td", "TD") and len(numbers) == 2:
            if operator == "TD":
                state = replace(state, leading=-numbers[1])
            self._next_line(*numbers)
        elif operator == "Tm" and len(numbers) == 6:
            self.text_matrix = self.line_matrix = tuple(numbers)
        elif operator == "T*":
            self._next_line(0.0, -state.leading)
        elif operator == "Tj" and operands:
            self._show(bytes(operands[0]), state)
        elif operator == "TJ" and operands:
            self._show_array(operands[0], state)
        elif operator == "'" and operands:
            self._next_line(0.0, -state.leading)
            self._show(bytes(operands[0]), state)
        elif operator == '"' and len(operands) == 3:
            state = replace(state, word_spacing=float(operands[0]),
                            char_spacing=float(operands[1]))
            self._next_line(0.0, -state.leading)
            self._show(bytes(operands[2]), state)
        return state

    def _next_line(self, tx: float, ty: float) -> None:
        self.line_matrix = multiply(translate(tx, ty), self.line_matrix)
        self.text_matrix = self.line_matrix

    def _show_array(self, array, state: _State) -> None:
        for item in array:
            if isinstance(item, pikepdf.String):
                self._show(bytes(item), state)
            elif isinstance(item, _NUMBER):
                shift = -float(item) / 1000 * state.font_size * state.scaling
                self.text_matrix = multiply(translate(shift, 0.0), self.text_matrix)

    def _show(self, data: bytes, state: _State) -> None:
        """A string shown: counted, its box measured, the text position moved past it."""
        if state.font is None or not data:
            return
        font = self._font(state.font)
        codes = [int.from_bytes(data[i:i + font.code_length], "big")
                 for i in range(0, len(data), font.code_length)]
        width_em = sum(font.widths.get(code, font.default_width) for code in codes)
        spaces = codes.count(32) if font.code_length == 1 else 0
        advance = (width_em * state.font_size + len(codes) * state.char_spacing
                   + spaces * state.word_spacing) * state.scaling
        low = state.rise - DESCENT_EM * state.font_size
        high = state.rise + ASCENT_EM * state.font_size
        corners = [(0.0, low), (advance, low), (0.0, high), (advance, high)]
        box = bounding_box(corners, multiply(self.text_matrix, state.ctm))
        self.fonts[font.name] += len(codes)
        if state.render_mode in INVISIBLE_RENDER_MODES:
            self.invisible_chars += len(codes)
        else:
            self.visible_chars += len(codes)
            self.visible_text_area += self._clipped_area(box)
        self.text_matrix = multiply(translate(advance, 0.0), self.text_matrix)

    def _do(self, xobject, resources, state: _State, depth: int, forms: frozenset) -> None:
        if not isinstance(xobject, pikepdf.Stream):
            return
        if xobject.get("/Subtype") == "/Image":
            opaque = not any(key in xobject for key in ("/SMask", "/Mask")) \
                and not xobject.get("/ImageMask", False)
            self._image(state.ctm, hides=opaque)
        elif xobject.get("/Subtype") == "/Form" and depth < MAX_FORM_DEPTH:
            key = xobject.objgen
            if key in forms:
                return
            ctm = multiply(_form_matrix(xobject), state.ctm)
            self.draw(xobject, xobject.get("/Resources", resources), replace(state, ctm=ctm),
                      depth + 1, forms | {key})

    def _image(self, ctm: Matrix, hides: bool) -> None:
        """An image: the unit square mapped by the CTM."""
        left, bottom, right, top = bounding_box([(0, 0), (1, 0), (0, 1), (1, 1)], ctm)
        page_left, page_bottom, page_right, page_top = self.box
        cell_w = (page_right - page_left) / GRID
        cell_h = (page_top - page_bottom) / GRID
        # Cells whose centres the image covers.
        x0 = max(0, int(np.ceil((left - page_left) / cell_w - 0.5)))
        x1 = min(GRID, int(np.floor((right - page_left) / cell_w - 0.5)) + 1)
        y0 = max(0, int(np.ceil((bottom - page_bottom) / cell_h - 0.5)))
        y1 = min(GRID, int(np.floor((top - page_bottom) / cell_h - 0.5)) + 1)
        if x0 < x1 and y0 < y1:
            self.images[y0:y1, x0:x1] = True
        if hides and self._clipped_area((left, bottom, right, top)) \
                >= HIDING_IMAGE_SHARE * self._area():
            self.invisible_chars += self.visible_chars
            self.visible_chars, self.visible_text_area = 0, 0.0

    def _font(self, font: pikepdf.Dictionary) -> _Font:
        key = font.objgen if font.is_indirect else id(font)
        if key not in self._font_cache:
            self._font_cache[key] = _font_metrics(font)
        return self._font_cache[key]

    def _clipped_area(self, box: tuple[float, ...]) -> float:
        left, bottom, right, top = box
        page_left, page_bottom, page_right, page_top = self.box
        width = min(right, page_right) - max(left, page_left)
        height = min(top, page_top) - max(bottom, page_bottom)
        return max(0.0, width) * max(0.0, height)

    def _area(self) -> float:
        left, bottom, right, top = self.box
        return max(1.0, (right - left) * (top - bottom))


# Operators that set one state parameter: (field, factor).
_SHOW_OPERATORS = ("Tj", "TJ", "'", '"')
_STATE_OPERATORS = {
    "Tr": ("render_mode", 1), "Tc": ("char_spacing", 1.0), "Tw": ("word_spacing", 1.0),
    "Tz": ("scaling", 0.01), "TL": ("leading", 1.0), "Ts": ("rise", 1.0),
}


def _font_metrics(font: pikepdf.Dictionary) -> _Font:
    """Advance widths (em) of a font's codes: /Widths of simple fonts (/FontMatrix-scaled in
    Type3 fonts), /W and /DW of a composite font's descendant."""
    name = font_name(font)
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts", pikepdf.Array())
        cid_font = descendants[0] if len(descendants) else pikepdf.Dictionary()
        default = float(cid_font.get("/DW", 1000)) / 1000
        return _Font(name, 2, _cid_widths(cid_font.get("/W", pikepdf.Array())), default)
    scale = 0.001
    if font.get("/Subtype") == "/Type3":
        scale = float(font.get("/FontMatrix", [0.001])[0])
    first = int(font.get("/FirstChar", 0))
    widths = {first + i: float(w) * scale for i, w in enumerate(font.get("/Widths", []))}
    descriptor = font.get("/FontDescriptor", pikepdf.Dictionary())
    missing = float(descriptor.get("/MissingWidth", 0)) * scale
    return _Font(name, 1, widths, missing or DEFAULT_WIDTH_EM)


def _cid_widths(array) -> dict[int, float]:
    """A /W array: `c [w1 w2 …]` gives codes c, c+1, …; `c_first c_last w` gives a range."""
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = float(width) / 1000
            i += 2
        elif i + 2 < len(items):
            for code in range(first, min(int(items[i + 1]), first + 0xFFFF) + 1):
                widths[code] = float(items[i + 2]) / 1000
            i += 3
        else:
            break
    return widths


def _seen(obj, seen: set) -> bool:
    """Whether an indirect object was met before (and remember it)."""
    if not obj.is_indirect:
        return False
    if obj.objgen in seen:
        return True
    seen.add(obj.objgen)
    return False


def _page_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the visible page, at least a point wide and high."""
    left, bottom, right, top = (float(v) for v in page.cropbox)
    left, right = min(left, right), max(left, right, min(left, right) + 1)
    bottom, top = min(bottom, top), max(bottom, top, min(bottom, top) + 1)
    return left, bottom, right, top


def _inherited(page: pikepdf.Dictionary, key: str):
    """A page attribute, looked up in its ancestors too (Resources may be inherited)."""
    node, depth = page, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def _annotation_appearance(annotation) -> pikepdf.Stream | None:
    """The normal appearance stream an annotation is drawn with, unless it is hidden."""
    if not isinstance(annotation, pikepdf.Dictionary):
        return None
    if int(annotation.get("/F", 0)) & _ANNOTATION_HIDDEN:
        return None
    normal = annotation.get("/AP", pikepdf.Dictionary()).get("/N")
    if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
        normal = normal.get(annotation.get("/AS", pikepdf.Name.Off))
    return normal if isinstance(normal, pikepdf.Stream) else None


def _form_matrix(form: pikepdf.Stream) -> Matrix:
    values = [float(v) for v in form.get("/Matrix", IDENTITY)]
    return tuple(values) if len(values) == 6 else IDENTITY


def _annotation_matrix(annotation, appearance: pikepdf.Stream) -> Matrix:
    """The matrix that fits the appearance's box (as its /Matrix maps it) into the
    annotation's /Rect (PDF 32000 12.5.5)."""
    try:
        rect = [float(v) for v in annotation.Rect]
        bbox = [float(v) for v in appearance.BBox]
    except (AttributeError, ValueError, TypeError):
        return IDENTITY
    corners = [(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])]
    left, bottom, right, top = bounding_box(corners, _form_matrix(appearance))
    rect_left, rect_right = min(rect[0], rect[2]), max(rect[0], rect[2])
    rect_bottom, rect_top = min(rect[1], rect[3]), max(rect[1], rect[3])
    scale_x = (rect_right - rect_left) / (right - left) if right > left else 1.0
    scale_y = (rect_top - rect_bottom) / (top - bottom) if top > bottom else 1.0
    return (scale_x, 0.0, 0.0, scale_y, rect_left - left * scale_x, rect_bottom - bottom * scale_y)
