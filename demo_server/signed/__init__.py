"""Lesson 02: sessions kept in the cookie itself, signed (Flask's own) or encrypted (Fernet)."""
