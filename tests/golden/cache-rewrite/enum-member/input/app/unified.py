"""The unified cache the legacy ones move to."""
from enum import Enum
from typing import Any, Dict, Optional


class CacheType(Enum):
    GENERAL = "general"
    GREEKS = "greeks"
    MARKET_DATA = "market_data"


class UnifiedCache:
    def __init__(self, cache_type: CacheType = CacheType.GENERAL, max_size: Optional[int] = None,
                 ttl: Optional[float] = None) -> None:
        self.default_type = cache_type
        self.max_size = max_size
        self.ttl = ttl
        self.data: Dict[CacheType, Dict[str, Any]] = {t: {} for t in CacheType}

    def get(self, key: str, default: Any = None, cache_type: Optional[CacheType] = None) -> Any:
        return self.data[cache_type or self.default_type].get(key, default)

    def put(self, key: str, value: Any, cache_type: Optional[CacheType] = None) -> None:
        self.data[cache_type or self.default_type][key] = value
