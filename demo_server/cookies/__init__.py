"""Lesson 01: cookies. What a browser does with a Set-Cookie header, a cookie builder, the fixed login."""
