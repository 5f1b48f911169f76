"""The demo tree generator."""
