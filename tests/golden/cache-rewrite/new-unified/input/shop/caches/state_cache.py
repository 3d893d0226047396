"""Legacy state cache: no expiry, sized by capacity."""
from typing import Any, Dict


class StateCache:
    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self.data: Dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
