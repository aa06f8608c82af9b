"""Source formats -> Profile records, and photo references -> bytes."""
