"""Method calls on legacy instances, reached in every way the rewrite follows."""
from typing import Optional

from app.legacy import GreeksCache, MarketDataCache


class Host:
    def __init__(self) -> None:
        self.cache = GreeksCache()
        self.quotes = MarketDataCache()


class Reader:
    def __init__(self, host: "Host") -> None:
        self.host = host

    def read(self, key: str):
        # chained through another object's attribute
        return self.host.cache.get(key)


def through_local() -> Optional[float]:
    quotes = MarketDataCache()
    quotes.store("VIX", 18.5)  # renamed to put
    return quotes.fetch("VIX")


def through_param(cache: GreeksCache, quotes: Optional["MarketDataCache"] = None) -> None:
    cache.put("delta", 0.25)
    if quotes is not None:
        quotes.store(
            "SPY",
            450.0,
        )


def chained_construction() -> None:
    return GreeksCache().get("nothing")


def everything() -> tuple:
    host = Host()
    through_param(host.cache, host.quotes)
    return (Reader(host).read("delta"), through_local(), host.quotes.fetch("SPY"),
            chained_construction())
