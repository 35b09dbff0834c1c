"""eSpeak NG through ctypes, from the ``espeakng-loader`` wheel (libespeak-ng 1.52 + data).

Debian's espeak-ng 1.51 reads Mandarin wrongly, so the wheel's library and data are
used together and never mixed with a system copy.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import ClassVar, Final

import espeakng_loader

from pipeline.audio.speech.engines import Audio, VoiceRequest, register
from pipeline.errors import PipelineError

# Our language names -> eSpeak NG voice names, where they differ.
VOICES: Final = {"zh_Hans": "cmn", "zh": "cmn", "zh_Hant": "yue", "pt_BR": "pt-br",
                 "en": "en-us"}
RATE_WPM: Final = 150  # a little slower than eSpeak's 175: clearer for patients
# Audio handed to the callback in pieces of this many ms (eSpeak's default: 60). Each piece
# needs Python's GIL, which other build threads hold while they filter and encode: larger
# pieces, fewer waits. Up to 2000 ms the samples are the same; at 3000 and more they change.
BUFFER_MS: Final = 1000

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.c_void_p)


class _Library:
    """The one libespeak-ng in this process: it keeps global state, so calls are serialised."""

    lock = threading.Lock()
    _instance: ClassVar[_Library | None] = None

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = espeakng_loader.get_data_path().encode()
        self.rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, data, 0)
        if self.rate <= 0:
            raise PipelineError("eSpeak NG could not start (espeak_Initialize failed)")
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.version = (self.lib.espeak_Info(None) or b"?").decode()
        self.buffer = bytearray()
        self.callback = _CALLBACK(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self.callback)

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], samples: int, _events: int) -> int:
        if wav and samples > 0:
            self.buffer.extend(ctypes.string_at(wav, samples * 2))
        return 0

    @classmethod
    def get(cls) -> _Library:
        with cls.lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def speak(self, voice: str, text: str, rate: int) -> bytes:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise PipelineError(f"eSpeak NG has no voice '{voice}'")
            self.lib.espeak_SetParameter(_RATE, rate, 0)
            self.buffer.clear()
            data = text.encode("utf-8")
            self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8,
                                  None, None)
            self.lib.espeak_Synchronize()
            return bytes(self.buffer)


@dataclass(frozen=True, slots=True)
class EspeakEngine:
    name: ClassVar[str] = "espeak"
    voice: str
    version: str
    rate: int

    @property
    def settings(self) -> str:
        return f"rate={RATE_WPM}wpm"

    def synthesize(self, text: str) -> Audio:
        return Audio(_Library.get().speak(self.voice, text, RATE_WPM), self.rate)


@register("espeak")
def load_espeak(request: VoiceRequest) -> EspeakEngine:
    library = _Library.get()
    voice = request.voice or VOICES.get(request.lang) or request.lang.split("_")[0]
    with library.lock:
        known = library.lib.espeak_SetVoiceByName(voice.encode()) == 0
    if not known:
        raise PipelineError(f"eSpeak NG has no voice for '{request.lang}' (tried '{voice}'); "
                            "set one under [tool.pipeline.voices]")
    return EspeakEngine(voice=voice, version=f"espeak-ng {library.version}", rate=library.rate)
