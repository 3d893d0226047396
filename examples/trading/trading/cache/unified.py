"""One type-aware cache replacing GreeksCache, MarketDataCache and PositionCache."""
import time
from enum import Enum
from typing import Any, Dict, Optional, Tuple


class CacheType(Enum):
    GENERAL = "general"
    GREEKS = "greeks"
    MARKET_DATA = "market_data"
    POSITION = "position"
    STATE = "state"


TYPE_CONFIG: Dict[CacheType, Dict[str, Any]] = {
    CacheType.GENERAL: {"ttl": 300.0, "max_size": 1000},
    CacheType.GREEKS: {"ttl": 120.0, "max_size": 500},
    CacheType.MARKET_DATA: {"ttl": 60.0, "max_size": 2000},
    CacheType.POSITION: {"ttl": None, "max_size": 1500},
    CacheType.STATE: {"ttl": 600.0, "max_size": 200},
}


class UnifiedCache:
    """Entries are partitioned by CacheType; each type has its own TTL and size."""

    def __init__(self, cache_type: CacheType = CacheType.GENERAL, max_size: Optional[int] = None,
                 ttl: Optional[float] = None) -> None:
        self.default_type = cache_type
        self.config = {t: dict(c) for t, c in TYPE_CONFIG.items()}
        if max_size is not None:
            self.config[cache_type]["max_size"] = max_size
        if ttl is not None:
            self.config[cache_type]["ttl"] = ttl
        self.data: Dict[CacheType, Dict[str, Tuple[float, Any]]] = {t: {} for t in CacheType}
        self.hits = 0
        self.misses = 0

    def get(self, key: str, default: Any = None, cache_type: Optional[CacheType] = None) -> Any:
        kind = cache_type or self.default_type
        item = self.data[kind].get(key)
        ttl = self.config[kind]["ttl"]
        if item is None or (ttl is not None and time.monotonic() - item[0] > ttl):
            self.misses += 1
            return default
        self.hits += 1
        return item[1]

    def put(self, key: str, value: Any, cache_type: Optional[CacheType] = None) -> None:
        kind = cache_type or self.default_type
        bucket = self.data[kind]
        if len(bucket) >= self.config[kind]["max_size"] and key not in bucket:
            bucket.pop(next(iter(bucket)))
        bucket[key] = (time.monotonic(), value)
