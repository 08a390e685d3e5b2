"""Tools for the course's maintainers: make-exercises, Restart & Run All, notebook hygiene."""
