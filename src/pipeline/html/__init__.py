"""Stage 4c, reading: translated document -> accessible HTML.

``render`` fills the templates: ``blocks.j2`` (the article's parts, each element with
its ``model.ref`` id, every change of language marked), ``page.html.j2`` (the
self-contained page) and ``reading.css`` (large type that reflows). The EPUB stage
builds its XHTML chapters from the same macros.
"""
