"""Stage 4d, EPUB: translated document + the audio's timeline -> EPUB 3 with read-along.

``book`` lays out the publication (XHTML chapters from the HTML stage's templates, the
navigation document, the package document with EPUB Accessibility 1.1 metadata),
``overlay`` turns the timeline into SMIL clips, ``archive`` writes the reproducible ZIP.
"""
