"""Managers hung off the TradingAlgorithm host."""
