"""Option-selling strategies."""
