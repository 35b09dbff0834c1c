"""Locale names: gettext style on disk (``zh_Hans``), BCP 47 in documents (``zh-Hans``).

Babel's CLDR data decides what is a real locale, its names and its conventions.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

from pipeline.errors import PipelineError


def to_bcp47(name: str) -> str:
    """``zh_Hans`` -> ``zh-Hans``; ``pt_BR`` -> ``pt-BR``."""
    return name.replace("_", "-")


def to_gettext(tag: str) -> str:
    """``zh-Hans`` -> ``zh_Hans``: the folder name under ``locales/``."""
    return tag.replace("-", "_")


@cache
def babel_locale(name: str) -> Locale:
    """The Babel locale for a gettext or BCP 47 name; an unknown one is a ``PipelineError``."""
    try:
        return Locale.parse(to_gettext(name))
    except (UnknownLocaleError, ValueError, TypeError):
        raise PipelineError(f"unknown language or locale '{name}' "
                            "(use a code such as es, fr, ar, zh_Hans, hi)") from None


def check_locale(name: str) -> str:
    """Return ``name`` unchanged if Babel knows it, else raise ``PipelineError``."""
    babel_locale(name)
    return name


def is_rtl(name: str) -> bool:
    return babel_locale(name).text_direction == "rtl"


def english_name(name: str) -> str:
    return babel_locale(name).get_display_name("en") or name


def native_name(name: str) -> str:
    return babel_locale(name).get_display_name() or name
