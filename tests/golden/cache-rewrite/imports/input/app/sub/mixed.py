from typing import TYPE_CHECKING

from app.legacy import DEFAULT_SIZE, GreeksCache  # the constant stays

if TYPE_CHECKING:
    from app.legacy import MarketDataCache


def make(quotes: "MarketDataCache") -> GreeksCache:
    cache = GreeksCache(max_size=DEFAULT_SIZE)
    quotes.store("k", 1)
    return cache


def late():
    from ..legacy import MarketDataCache as MDC
    return MDC()
