"""The published site (``output/site/``): every handout as a web page to link to, with its
audio, chapters and downloads; a podcast feed per language; one ZIP per handout.

    builder   one unit per article and language: the handout's folder and its ZIP
              site/<lang>/<slug>/index.html, the formats, chapters JSON, handout.json
              site/<lang>/<slug>-<lang>.zip
    index     ``pipeline site``: reads what the units wrote, writes the rest
              site/index.html, site/<lang>/index.html, site/<lang>/feed.xml,
              site/site.css, site/fonts/, site/SHA256SUMS

Every link between pages is relative and names its file (``es/index.html``, never
``es/``), so the same tree works from a web server, a USB stick or an unpacked ZIP;
no page has a script or reads anything from elsewhere. Only what must be absolute is:
a podcast feed's addresses and the QR code on print, both from ``base_url``.
"""
