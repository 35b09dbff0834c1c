"""Google's voice through gTTS: needs the network, so it is opt-in only.

Each request has connect and read time-outs; a 429 or 5xx answer is retried with
exponential back-off a bounded number of times; no network is one clear error.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Final

from pipeline.audio.speech.engines import Audio, VoiceRequest, package_version, register
from pipeline.audio.speech.ffmpeg import use_for_pydub
from pipeline.errors import PipelineError

LANGS: Final = {"zh_Hans": "zh-CN", "zh_Hant": "zh-TW", "pt_BR": "pt"}
TIMEOUT: Final = (5.0, 30.0)  # seconds to connect, seconds to read
RETRIES: Final = 4
BACKOFF: Final = 1.0  # seconds; doubled after each retry
RETRYABLE: Final = frozenset({429, 500, 502, 503, 504})


def _status(error: Exception) -> int | None:
    response = getattr(error, "rsp", None)
    return getattr(response, "status_code", None)


def with_retries(request: Callable[[], bytes], *, sleep: Callable[[float], None] = time.sleep,
                 retries: int = RETRIES, backoff: float = BACKOFF) -> bytes:
    """Run ``request``; retry on 429/5xx with exponential back-off; explain failures."""
    from gtts.tts import gTTSError

    for attempt in range(retries + 1):
        try:
            return request()
        except gTTSError as error:
            status = _status(error)
            if status is None:
                raise PipelineError(
                    "gtts: cannot reach Google's speech service (no network?); the default "
                    "offline voices need no network: drop --engine gtts") from None
            if status not in RETRYABLE or attempt == retries:
                raise PipelineError(f"gtts: Google's speech service answered {status} "
                                    f"after {attempt + 1} attempts") from None
            sleep(backoff * 2 ** attempt)
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class GttsEngine:
    name: ClassVar[str] = "gtts"
    voice: str
    version: str

    @property
    def settings(self) -> str:
        return "slow=False"

    def synthesize(self, text: str) -> Audio:
        from gtts import gTTS
        from pydub import AudioSegment

        use_for_pydub()  # pydub decodes Google's MP3 with the pipeline's ffmpeg

        def request() -> bytes:
            buffer = io.BytesIO()
            gTTS(text, lang=self.voice, timeout=TIMEOUT).write_to_fp(buffer)
            return buffer.getvalue()

        mp3 = with_retries(request)
        speech = AudioSegment.from_file(io.BytesIO(mp3), format="mp3")
        speech = speech.set_channels(1).set_sample_width(2)
        return Audio(speech.raw_data, speech.frame_rate)


@register("gtts")
def load_gtts(request: VoiceRequest) -> GttsEngine:
    from gtts.lang import tts_langs

    voice = request.voice or LANGS.get(request.lang) or request.lang.split("_")[0]
    if voice not in tts_langs():
        raise PipelineError(f"gtts has no voice for '{request.lang}' (tried '{voice}')")
    return GttsEngine(voice=voice, version=f"gtts {package_version('gtts')}")
