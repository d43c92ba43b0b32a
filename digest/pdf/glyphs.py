"""Positioned text runs of a page: what each text-showing operator draws, and where.

pypdf's plain text extraction merges a line's pieces and reports only where the merged text
starts, so side-by-side author columns arrive as one string and a bold word cannot be told from
its neighbours. The header reader needs the layout: for every string a Tj/TJ/'/" operator shows,
its text, left and right edge, baseline, effective font size, and the font's weight and slant.

pypdf computes exactly this for its "layout" extraction mode (glyph widths from the font's
/Widths, /W or the core font metrics; the text state Tc/Tw/Tz/Ts; the cm/Tm matrices). That
machinery is not public API, so this module is the one place that touches it; pyproject pins
pypdf below the next major version and the corpus tests fail loudly if it moves. Unlike pypdf's
layout mode, text inside Form XObjects (``Do``) is followed too: some publishers wrap the whole
page in one.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject

# pypdf's layout-mode text state (see the module docstring): private, pinned, isolated here.
from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
from pypdf._text_extraction._layout_mode._text_state_params import TextStateParams
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, StreamObject
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


def page_runs(page: PageObject) -> list[Run]:
    """Every string drawn on the page, in content order; rotated text (an arXiv stamp up the
    margin) is marked as not upright. Text with no usable font is skipped."""
    runs: list[Run] = []
    styles: dict[int, tuple[str, bool, bool]] = {}
    contents = page.get("/Contents")
    if contents is None:
        return runs
    contents = contents.get_object()
    if not isinstance(contents, ArrayObject | StreamObject):
        return runs
    fonts = page._layout_mode_fonts()
    operations = ContentStream(contents, page.pdf, "bytes").operations
    resources = _resources(page)
    _walk(operations, TextStateManager(), fonts, resources, page, runs, styles, 0)
    return runs


def _resources(node: Any) -> DictionaryObject:
    resources = node.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    return resources if isinstance(resources, DictionaryObject) else DictionaryObject()


def _walk(
    operations: list[tuple[list[Any], bytes]],
    state: TextStateManager,
    fonts: dict[str, Font],
    resources: DictionaryObject,
    page: PageObject,
    runs: list[Run],
    styles: dict[int, tuple[str, bool, bool]],
    depth: int,
) -> None:
    """Follow the operators that move text and draw it (as pypdf's layout mode does), plus
    Form XObjects."""
    saved = 0  # q levels opened here, so an unbalanced Q never pops a caller's state
    for operands, op in operations:
        if op == b"q":
            state.add_q()
            saved += 1
        elif op == b"Q":
            if saved:
                state.remove_q()
                saved -= 1
        elif op == b"cm" and len(operands) >= 6:
            state.add_cm(*operands)
        elif op in (b"BT", b"ET"):
            state.reset_tm()
        elif op == b"Tf" and operands:
            font = fonts.get(operands[0]) if isinstance(operands[0], str) else None
            size = _number(operands[1] if len(operands) > 1 else None, state.font_size)
            state.set_font(font or Font("Unknown", encoding={}, interpretable=False), size)
        elif op in (b"Td", b"TD", b"Tm", b"T*"):
            _move(state, op, operands)
        elif op == b"Tj" and operands:
            _show(state, operands[0], runs, styles)
        elif op == b"TJ" and operands and isinstance(operands[0], ArrayObject):
            _show_array(state, operands[0], runs, styles)
        elif op in (b"'", b'"'):
            if op == b'"' and len(operands) >= 3:
                state.set_state_param(b"Tw", operands[0])
                state.set_state_param(b"Tc", operands[1])
            state.reset_trm()
            state.add_tm([0, -state.TL])
            if operands:
                _show(state, operands[-1], runs, styles)
        elif op == b"Do" and operands and depth < MAX_FORM_DEPTH:
            _form(operands[0], state, fonts, resources, page, runs, styles, depth)
        elif op in (b"Tc", b"Tw", b"Tz", b"TL", b"Ts"):
            state.set_state_param(op, operands)
    while saved:
        state.remove_q()
        saved -= 1


def _move(state: TextStateManager, op: bytes, operands: list[Any]) -> None:
    state.reset_trm()
    if op == b"Tm":
        state.reset_tm()
    elif op == b"TD" and len(operands) >= 2:
        state.set_state_param(b"TL", -_number(operands[1], 0.0))
    elif op == b"T*":
        operands = [0, -state.TL]
    numbers = [_number(o, 0.0) for o in operands]
    if len(numbers) in (2, 6):
        state.add_tm(numbers)


def _show(
    state: TextStateManager, value: Any, runs: list[Run], styles: dict[int, tuple[str, bool, bool]]
) -> TextStateParams | None:
    if not isinstance(value, str | bytes) or state.font is None:
        return None
    params = state.text_state_params(value)
    _record(params, runs, styles)
    return params


def _show_array(
    state: TextStateManager,
    items: ArrayObject,
    runs: list[Run],
    styles: dict[int, tuple[str, bool, bool]],
) -> None:
    if state.font is None:
        return
    last = state.text_state_params()
    for item in items:
        if isinstance(item, str | bytes):
            last = state.text_state_params(item)
            _record(last, runs, styles)
        elif isinstance(item, int | float):
            state.add_trm(last.displacement_matrix(td_offset=float(item)))


def _record(
    params: TextStateParams, runs: list[Run], styles: dict[int, tuple[str, bool, bool]]
) -> None:
    """Keep one shown string as a Run, and move the pen past it (as the text state does)."""
    text = params.text
    if text and params.font.interpretable:
        name, bold, italic = _style(params.font, styles)
        x0, x1 = sorted((params.tx, params.displaced_tx))
        upright = not params.rotated
        runs.append(
            Run(text, x0, x1, params.ty, abs(params.font_height), name, bold, italic, upright)
        )


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
    state: TextStateManager,
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
    state.add_q()
    matrix = form.get("/Matrix")
    if isinstance(matrix, ArrayObject) and len(matrix) == 6:
        state.add_cm(*[_number(v, 0.0) for v in matrix])
    _walk(
        operations, state, form_fonts, inner if inner else resources, page, runs, styles, depth + 1
    )
    state.remove_q()


def _number(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default
