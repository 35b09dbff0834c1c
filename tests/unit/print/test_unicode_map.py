"""print.unicode_map: empty ToUnicode targets become U+200B; anything else is left alone."""

from __future__ import annotations

import re
from pathlib import Path

import page
import pikepdf
from pikepdf import Dictionary, Name

from pipeline.print.unicode_map import repair_empty_unicode_maps

CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
%d beginbfchar
%s
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def _cmap(*entries: bytes) -> bytes:
    return CMAP % (len(entries), b"\n".join(entries))


def _pdf(path: Path, cmap: bytes, *, pages: int = 1) -> Path:
    """A PDF whose pages share one Type0 font with the given ToUnicode CMap."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/Test-Font"),
        Encoding=Name("/Identity-H"), ToUnicode=pikepdf.Stream(pdf, cmap)))
    for _ in range(pages):
        blank = pdf.add_blank_page(page_size=(200, 200))
        blank.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    pdf.save(path, deterministic_id=True)
    return path


def _to_unicode(path: Path) -> bytes:
    with pikepdf.open(path) as pdf:
        return bytes(pdf.pages[0].Resources.Font.F1.ToUnicode.read_bytes())


def test_empty_targets_become_zero_width_space(tmp_path: Path) -> None:
    """Each '<gid> <>' maps to <200B>; the count is returned; other entries stay."""
    path = _pdf(tmp_path / "empty.pdf", _cmap(b"<0041> <>", b"<0042> <0915>", b"<0043><>"))
    assert repair_empty_unicode_maps(path) == 2
    cmap = _to_unicode(path)
    assert b"<0041> <200B>" in cmap
    assert b"<0043><200B>" in cmap
    assert b"<0042> <0915>" in cmap
    assert not re.search(rb">\s*<>", cmap)


def test_repaired_file_needs_no_second_repair(tmp_path: Path) -> None:
    """Running the repair again finds nothing left to fix."""
    path = _pdf(tmp_path / "empty.pdf", _cmap(b"<0041> <>"))
    assert repair_empty_unicode_maps(path) == 1
    assert repair_empty_unicode_maps(path) == 0


def test_fonts_on_every_page_are_repaired(tmp_path: Path) -> None:
    """A font first used on a later page is repaired too, and counted with the others."""
    path = _pdf(tmp_path / "two.pdf", _cmap(b"<0041> <>"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        later = pdf.add_blank_page(page_size=(200, 200))
        later.obj.Resources = Dictionary(Font=Dictionary(F2=pdf.make_indirect(Dictionary(
            Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/Other-Font"),
            ToUnicode=pikepdf.Stream(pdf, _cmap(b"<0001> <>", b"<0002> <>"))))))
        pdf.save(path)
    assert repair_empty_unicode_maps(path) == 3
    with pikepdf.open(path) as pdf:
        assert b"<0001> <200B>" in pdf.pages[1].Resources.Font.F2.ToUnicode.read_bytes()


def test_file_without_empty_targets_is_untouched(tmp_path: Path) -> None:
    """No empty entry: returns 0 and leaves the file byte for byte as it was."""
    path = _pdf(tmp_path / "clean.pdf", _cmap(b"<0041> <0041>", b"<0042> <0915094D>"))
    before = path.read_bytes()
    assert repair_empty_unicode_maps(path) == 0
    assert path.read_bytes() == before


def test_repair_makes_weasyprint_devanagari_conform(tmp_path: Path) -> None:
    """WeasyPrint's own Hindi output fails PDF/UA-1 on its CMap until it is repaired."""
    from weasyprint import HTML

    path = tmp_path / "hi.pdf"
    HTML(string='<html lang="hi"><head><title>चिकित्सा</title></head><body>'
                '<p style="font-family: \'Noto Sans Devanagari\'">'
                'यह दस्तावेज़ चिकित्सीय सलाह नहीं देता।</p></body></html>'
         ).write_pdf(path, pdf_variant="pdf/ua-1", pdf_tags=True)
    before = page.validate_pdf(path, profile="ua1")
    assert "PDFUA1-FONT-UNICODE-MAPPING-001" in {f.rule_id for f in before.failures}
    assert repair_empty_unicode_maps(path) > 0
    after = page.validate_pdf(path, profile="ua1")
    assert after.rules.failed == 0, [f"{f.rule_id}: {f.message}" for f in after.failures]
