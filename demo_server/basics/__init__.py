"""Lesson 00: a health check, an echo, and a greeting that shows HTTP forgets you."""
