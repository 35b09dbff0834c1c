"""One structure element per HTML element, however many pages or lines it runs over.

WeasyPrint 70 builds the PDF's structure tree page by page and box by box, so a
paragraph, list, section or table that goes on to the next page becomes two structure
elements, and a link over two lines two links: a screen reader announces two
paragraphs, two tables. This module wraps WeasyPrint's tagging (``weasyprint.pdf.tags``):
while the tree is built it notes the HTML element each structure element comes from;
afterwards each element that continues its previous sibling (same HTML element, same
type) is merged into it. Its kids move over (a bare marked-content id from another page
becomes a marked-content reference naming that page, ISO 32000-1, 14.7.4.2) and the
parent tree and link annotations point to the merged element; the emptied duplicate is
left as an unreferenced empty dictionary.

Tables get the same care: header cells get the ``/Scope`` WeasyPrint leaves out, and
cells on later pages, which WeasyPrint links to no header at all, fall back on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pydyf
from weasyprint import pdf as weasy_pdf
from weasyprint.pdf import tags

# Reference of each structure element made by the current add_tags call -> (element,
# the HTML element and tag it comes from).
Sources = dict[bytes, tuple[Any, tuple[object, str | None]]]
_SOURCES: Sources = {}


def _noting_sources(build: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """Wrap ``_build_box_tree`` to note where each structure element comes from."""
    def build_noting_sources(box: Any, *args: Any) -> Iterator[Any]:
        for element in build(box, *args):
            # The first call to yield an element is the one that made it (html, body
            # and pages pass their children's elements on).
            if element.reference not in _SOURCES:
                _SOURCES[element.reference] = (element, (box.element, box.element_tag))
                if element["S"] == "/TH":
                    _add_scope(element, box.element.get("scope"))
            yield element

    build_noting_sources.wraps = build  # type: ignore[attr-defined]
    return build_noting_sources


# HTML's scope attribute -> PDF's /Scope (ISO 32000-1, 14.8.5.7).
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def _add_scope(header: Any, scope: str | None) -> None:
    """Give a table header cell the /Scope WeasyPrint 70 leaves out (PDF/UA-1 7.5); a
    header without a scope attribute heads its column, as in a header row."""
    header["A"]["Scope"] = SCOPES.get(scope or "col", "/Both")


def _merging(add_tags: Callable[..., None]) -> Callable[..., None]:
    """Wrap ``add_tags`` to merge each element's continuations on later pages."""
    def add_tags_merging(pdf: Any, *args: Any, **kwargs: Any) -> None:
        _SOURCES.clear()
        try:
            add_tags(pdf, *args, **kwargs)
            merge_continuations(pdf, _SOURCES)
        finally:
            _SOURCES.clear()

    add_tags_merging.wraps = add_tags  # type: ignore[attr-defined]
    return add_tags_merging


def merge_continuations(pdf: Any, sources: Sources) -> int:
    """Merge continued structure elements in ``pdf``'s tree; return how many were merged."""
    root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
    renamed: dict[bytes, bytes] = {}
    for reference in root["K"]:  # the /Document element
        _merge_kids(_resolve(pdf, reference), sources, renamed)
    if renamed:
        _rename_in_parent_tree(_resolve(pdf, root["ParentTree"]), renamed)
    _drop_empty_headers(element for element, _source in sources.values())
    return len(renamed)


def _drop_empty_headers(elements: Iterable[Any]) -> None:
    """Remove the empty /Headers of cells whose headers are on an earlier page.

    WeasyPrint 70 links cells to headers page by page, so on later pages a cell names
    none; without /Headers its column header's /Scope names it (PDF/UA-1 7.5).
    """
    for element in elements:
        if element.get("S") == "/TD" and not element["A"].get("Headers", True):
            del element["A"]["Headers"]


def _merge_kids(parent: Any, sources: Sources, renamed: dict[bytes, bytes]) -> None:
    """Merge runs of continued elements among ``parent``'s kids, then in each kid."""
    kept: list[Any] = []
    for kid in parent["K"]:
        previous: Any = kept[-1] if kept else None
        if _known(previous, sources) and _known(kid, sources) \
                and _continues(sources[previous], sources[kid]):
            _absorb(sources[previous][0], sources[kid][0], sources)
            renamed[kid] = previous
        else:
            kept.append(kid)
    parent["K"] = pydyf.Array(kept)
    for kid in kept:
        if _known(kid, sources):
            _merge_kids(sources[kid][0], sources, renamed)


def _known(kid: Any, sources: Sources) -> bool:
    """Whether a kid is a reference to a structure element WeasyPrint made."""
    return isinstance(kid, bytes) and kid in sources


def _continues(first: tuple[Any, Any], second: tuple[Any, Any]) -> bool:
    """Whether ``second`` is the rest of ``first`` (on a later line or page).

    One HTML element only ever gives neighbouring siblings of one type when WeasyPrint
    cut it into boxes; its anonymous boxes become elements of other types (a list
    item's body) or nest inside it.
    """
    (a, source_a), (b, source_b) = first, second
    same_source = source_a[0] is source_b[0] and source_a[0] is not None \
        and source_a[1] == source_b[1]
    return same_source and a["S"] == b["S"]


def _absorb(element: Any, continuation: Any, sources: Sources) -> None:
    """Move ``continuation``'s kids to the end of ``element`` and empty it."""
    for kid in continuation["K"]:
        if isinstance(kid, int) and continuation["Pg"] != element["Pg"]:
            # A bare id means "on the element's page": say which page it is on now.
            kid = pydyf.Dictionary({"Type": "/MCR", "Pg": continuation["Pg"], "MCID": kid})
        elif _known(kid, sources):
            sources[kid][0]["P"] = element.reference
        element["K"].append(kid)
    continuation.clear()


def _rename_in_parent_tree(parent_tree: Any, renamed: dict[bytes, bytes]) -> None:
    """Point the parent tree's entries at the merged elements."""
    def final(reference: bytes) -> bytes:
        while reference in renamed:
            reference = renamed[reference]
        return reference

    nums = parent_tree["Nums"]
    for index in range(1, len(nums), 2):
        value = nums[index]
        if isinstance(value, pydyf.Array):
            value[:] = [final(ref) if isinstance(ref, bytes) else ref for ref in value]
        elif isinstance(value, bytes):
            nums[index] = final(value)


def _resolve(pdf: Any, reference: bytes) -> Any:
    """The object an indirect reference such as ``b"12 0 R"`` names."""
    return pdf.objects[int(reference.split()[0])]


def install() -> None:
    """Wrap WeasyPrint's tagging (once)."""
    if not hasattr(tags._build_box_tree, "wraps"):
        tags._build_box_tree = _noting_sources(tags._build_box_tree)
    if not hasattr(weasy_pdf.add_tags, "wraps"):
        weasy_pdf.add_tags = _merging(weasy_pdf.add_tags)


def installed() -> bool:
    """Whether WeasyPrint's tagging currently merges continued elements."""
    return hasattr(weasy_pdf.add_tags, "wraps")
