"""What the narration says: the script of a book, and the pronunciation lexicons."""
