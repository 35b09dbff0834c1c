"""Stage 4b, audio: translated document -> narration script -> speech -> MP3.

``narration`` turns the document into utterances and chapters (Markdown never
spoken, URLs never read, the lexicon applied); ``voices`` picks an engine per
language (``piper``, ``espeak``, ``gtts``); ``synthesis`` speaks each utterance
once, through the ``cache``; ``mp3`` assembles the book and its per-section
tracks, ``loudness`` brings them to -16 LUFS and encodes them, ``tags`` writes
their ID3v2.4 tags and chapters; ``book`` runs it all for one document.
"""
