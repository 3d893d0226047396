"""Legacy greeks cache."""
from typing import Any, Dict


class GreeksCache:
    def __init__(self, max_size: int = 250, ttl: float = 30) -> None:
        self.max_size = max_size
        self.ttl = ttl
        self.data: Dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
