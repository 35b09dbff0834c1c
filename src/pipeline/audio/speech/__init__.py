"""The speech engines (Piper, Kokoro-82M, eSpeak NG, gTTS) and the choice of voice."""

import os

# onnxruntime (Piper's and Kokoro's runtime) records telemetry on Linux since 1.2x: a
# session file in the temporary folder ($TMPDIR/.ses) and a device id and event store
# in ~/.cache/Microsoft/DeveloperTools/.onnxruntime/, for upload to Microsoft. This
# opts out, before any engine imports it (measured: then it writes neither).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
