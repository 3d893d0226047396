"""Caches: three legacy ones and the unified cache meant to replace them."""
