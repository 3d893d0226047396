"""What the rewrite cannot establish: listed in the audit, left as it is."""
from app.legacy import GreeksCache, MarketDataCache


class Mixed:
    def __init__(self, flag: bool) -> None:
        self.store = GreeksCache() if flag else MarketDataCache()

    def read(self):
        return self.store.get("x")


class Special(GreeksCache):
    pass


def unknown(obj):
    return obj.price_cache.get("y")


def peek(cache: GreeksCache) -> int:
    cache.put("a", 1)
    return cache.max_size
