"""Name -> class registry for managers that are created on demand."""
from typing import TYPE_CHECKING, Any, Dict

from trading.managers.greeks_monitor import GreeksMonitor
from trading.managers.order_executor import OrderExecutor

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm

MANAGER_REGISTRY: Dict[str, type] = {
    "greeks_monitor": GreeksMonitor,
}


def register(name: str, cls: type) -> None:
    MANAGER_REGISTRY[name] = cls


register("order_executor", OrderExecutor)


class ManagerFactory:
    """Creates registered managers once and hands out the same instance."""

    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algorithm = algorithm
        self.instances: Dict[str, Any] = {}

    def get_manager(self, name: str) -> Any:
        if name not in self.instances:
            cls = MANAGER_REGISTRY[name]
            self.instances[name] = cls(self.algorithm)
        return self.instances[name]
