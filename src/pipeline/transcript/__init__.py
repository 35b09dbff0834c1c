"""Stage 4e, transcript: the audio's timeline -> a WebVTT transcript of the MP3.

``webvtt`` writes one cue per utterance, with the times the audio stage measured,
chapters as NOTE lines; ``builder`` checks the timeline belongs to the MP3.
"""
