"""A narrated book's timeline as WebVTT: the words of the MP3, with their times.

A text alternative for audio (WCAG 1.2.1) that players show as captions and braille
displays can follow: one cue per utterance, from where its speech starts to where it
ends, in the order heard; each chapter announced by a NOTE; a passage read by another
language's voice (a fallback) is marked with ``<lang>``.
"""

from __future__ import annotations

from pipeline.audio.timeline import Timeline, clock


def timestamp(ms: int) -> str:
    """``01:02:03.456``: WebVTT's timestamp, with hours always."""
    return clock(ms, hour_digits=2)


def escape(text: str) -> str:
    """Cue text as WebVTT wants it: ``&``, ``<`` and ``>`` escaped (so never ``-->``),
    on one line (a line break would end the cue)."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def note(text: str) -> str:
    """A NOTE block; a comment may not contain ``-->`` nor a blank line."""
    return "NOTE " + " ".join(text.split()).replace("-->", "- ->")


def webvtt(timeline: Timeline, *, lang: str, title: str) -> str:
    """The transcript of ``timeline``'s MP3; ``lang`` is the book's language (BCP 47)."""
    blocks = ["WEBVTT", note(f"{title}: transcript of {timeline.audio}, language {lang}")]
    seen: dict[str, int] = {}
    chapter = -1
    for spoken in timeline.spoken:
        if spoken.chapter != chapter:
            chapter = spoken.chapter
            blocks.append(note(f"Chapter {chapter + 1}: {timeline.chapters[chapter].title}"))
        seen[spoken.ref] = seen.get(spoken.ref, 0) + 1
        identifier = spoken.ref if seen[spoken.ref] == 1 else f"{spoken.ref} ({seen[spoken.ref]})"
        start = timeline.millisecond(spoken.start)
        end = max(timeline.millisecond(spoken.end), start + 1)
        text = escape(spoken.text)
        if spoken.lang != lang:
            text = f"<lang {spoken.lang}>{text}</lang>"
        blocks.append(f"{identifier}\n{timestamp(start)} --> {timestamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"
