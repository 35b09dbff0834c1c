"""Numbers spoken as words in the language's narration, where its voice cannot say digits.

Arabic only, for now: Kokoro's Arabic front end (``speech.arabic``) and eSpeak NG read
digits badly or as another language, so the narration says them as Arabic words
(``arabic-tts-frontend``'s verbaliser, unit first: 21 -> واحد وعشرون). Western and
Arabic-Indic digits alike (٢٠ is 20), in the shapes the catalogs use:

    20 مِلِّيغْرَام   -> عشرون مِلِّيغْرَام       a dose: the number, its unit as written
    1-135            -> واحد إلى مئة وخمسة وثلاثون   a range
    6.0, ٦٫٥          -> ستة فاصلة صفر            a decimal
    47% / ٪٤٧         -> سبعة وأربعون بالمئة       a percentage
    005915731g       -> صفر صفر خمسة ...           a code: digit by digit

A date ("10 نوفمبر 2017") is its numbers read as cardinals. Only what is spoken changes;
the printed text keeps its digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

PERCENT: Final = "بالمئة"
POINT: Final = "فاصلة"
TO: Final = "إلى"
# Western, Arabic-Indic and Eastern Arabic-Indic digits; U+066B is the Arabic decimal mark.
_FOLD: Final = str.maketrans({**{chr(0x660 + n): str(n) for n in range(10)},
                              **{chr(0x6F0 + n): str(n) for n in range(10)},
                              "\u066b": ".", "\u066c": ","})
_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
_NUMBER = rf"{_DIGIT}+(?:[.\u066b]{_DIGIT}+)?"
# A code: a run that starts with 0 and goes on, or digits glued to Latin letters.
_CODE = re.compile(rf"(?<![\w.])(?:[0\u0660\u06f0]{_DIGIT}+[A-Za-z]*|{_DIGIT}+[A-Za-z]+)(?!\w)")
_RANGE = re.compile(rf"({_NUMBER})\s*[-–]\s*({_NUMBER})")
_PERCENT = re.compile(rf"(?:({_NUMBER})\s*[%٪]|[%٪]\s*({_NUMBER}))")
_PLAIN = re.compile(_NUMBER)


def _cardinal(number: str) -> str:
    from arabic_tts_frontend.numbers import digit_by_digit, verbalise

    whole, _, fraction = number.translate(_FOLD).partition(".")
    words = str(verbalise(int(whole)))
    if fraction:
        words += f" {POINT} {digit_by_digit(fraction)}"
    return words


def _code(match: re.Match[str]) -> str:
    from arabic_tts_frontend.numbers import digit_by_digit

    text = match.group(0).translate(_FOLD)
    digits = re.match(r"[0-9]+", text)
    assert digits is not None
    letters = text[digits.end():]
    return str(digit_by_digit(digits.group(0))) + (f" {letters}" if letters else "")


def arabic(text: str) -> str:
    """``text`` with every number spoken as Arabic words."""
    text = _CODE.sub(_code, text)
    text = _PERCENT.sub(lambda m: f"{_cardinal(m.group(1) or m.group(2))} {PERCENT}", text)
    text = _RANGE.sub(lambda m: f"{_cardinal(m.group(1))} {TO} {_cardinal(m.group(2))}", text)
    return _PLAIN.sub(lambda m: _cardinal(m.group(0)), text)


SPOKEN: Final[dict[str, Callable[[str], str]]] = {"ar": arabic}


def in_words(lang: str) -> Callable[[str], str]:
    """The step that says numbers as words in ``lang`` (BCP 47), or one that changes nothing."""
    return SPOKEN.get(re.split(r"[-_]", lang)[0], _unchanged)


def _unchanged(text: str) -> str:
    return text
