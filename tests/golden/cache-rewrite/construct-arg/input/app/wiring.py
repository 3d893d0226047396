import app.legacy
from app import legacy


class Engine:
    def __init__(self, quotes, greeks=None) -> None:
        self.quotes = quotes
        self.greeks = greeks


def wire() -> Engine:
    return Engine(legacy.MarketDataCache(max_size=5), greeks=app.legacy.GreeksCache())


def size() -> int:
    return legacy.DEFAULT_SIZE
