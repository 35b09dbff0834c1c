"""The pipeline's one exception type.

    PipelineError            bad input or an unusable resource: printed as
                             ``path:line: message`` (or ``resource: message``),
                             exit status 1, no traceback.

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Bad input or resource, reported to the user as ``path:line: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line > 0:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"
