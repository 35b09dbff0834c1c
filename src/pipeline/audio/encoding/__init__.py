"""MP3: the encoder, the book and its tracks, ID3 tags and chapters."""
