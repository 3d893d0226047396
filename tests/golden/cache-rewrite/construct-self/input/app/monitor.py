from app.legacy import GreeksCache


class GreeksMonitor:
    shared = GreeksCache(max_size=1)

    def __init__(self) -> None:
        self.cache = GreeksCache(max_size=100)

    def record(self, symbol: str, delta: float) -> None:
        self.cache.put(symbol, delta)

    def delta(self, symbol: str) -> float:
        return self.cache.get(symbol, 0.0)
