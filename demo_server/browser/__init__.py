"""Lesson 06: what a real browser does, and a small bank to attack in one.

- ``recorder``: every request that reaches ``/browser/record/...`` is written
  down (which cookies came, in which order, and the ``Sec-Fetch-*`` and
  ``Origin`` headers), so lesson 06 builds its tables from what arrived.
- ``kits``: the sets of cookies the lesson asks the browser to store.
- ``views``: ``/browser/...``, the recorder, the cookie kits and the search
  page whose output is escaped (the fixed twin of a reflected XSS).
- ``bank``: accounts and transfers; ``bank_session``: the bank's session
  cookie (``__Host-bank``) on the lesson 03 session store; ``forgery``: the two
  hand-written CSRF defences (a synchronizer token, an Origin/Sec-Fetch-Site
  check) beside Flask-WTF's; ``bank_views``: ``/bank/...``.
- ``pages``: the little HTML the pages share.

The vulnerable twins are in ``demo_server/vulnerable/browser.py`` and
``demo_server/vulnerable/bank.py``.
"""
