"""Small apps of the project's own making for `course audit`'s tests, each with known flaws."""
