"""Signal processing on speech: filters and resampling, peaks, loudness."""
