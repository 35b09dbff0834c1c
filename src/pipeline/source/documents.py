"""The source articles of a project, parsed: all of them, or those named."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.model import Document
from pipeline.resources import Resources
from pipeline.source.parse import parse_file

Article = tuple[str, Document | PipelineError]


def articles(config: Config, slugs: Sequence[str]) -> Iterator[Article]:
    """Each article named (or every one) by its slug, parsed, or the error that refuses it:
    one broken article does not stop the others."""
    paths = [config.article(slug) for slug in slugs] if slugs else config.articles()
    for path in paths:
        try:
            document = parse_file(path)
            Resources.of(document, config.source)  # an image leading outside fails here
        except PipelineError as error:
            yield path.stem, error
        else:
            yield path.stem, document


def documents(config: Config, slugs: Sequence[str] = ()) -> list[Document]:
    """The parsed source articles: those named, or all of them."""
    paths = [config.article(slug) for slug in slugs] if slugs else config.articles()
    return [parse_file(path) for path in paths]
