"""Stage 1: the source article, parsed into the document model."""
