"""The QR code on page 1 of the printed handouts: it leads from paper to the handout's
own page on the published site (audio, large text, every download), in the same language.

It is drawn as the CSS background of the paragraph that prints the address beside it,
so WeasyPrint marks the image as an artifact (PDF/UA: a screen reader skips it) while
the address is real, tagged text that it reads. The image is an SVG made here with
segno, handed to WeasyPrint under a ``data:`` URL that the page lists as its own (the
print fetcher serves nothing else that is not a file it allows).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Final

import segno

# Error correction M (15 %): a printed sheet gets folded and smudged; a handout's address
# stays a version 3-5 symbol at that level, big modules at the size printed.
ERROR: Final = "m"
BORDER: Final = 4  # the quiet zone the standard asks for, in modules


@dataclass(frozen=True, slots=True)
class QrCode:
    """The address and the image that encodes it, as the print templates use them."""

    url: str
    svg: bytes

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")

    def css(self, size: str, *, rtl: bool) -> str:
        """The ``p.qr`` rule: the code ``size`` wide at the paragraph's start edge, its
        text beside it."""
        side = "right" if rtl else "left"
        return (f"p.qr {{ background: url(\"{self.data_url}\") no-repeat {side} top; "
                f"background-size: {size} {size}; min-height: {size}; "
                f"padding-{side}: calc({size} + 0.5em); }}\n")


def qr_code(url: str) -> QrCode:
    """``url`` as a QR code (SVG, black on white, its quiet zone included)."""
    code = segno.make(url, error=ERROR, micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", border=BORDER, xmldecl=False, nl=False, dark="#000",
              light="#fff")
    return QrCode(url, out.getvalue())
