"""Legacy cache of quotes and bars (fetch/store API)."""
import time
from typing import Any, Dict, Optional, Tuple


class MarketDataCache:
    def __init__(self, max_size: int = 2000, ttl: Optional[float] = 60.0) -> None:
        self.max_size = max_size
        self.ttl = ttl
        self.entries: Dict[str, Tuple[float, Any]] = {}
        self.misses = 0

    def fetch(self, key: str, default: Any = None) -> Any:
        hit = self.entries.get(key)
        if hit is None or (self.ttl is not None and time.monotonic() - hit[0] > self.ttl):
            self.misses += 1
            return default
        return hit[1]

    def store(self, key: str, value: Any) -> None:
        if len(self.entries) >= self.max_size:
            self.entries.clear()
        self.entries[key] = (time.monotonic(), value)
