"""How much an audit may send unless told otherwise."""

DEFAULT_MAX_REQUESTS = 250
