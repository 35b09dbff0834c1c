"""The audio caches: speech, prepared and encoded utterances, in one store."""
