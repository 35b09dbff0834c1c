"""The speech engines (Piper, Kokoro-82M, eSpeak NG, gTTS) and the choice of voice."""
