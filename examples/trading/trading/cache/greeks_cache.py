"""Legacy cache of option greeks (get/put API)."""
import time
from typing import Any, Dict, Optional, Tuple


class GreeksCache:
    def __init__(self, max_size: int = 500, ttl: Optional[float] = 120.0) -> None:
        self.max_size = max_size
        self.ttl = ttl
        self._data: Dict[str, Tuple[float, Any]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        item = self._data.get(key)
        if item is None:
            return default
        stamp, value = item
        if self.ttl is not None and time.monotonic() - stamp > self.ttl:
            del self._data[key]
            return default
        return value

    def put(self, key: str, value: Any) -> None:
        if len(self._data) >= self.max_size and key not in self._data:
            self._data.pop(next(iter(self._data)))
        self._data[key] = (time.monotonic(), value)
