"""Two legacy caches with different APIs, and a constant that keeps this module alive."""
from typing import Any, Dict, Optional

DEFAULT_SIZE = 10


class GreeksCache:
    def __init__(self, max_size: int = 500, ttl: Optional[float] = 120.0) -> None:
        self.max_size = max_size
        self.ttl = ttl
        self.data: Dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value


class MarketDataCache:
    def __init__(self, max_size: int = 2000, ttl: Optional[float] = 60.0) -> None:
        self.max_size = max_size
        self.entries: Dict[str, Any] = {}
        self.misses = 0

    def fetch(self, key: str) -> Any:
        return self.entries.get(key)

    def store(self, key: str, value: Any) -> None:
        self.entries[key] = value
