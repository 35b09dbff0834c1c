"""One structure element per HTML element across page and line breaks, on real PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import page
import pikepdf
import pytest
import weasyprint.pdf as weasy_pdf

from pipeline.print import structure
from pipeline.print.html import Page
from pipeline.print.pdf import write_pdf
from pipeline.resources import Resources
from support import pdftags

NOTHING = Resources({}, ())  # these pages embed no file

SENTENCE = "Baclofen relaxes muscles affected by spasticity after a spinal cord injury. "
# A link longer than a page: it runs over a page break whatever the layout.
LINK = f'<a href="https://example.org/a/long/address/">{SENTENCE * 24}</a>'


def _html(paragraphs: int) -> str:
    """A short paragraph, then long ones (about half a page each; one holds the link),
    then a list."""
    long = SENTENCE * 5
    body = "".join(f"<p>{n}. {long}{LINK if n == 2 else ''} {long}</p>"
                   for n in range(paragraphs))
    items = "".join(f"<li>Item {n}: {SENTENCE * 3}</li>" for n in range(12))
    return (f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            f"<main><section><h1>Heading</h1><p>Short.</p>{body}<ul>{items}</ul>"
            f"</section></main></body></html>")


def _write(tmp_path: Path, paragraphs: int = 4) -> Path:
    css = 'html { font-family: "Atkinson Hyperlegible"; font-size: 18pt; line-height: 1.5 }'
    target = tmp_path / "long.pdf"
    write_pdf(Page(_html(paragraphs), (css,), NOTHING), target, base_url=tmp_path)
    return target


@pytest.fixture
def without_merging() -> Iterator[None]:
    merging = weasy_pdf.add_tags
    weasy_pdf.add_tags = merging.wraps
    try:
        yield
    finally:
        weasy_pdf.add_tags = merging


def _counts(path: Path) -> dict[str, int]:
    with pikepdf.open(path) as pdf:
        names = [str(e.S) for e in pdftags.elements(pdf.Root.StructTreeRoot)]
    return {name: names.count(name) for name in set(names)}


def test_installed() -> None:
    assert structure.installed()


def test_paragraphs_over_a_page_break_stay_one_element(tmp_path: Path) -> None:
    """Each <p>, the list, the section and main are one element each, on several pages."""
    target = _write(tmp_path)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) >= 3
        elements = list(pdftags.elements(pdf.Root.StructTreeRoot))
        paragraphs = [e for e in elements if e.S == "/P"]
        pages_of = [{page_of for e in pdftags.elements(p)
                     for page_of, _mcid in pdftags.marked_content(e, deep=False)}
                    for p in paragraphs]
    assert len(paragraphs) == 5
    assert any(len(pages) == 2 for pages in pages_of), "no paragraph runs over a page"
    counts = _counts(target)
    assert (counts["/L"], counts["/Sect"], counts["/Part"], counts["/LI"]) == (1, 1, 1, 12)
    report = page.validate_pdf(target, profile="ua1")
    assert report.rules.failed == 0, [f"{f.rule_id}: {f.message}" for f in report.failures]


@pytest.mark.usefixtures("without_merging")
def test_without_merging_a_page_break_splits_elements(tmp_path: Path) -> None:
    """WeasyPrint 70 alone makes one element per page: the test above would fail."""
    counts = _counts(_write(tmp_path))
    assert counts["/P"] > 5
    assert counts["/Part"] > 1
    assert counts["/Link"] > 1


def test_parent_tree_points_at_the_element_holding_each_mcid(tmp_path: Path) -> None:
    """Every marked-content id maps, through the parent tree, to the element holding it;
    the link keeps its annotations, each mapped to it."""
    with pikepdf.open(_write(tmp_path)) as pdf:
        holders = {ref: element.objgen for element in pdftags.elements(pdf.Root.StructTreeRoot)
                   for ref in pdftags.marked_content(element, deep=False)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        mapped = {}
        for index, pdf_page in enumerate(pdf.pages):
            array = tree[int(pdf_page.obj.StructParents)] if "/StructParents" in pdf_page.obj \
                else tree[index]
            for mcid, element in enumerate(array):
                mapped[(pdf_page.obj.objgen, mcid)] = element.objgen
        links = [e for e in pdftags.elements(pdf.Root.StructTreeRoot) if e.S == "/Link"]
        annotations = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
        assert len(links) == 1
        assert sum(1 for p in pdf.pages if "/Annots" in p.obj) == 2  # over two pages
        assert {tree[int(a.StructParent)].objgen for a in annotations} == {links[0].objgen}
    assert holders == mapped
