"""The engine keeps greeks and its state in two legacy caches."""
from shop.caches.greeks_cache import GreeksCache
from shop.caches.state_cache import StateCache


class Engine:
    def __init__(self) -> None:
        self.greeks = GreeksCache()
        self.state = StateCache(capacity=2)

    def remember(self, symbol: str, delta: float) -> None:
        self.greeks.put(symbol, delta)
        self.state.put("last", symbol)

    def last(self):
        symbol = self.state.get("last")
        return symbol, self.greeks.get(symbol)
