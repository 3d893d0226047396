from app.legacy import MarketDataCache
from app.sub.bare import Holder


def holder() -> Holder:
    return Holder(MarketDataCache())
