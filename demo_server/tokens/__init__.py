"""Lesson 04: JWT access tokens (EdDSA, JWKS, kid), refresh-token rotation, the deny-list."""
