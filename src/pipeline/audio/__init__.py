"""Stage 4b, audio: translated document -> narration script -> speech -> MP3.

``narration`` turns the document into utterances and chapters (Markdown never
spoken, URLs never read, the lexicon applied); ``voices`` picks an engine per
language (``piper``, ``kokoro`` with ``chinese`` for its Chinese, ``espeak``,
``gtts``); ``synthesis`` speaks each utterance once, through the ``cache``;
``prepared`` and ``encoded`` level, limit and encode each utterance once; ``mp3``
joins them into the book and its per-section tracks, ``tags`` writes their ID3v2.4
tags and chapters; ``book`` runs it all for one document.
"""
