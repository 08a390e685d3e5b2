"""Web plumbing every blueprint shares: JSON errors, request input, cookies on the app's clock, size limits."""
