from app.legacy import GreeksCache


def build():
    cache = GreeksCache()
    sized = GreeksCache(50, 30.0)  # positional: named after GreeksCache.__init__
    spread = GreeksCache(
        max_size=7,
        ttl=None,
    )
    cache.put("a", 1)
    return cache, sized, spread
