"""Legacy position-aware cache (lookup/save API)."""
from collections import OrderedDict
from typing import Any


class PositionCache:
    def __init__(self, max_size: int = 1500) -> None:
        self.max_size = max_size
        self.items: "OrderedDict[str, Any]" = OrderedDict()

    def lookup(self, key: str, default: Any = None) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return default

    def save(self, key: str, value: Any) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.max_size:
            self.items.popitem(last=False)
