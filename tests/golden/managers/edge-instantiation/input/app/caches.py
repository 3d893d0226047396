class GreeksCache:
    def __init__(self, max_size=100):
        self.max_size = max_size

    @classmethod
    def small(cls):
        return cls(max_size=10)


class MarketDataCache:
    pass
