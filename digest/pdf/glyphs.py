"""Positioned text runs of a page: what each text-showing operator draws, and where.

pypdf's plain text extraction merges a line's pieces and reports only where the merged text
starts, so side-by-side author columns arrive as one string and a bold word cannot be told from
its neighbours. The header reader needs the layout: for every string a Tj/TJ/'/" operator shows,
its text, left and right edge, baseline, effective font size, and the font's weight and slant.

The text state is followed here as the PDF reference describes it (CTM with q/Q and cm, the text
and line matrices with Tm/Td/TD/T*, Tc/Tw/Tz/TL/Ts), into Form XObjects (``Do``: some publishers
wrap the whole page in one). Decoding a string and measuring its glyphs is pypdf's: its layout
mode's ``Font`` (encoding, ToUnicode map, /Widths, /W, core metrics). That class is not public
API, so this module is the one place that touches it; pyproject pins pypdf below the next major
version and the corpus tests fail loudly if it moves.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, StreamObject

# pypdf's layout-mode font (see the module docstring): private, pinned, isolated here.
from pypdf.generic._font import Font

__all__ = ["Run", "page_runs"]

log = logging.getLogger(__name__)

MAX_FORM_DEPTH = 8  # Form XObjects nested deeper than this are not followed (cycles, bombs)
_BOLD_NAME = re.compile(
    r"bold|black|heavy|semibold|demi|medi(?:um)?\b|-medi|cmbx|cmb\d|\bbd\b|-bd|,bd|bdit|"
    r"extrabold|ultrabold|-sb\b|-b$|\.b$",
    re.IGNORECASE,
)
_ITALIC_NAME = re.compile(r"italic|oblique|ital\b|-it$|-it\b|cmti|cmmi|cmsl|slant|-i$", re.I)
_FORCE_BOLD = 1 << 18
_ITALIC_FLAG = 1 << 6
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True, slots=True)
class Run:
    """One string as drawn: its text, horizontal extent, baseline, size and font style."""

    text: str
    x0: float
    x1: float
    y: float  # baseline, page space, up is larger
    size: float  # effective font size (the font size through the text and CTM matrices)
    font: str  # base font name without a subset prefix ("Times-Bold")
    bold: bool
    italic: bool
    upright: bool = True  # False: rotated (a margin stamp); not part of the page's lines
    visible: bool = True  # False: drawn in an invisible rendering mode (Tr 3 or 7)


def _mult(m: Matrix, n: Matrix) -> Matrix:
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


class _State:
    """The graphics and text state a content stream changes (PDF 1.7 sections 8.4, 9.3, 9.4)."""

    def __init__(self) -> None:
        self.ctm: Matrix = _IDENTITY
        self.font: Font | None = None
        self.size = 0.0
        self.tc = self.tw = self.tl = self.ts = 0.0
        self.tz = 100.0
        self.render = 0  # Tr: 3 and 7 draw nothing (hidden text, an OCR layer under an image)
        self.tm: Matrix = _IDENTITY
        self.tlm: Matrix = _IDENTITY
        self.stack: list[tuple[Matrix, Font | None, float, tuple[float, ...]]] = []

    def save(self) -> None:
        params = (self.tc, self.tw, self.tz, self.tl, self.ts, float(self.render))
        self.stack.append((self.ctm, self.font, self.size, params))

    def restore(self) -> None:
        if self.stack:
            self.ctm, self.font, self.size, params = self.stack.pop()
            self.tc, self.tw, self.tz, self.tl, self.ts, render = params
            self.render = int(render)

    def move(self, tx: float, ty: float) -> None:
        self.tlm = _mult((1.0, 0.0, 0.0, 1.0, tx, ty), self.tlm)
        self.tm = self.tlm


def page_runs(page: PageObject) -> list[Run]:
    """Every string drawn on the page, in content order; rotated text (an arXiv stamp up the
    margin) is marked as not upright. Text with no usable font is skipped, and so is hidden
    text (see _without_hidden)."""
    runs: list[Run] = []
    contents = page.get("/Contents")
    if contents is None:
        return runs
    contents = contents.get_object()
    if not isinstance(contents, ArrayObject | StreamObject):
        return runs
    fonts = page._layout_mode_fonts()
    operations = ContentStream(contents, page.pdf, "bytes").operations
    styles: dict[int, tuple[str, bool, bool]] = {}
    _walk(operations, _State(), fonts, _resources(page), page, runs, styles, 0)
    return _without_hidden(runs)


def _without_hidden(runs: list[Run]) -> list[Run]:
    """Text drawn invisibly is hidden strings on a page of visible text (dropped), but the
    text layer of a scanned page that was OCRed (kept: it is all the text there is)."""
    hidden = sum(len(r.text) for r in runs if not r.visible)
    if not hidden:
        return runs
    shown = sum(len(r.text) for r in runs if r.visible)
    return [r for r in runs if r.visible] if shown >= hidden else runs


def _resources(node: Any) -> DictionaryObject:
    resources = node.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    return resources if isinstance(resources, DictionaryObject) else DictionaryObject()


def _walk(
    operations: list[tuple[list[Any], bytes]],
    state: _State,
    fonts: dict[str, Font],
    resources: DictionaryObject,
    page: PageObject,
    runs: list[Run],
    styles: dict[int, tuple[str, bool, bool]],
    depth: int,
) -> None:
    saved = 0  # q levels opened here, so an unbalanced Q never pops a caller's state
    for operands, op in operations:
        if op == b"q":
            state.save()
            saved += 1
        elif op == b"Q":
            if saved:
                state.restore()
                saved -= 1
        elif op == b"cm" and len(operands) >= 6:
            numbers = tuple(_number(o, 0.0) for o in operands[-6:])
            state.ctm = _mult(numbers, state.ctm)  # type: ignore[arg-type]
        elif op == b"BT":
            state.tm = state.tlm = _IDENTITY
        elif op == b"Tf" and operands:
            font = fonts.get(operands[0]) if isinstance(operands[0], str) else None
            state.font = font
            state.size = _number(operands[1] if len(operands) > 1 else None, state.size)
        elif op == b"Td" and len(operands) >= 2:
            state.move(_number(operands[0], 0.0), _number(operands[1], 0.0))
        elif op == b"TD" and len(operands) >= 2:
            state.tl = -_number(operands[1], 0.0)
            state.move(_number(operands[0], 0.0), _number(operands[1], 0.0))
        elif op == b"Tm" and len(operands) >= 6:
            state.tm = state.tlm = tuple(_number(o, 0.0) for o in operands[-6:])  # type: ignore[assignment]
        elif op == b"T*":
            state.move(0.0, -state.tl)
        elif op == b"Tj" and operands:
            _show(state, operands[0], runs, styles)
        elif op == b"TJ" and operands and isinstance(operands[0], ArrayObject):
            for item in operands[0]:
                if isinstance(item, str | bytes):
                    _show(state, item, runs, styles)
                elif isinstance(item, int | float):
                    shift = -float(item) / 1000.0 * state.size * state.tz / 100.0
                    state.tm = _mult((1.0, 0.0, 0.0, 1.0, shift, 0.0), state.tm)
        elif op in (b"'", b'"'):
            if op == b'"' and len(operands) >= 3:
                state.tw = _number(operands[0], state.tw)
                state.tc = _number(operands[1], state.tc)
            state.move(0.0, -state.tl)
            if operands:
                _show(state, operands[-1], runs, styles)
        elif op == b"Do" and operands and depth < MAX_FORM_DEPTH:
            _form(operands[0], state, fonts, resources, page, runs, styles, depth)
        elif op == b"Tr" and operands:
            state.render = int(_number(operands[0], 0.0))
        elif op in (b"Tc", b"Tw", b"Tz", b"TL", b"Ts") and operands:
            value = _number(operands[0], 0.0)
            if op == b"Tc":
                state.tc = value
            elif op == b"Tw":
                state.tw = value
            elif op == b"Tz":
                state.tz = value
            elif op == b"TL":
                state.tl = value
            else:
                state.ts = value
    while saved:
        state.restore()
        saved -= 1


def _decode(font: Font, value: str | bytes) -> tuple[str, str]:
    """(the text a string shows, the characters its widths are looked up by), as pypdf's
    layout mode decodes them."""
    if not isinstance(value, bytes):
        return value, value
    if isinstance(font.encoding, str):
        try:
            raw = value.decode(font.encoding, "surrogatepass")
        except UnicodeDecodeError:
            raw = value.decode(font.encoding, "replace")
        decoded = raw
    else:
        raw = "".join(chr(byte) for byte in value)
        decoded = "".join(font.encoding.get(byte, chr(byte)) for byte in value)
    mapping = font.character_map
    return "".join(mapping.get(c, c) for c in decoded), raw


def _show(
    state: _State, value: Any, runs: list[Run], styles: dict[int, tuple[str, bool, bool]]
) -> None:
    """Record one shown string and move the pen past it."""
    font = state.font
    if font is None or not isinstance(value, str | bytes):
        return
    text, raw = _decode(font, value)
    widths = font.character_widths
    default = widths.get("default", 500.0)
    width = 0.0
    spaces = 0
    for char in raw:
        if char == font.space_char:
            width += font.space_width
            spaces += 1
        else:
            width += widths.get(char, default)
    advance = (
        (state.size * width / 1000.0 + len(raw) * state.tc + spaces * state.tw) * state.tz / 100.0
    )
    m = _mult(state.tm, state.ctm)
    end = _mult((1.0, 0.0, 0.0, 1.0, advance, 0.0), m)
    if text and font.interpretable:
        name, bold, italic = _style(font, styles)
        height = state.size * math.hypot(m[1], m[3])
        upright = abs(m[1]) <= 0.02 * abs(m[0]) and m[0] > 0
        y = m[5] + state.ts * m[3]
        x0, x1 = sorted((m[4], end[4]))
        visible = state.render not in (3, 7)
        runs.append(Run(text, x0, x1, y, abs(height), name, bold, italic, upright, visible))
    state.tm = _mult((1.0, 0.0, 0.0, 1.0, advance, 0.0), state.tm)


def _style(font: Font, styles: dict[int, tuple[str, bool, bool]]) -> tuple[str, bool, bool]:
    """(name without subset prefix, bold, italic) of a font, from its name and descriptor."""
    key = id(font)
    if key not in styles:
        name = font.name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", font.name) else font.name
        descriptor = font.font_descriptor
        weight = _number(descriptor.weight, 0.0) if descriptor.weight != "Unknown" else 0.0
        bold = (
            bool(_BOLD_NAME.search(name)) or weight >= 600 or bool(descriptor.flags & _FORCE_BOLD)
        )
        italic = (
            bool(_ITALIC_NAME.search(name))
            or abs(descriptor.italic_angle) > 1
            or bool(descriptor.flags & _ITALIC_FLAG)
        )
        styles[key] = (name, bold, italic)
    return styles[key]


def _form(
    name: Any,
    state: _State,
    fonts: dict[str, Font],
    resources: DictionaryObject,
    page: PageObject,
    runs: list[Run],
    styles: dict[int, tuple[str, bool, bool]],
    depth: int,
) -> None:
    """Follow a Form XObject: its own fonts (else the caller's), its /Matrix, its content."""
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject) or name not in xobjects:
        return
    form = xobjects[name].get_object()
    if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
        return
    inner = _resources(form)
    form_fonts = dict(fonts)
    font_dict = inner.get("/Font")
    font_dict = font_dict.get_object() if font_dict is not None else None
    if isinstance(font_dict, DictionaryObject):
        for key, value in font_dict.items():
            obj = value.get_object()
            if isinstance(obj, DictionaryObject):
                try:
                    form_fonts[key] = Font.from_font_resource(obj)
                except Exception as err:  # a broken font costs its text, not the page
                    log.debug("font %s of a form not usable: %s", key, err)
    try:
        operations = ContentStream(form, page.pdf, "bytes").operations
    except Exception as err:
        log.debug("form %s not readable: %s", name, err)
        return
    state.save()
    matrix = form.get("/Matrix")
    if isinstance(matrix, ArrayObject) and len(matrix) == 6:
        numbers = tuple(_number(v, 0.0) for v in matrix)
        state.ctm = _mult(numbers, state.ctm)  # type: ignore[arg-type]
    tm, tlm = state.tm, state.tlm
    _walk(operations, state, form_fonts, inner or resources, page, runs, styles, depth + 1)
    state.restore()
    state.tm, state.tlm = tm, tlm


def _number(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default
