"""Exact extractable text in every script: ``/ActualText`` where WeasyPrint's font map is wrong.

WeasyPrint 70 writes one ToUnicode entry per glyph, taken from the first cluster the
glyph is drawn in. Where shaping reorders or merges characters (Devanagari pre-base
vowel signs, half forms, conjuncts), a glyph's entry then spells part of another word
and text extraction, copy and paste and screen readers get other text than is printed.

After WeasyPrint has drawn a line (``weasyprint.draw.text.draw_first_line``), this
module reads the same Pango glyph clusters back, finds each cluster whose glyphs, as the
PDF's font map will state them, do not spell the cluster's characters in order (or end
on a mark drawn back over its base, where extractors would see a word break), and wraps
each run of such glyphs in marked content (ISO 32000-1, 14.9.4)::

    /Span <</MCID 7>> BDC          WeasyPrint's, one per text box: the structure tree
      BT ... [<0041>] TJ
      /Span <</ActualText <FEFF...>>> BDC  [<01a2 0153>] TJ  EMC     ours
      ... ET
    EMC

The inner sequence carries no MCID, so it belongs to the outer one's structure
element and the structure tree is unchanged. The glyph codes WeasyPrint wrote are
checked one by one against the clusters: if WeasyPrint ever draws differently, the
build fails with ``HookError`` rather than mislabel text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pydyf
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

TJ: Final = re.compile(rb"\[(.*)\] TJ", re.DOTALL)
# What WeasyPrint puts in a TJ array: hex glyph codes and numeric position adjustments.
TJ_TOKEN: Final = re.compile(rb"\s*(?:<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?))\s*")


# Thousandths of an em, with a margin, around poppler's word-breaking thresholds (see
# _ends_flush): a gap it reads as a space, glyphs it takes as overprinted, a word break.
GAP: Final = 20  # poppler: 30
NEAR: Final = 120  # poppler: 100
FAR: Final = 80  # poppler: 100


class HookError(RuntimeError):
    """WeasyPrint no longer draws text the way this extension reads it back."""


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph code as drawn, and the ActualText span it opens or closes, if any."""

    gid: int
    digits: int  # hex digits of its code: 2 in bitmap fonts, 4 otherwise
    opens: str | None = None  # the ActualText of a span starting at this glyph
    closes: bool = False  # a span ends after this glyph


@dataclass(frozen=True, slots=True)
class Cluster:
    """Glyphs that shape one group of characters, in drawing order."""

    gids: tuple[int, ...]
    start: int  # byte offsets of its characters in the line's UTF-8 text
    end: int
    exact: bool  # the font map of its glyphs, in drawing order, spells its characters
    flush: bool = True  # its last glyph, as drawn, reaches where the next glyph starts


def spans(clusters: Sequence[Cluster], text: bytes, digits: int) -> Iterator[Glyph]:
    """The glyphs of one run, each run of inexact clusters marked as one ActualText span."""
    index = 0
    while index < len(clusters):
        cluster = clusters[index]
        if (cluster.exact and cluster.flush) or not cluster.gids:
            yield from (Glyph(gid, digits) for gid in cluster.gids)
            index += 1
            continue
        end = index
        # A span ending on a mark drawn back over its base would leave a gap before the
        # next glyph, which extractors read as a space: such a span takes in the next
        # cluster too (and so does a plain cluster ending that way).
        while end + 1 < len(clusters) and (not clusters[end].flush
                                           or not clusters[end + 1].exact):
            end += 1
        group = clusters[index:end + 1]
        gids = [gid for c in group for gid in c.gids]
        # Neighbouring clusters in one run are neighbours in the text, in either direction.
        actual = text[min(c.start for c in group):max(c.end for c in group)].decode()
        for position, gid in enumerate(gids):
            yield Glyph(gid, digits, opens=actual if position == 0 else None,
                        closes=position == len(gids) - 1)
        index = end + 1


def mark(operators: Sequence[Any], glyphs: Sequence[Glyph]) -> list[Any]:
    """``operators`` with the ActualText spans of ``glyphs`` around their glyph codes.

    ``glyphs`` lists every code the ``TJ`` operators show, in order; a ``TJ`` is split
    where a span begins or ends (splitting a ``TJ`` does not move any glyph).
    """
    marked: list[Any] = []
    queue = iter(glyphs)
    for operator in operators:
        found = TJ.fullmatch(operator) if isinstance(operator, bytes) else None
        if found is None:
            marked.append(operator)
            continue
        _split_show(found.group(1), queue, marked)
    if next(queue, None) is not None:
        raise HookError("WeasyPrint drew fewer glyphs than Pango shaped")
    return marked


def _split_show(array: bytes, queue: Iterator[Glyph], marked: list[Any]) -> None:
    """One ``TJ`` array as one or more ``TJ`` operators with the spans between them."""
    part: list[bytes] = []

    def flush() -> None:
        if part:
            marked.append(b"[" + b"".join(part) + b"] TJ")
            part.clear()

    position = 0
    for token in TJ_TOKEN.finditer(array):
        if token.start() != position:
            raise HookError(f"unexpected text in a TJ array: {array!r}")
        position = token.end()
        codes = token.group(1)
        if codes is None:
            part.append(b" " + token.group(2) + b" ")
            continue
        while codes:
            glyph = next(queue, None)
            if glyph is None or int(codes[:glyph.digits], 16) != glyph.gid:
                raise HookError(f"glyph codes {codes!r} are not the glyphs Pango shaped")
            if glyph.opens is not None:
                flush()
                marked += [b"/Span", pydyf.Dictionary(
                    {"ActualText": pydyf.String(glyph.opens)}), b"BDC"]
            part.append(b"<" + codes[:glyph.digits] + b">")
            codes = codes[glyph.digits:]
            if glyph.closes:
                flush()
                marked.append(b"EMC")
    if position != len(array):
        raise HookError(f"unexpected text in a TJ array: {array!r}")
    flush()


def line_glyphs(stream: Any, textbox: Any) -> list[Glyph]:
    """Every glyph code WeasyPrint drew for ``textbox``'s first line, with its spans."""
    line = pango.pango_layout_get_line_readonly(textbox.pango_layout.layout, 0)
    text = textbox.pango_layout.text.encode()
    glyphs: list[Glyph] = []
    run = line.runs
    while run != ffi.NULL:
        font, size = stream.add_font(run.data.item.analysis.font)  # WeasyPrint's, cached
        clusters = _clusters(run.data, font, size, text)
        glyphs += spans(clusters, text, 2 if font.bitmap else 4)
        run = run.next
    return glyphs


def _clusters(glyph_item: Any, font: Any, size: float, text: bytes) -> list[Cluster]:
    """A Pango run's glyph clusters in drawing order, judged against ``font``'s map."""
    item, string = glyph_item.item, glyph_item.glyphs
    count = string.num_glyphs
    starts = ffi.unpack(string.log_clusters, count)
    # (code drawn or None, Pango's advance, x offset) of each glyph, read from C once.
    glyphs = [(_drawn(font, info.glyph), info.geometry.width, info.geometry.x_offset)
              for info in (string.glyphs[i] for i in range(count))]
    rtl = item.analysis.level % 2 == 1
    clusters = []
    first = 0
    while first < count:
        last = first
        while last + 1 < count and starts[last + 1] == starts[first]:
            last += 1
        # A cluster ends where the next one in logical order starts: to the right in
        # left-to-right runs, to the left (drawn before it) in right-to-left ones.
        if rtl:
            end = starts[first - 1] if first > 0 else item.length
        else:
            end = starts[last + 1] if last + 1 < count else item.length
        drawn = [(gid, advance, offset) for gid, advance, offset in glyphs[first:last + 1]
                 if gid is not None]
        gids = tuple(gid for gid, _advance, _offset in drawn)
        start, end = item.offset + starts[first], item.offset + end
        mapped = [font.to_unicode.get(gid, "") for gid in gids]
        exact = all(mapped) and "".join(mapped) == text[start:end].decode()
        # Right to left, extractors reverse a span's characters as they do a ligature's
        # (poppler does), so there only a wrong map is worth a span.
        flush = rtl or not drawn or _ends_flush(font, size, *drawn[-1])
        clusters.append(Cluster(gids, start, end, exact, flush))
        first = last + 1
    return clusters


def _ends_flush(font: Any, size: float, gid: int, advance: int, x_offset: int) -> bool:
    """Whether extractors will read a glyph and the next one as one word.

    In thousandths of an em, as WeasyPrint draws it, the glyph starts at its x offset
    and advances by its width in the font; the next glyph starts where Pango's pen
    goes on. poppler ends a word at a glyph starting within 0.1 em of the previous
    one's start (as if overprinted) or more than 0.1 em past its end, and then writes
    a space if the gap is 0.03 em or more: so a zero-width mark drawn back over its
    base splits a word, a wide glyph with a little extra space after it does not.
    """
    pen = advance * 1000 * FROM_UNITS / size
    reach = pen - x_offset / size  # from where it is drawn to where the next glyph starts
    short = reach - font.widths.get(gid, reach)  # from where it ends to the next glyph
    return bool(short < GAP or (reach > NEAR and short < FAR))


def _drawn(font: Any, glyph: int) -> int | None:
    """The code WeasyPrint writes for a Pango glyph (None: it writes none)."""
    if glyph == pango.PANGO_GLYPH_EMPTY:
        return None
    if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
        # WeasyPrint already asked for this one, so this only looks the code up.
        return int(font.get_unused_glyph_id(glyph - pango.PANGO_GLYPH_UNKNOWN_FLAG))
    return glyph


DrawLine = Callable[..., Any]


def with_actual_text(draw_first_line: DrawLine) -> DrawLine:
    """Wrap WeasyPrint's line drawing so that every inexact glyph run gets its ActualText."""
    def draw_with_actual_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        start = len(stream.stream)
        result = draw_first_line(stream, textbox, *args, **kwargs)
        drawn = stream.stream[start:]
        if any(isinstance(op, bytes) and op.endswith(b"] TJ") for op in drawn):
            stream.stream[start:] = mark(drawn, line_glyphs(stream, textbox))
        return result

    draw_with_actual_text.wraps = draw_first_line  # type: ignore[attr-defined]
    return draw_with_actual_text


def install() -> None:
    """Put the wrapper in place of WeasyPrint's ``draw_first_line`` (once)."""
    current = getattr(weasy_text, "draw_first_line", None)
    if current is None:
        raise HookError("weasyprint.draw.text.draw_first_line is gone: update actualtext.py")
    if not hasattr(current, "wraps"):
        weasy_text.draw_first_line = with_actual_text(current)


def installed() -> bool:
    """Whether WeasyPrint's text drawing is currently the wrapped one."""
    return hasattr(weasy_text.draw_first_line, "wraps")
