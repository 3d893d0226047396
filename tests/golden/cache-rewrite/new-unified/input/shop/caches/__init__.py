"""Caches of the shop."""
