"""Implementations written out by hand because writing them is the lesson (each is checked against the library)."""
