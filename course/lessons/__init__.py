"""What the lesson notebooks import: an HTTP client with stable headers, the exchange display, and helpers."""
