"""Publish/subscribe between components that must not import each other."""
from collections import defaultdict
from typing import Any, Callable, DefaultDict, Dict, List

Handler = Callable[[Dict[str, Any]], None]


class EventBus:
    """Synchronous in-process event bus."""

    def __init__(self) -> None:
        self.subscribers: DefaultDict[str, List[Handler]] = defaultdict(list)
        self.published = 0

    def subscribe(self, event_type: str, handler: Handler) -> None:
        self.subscribers[event_type].append(handler)

    def publish(self, event_type: str, data: Dict[str, Any]) -> None:
        self.published += 1
        for handler in list(self.subscribers[event_type]):
            handler(data)
