"""Stage 4a, print: translated document -> large-print HTML -> tagged PDF/UA-1.

``html`` builds the page (the block template every reading format shares, on paper,
with the large-print stylesheet), ``bilingual`` the sheet of source beside
translation, ``pdf`` lays it
out with WeasyPrint; three small extensions of WeasyPrint 70 make the PDF read back as
written: ``actualtext`` (exact extractable text in every script), ``structure`` (one
structure element per HTML element across page breaks) and ``unicode_map`` (no empty
font-map entries).
"""
