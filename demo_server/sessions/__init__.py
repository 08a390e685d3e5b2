"""Lesson 03: server-side sessions. Opaque IDs, the cookie that carries them, the stores, the views."""
