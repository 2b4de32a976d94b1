"""Stage 1, read: the bytes of a file -> raw text tables (:class:`RawTable`)."""
