from app import caches
from app.caches import GreeksCache
from app.validation import TradeValidator


class GreeksMonitor:
    def __init__(self):
        self.cache = GreeksCache.small()
        self.quotes = caches.MarketDataCache()

    def check(self, order):
        return TradeValidator().validate(order)
