"""Stage 4c, reading: translated document -> accessible HTML.

``render`` fills ``page.html.j2`` (the self-contained page) with the block template
every reading format shares (``pipeline/templates/blocks.j2``: the article's parts,
each element with its ``model.ref`` id, every change of language marked) and
``reading.css`` (large type that reflows). The EPUB stage builds its XHTML chapters from
the same blocks.
"""
