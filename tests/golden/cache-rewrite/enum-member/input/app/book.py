from app.position_cache import PositionCache

BOOK = PositionCache()


def record(symbol: str, qty: int) -> int:
    BOOK.put(symbol, qty)
    return BOOK.get(symbol)
