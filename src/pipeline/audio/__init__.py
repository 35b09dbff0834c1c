"""Stage 4b, audio: translated document -> narration script -> speech -> MP3.

In layers: ``script`` (``narration`` turns the document into utterances and chapters:
Markdown never spoken, URLs never read, the ``lexicon`` applied); ``speech`` (``voices``
picks an engine per language: ``piper``, ``kokoro`` with ``chinese`` for its Chinese,
``espeak``, ``gtts``); ``signal`` (filters, peaks, loudness); ``caches`` (each
utterance spoken, prepared and encoded once); ``encoding`` (``mp3`` joins them into the
book and its per-section tracks, ``tags`` writes their ID3v2.4 tags and chapters).
``synthesis`` speaks a script through the caches, ``book`` runs it all for one
document, and ``timeline`` (when each element is heard) is what the EPUB and the
transcript read.
"""
