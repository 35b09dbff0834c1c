"""Media overlays: the audio stage's timeline as SMIL ``<par>`` clips, one SMIL per chapter.

Each clip pairs an element (by its id) with the stretch of the book's MP3 that reads
it: from where its speech starts to where the next element's speech starts, so clips
tile the narration and a reading system keeps every pause. Consecutive utterances of
one element (a fallback phrase in another voice) make one clip. Times are whole
milliseconds taken from the timeline's samples, never re-measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.audio.timeline import Timeline
from pipeline.errors import PipelineError


@dataclass(frozen=True, slots=True)
class Clip:
    """One ``<par>``: the element ``ref`` is read from ``begin`` to ``end`` (ms)."""

    ref: str
    begin: int
    end: int

    @property
    def duration(self) -> int:
        return self.end - self.begin


def clips(timeline: Timeline) -> list[Clip]:
    """The timeline's utterances as clips in reading order, consecutive ones of one
    element merged; the last runs to the end of the book."""
    starts = [(s.ref, timeline.millisecond(s.start)) for s in timeline.spoken]
    merged = [pair for i, pair in enumerate(starts) if i == 0 or starts[i - 1][0] != pair[0]]
    ends = [begin for _, begin in merged[1:]] + [timeline.millisecond(timeline.length)]
    return [Clip(ref, begin, end) for (ref, begin), end in zip(merged, ends, strict=True)]


def by_document(found: Sequence[Clip], documents: Mapping[str, frozenset[str]]
                ) -> dict[str, list[Clip]]:
    """The clips of each content document (name -> its element ids), in reading order.

    An utterance whose element is in no document, or clips that would jump back to an
    earlier document, are bugs in the narration or the templates: refused, not papered over.
    """
    owner = {element: name for name, ids in documents.items() for element in ids}
    order = list(documents)
    grouped: dict[str, list[Clip]] = {name: [] for name in order}
    last = 0
    for clip in found:
        name = owner.get(clip.ref)
        if name is None:
            raise PipelineError(f"the narration reads '{clip.ref}', which no chapter shows")
        if order.index(name) < last:
            raise PipelineError(f"the narration goes back to {name} at '{clip.ref}'")
        last = order.index(name)
        grouped[name].append(clip)
    return grouped

