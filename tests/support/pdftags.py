"""Walking a tagged PDF's structure tree (pikepdf): its elements and what they mark."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf


def _kids(node: pikepdf.Object) -> list[pikepdf.Object]:
    kids = node.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is(kid: pikepdf.Object, kind: str) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == kind


def elements(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every structure element under ``node``, in document order."""
    for kid in _kids(node):
        if _is(kid, "/StructElem"):
            yield kid
            yield from elements(kid)


def marked_content(element: pikepdf.Object, *, deep: bool = True,
                   page: pikepdf.Object | None = None
                   ) -> Iterator[tuple[tuple[int, int], int]]:
    """(page's object id, MCID) of each marked-content sequence ``element`` holds, and
    with ``deep`` those of the elements under it. A page is inherited from above."""
    page = element.get("/Pg", page)
    for kid in _kids(element):
        if isinstance(kid, int):
            yield page.objgen, kid
        elif _is(kid, "/MCR"):
            yield kid.get("/Pg", page).objgen, int(kid.MCID)
        elif deep and _is(kid, "/StructElem"):
            yield from marked_content(kid, page=page)
