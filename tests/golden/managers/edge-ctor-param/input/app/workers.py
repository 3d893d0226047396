from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from app.main import Engine


class RebalanceEngine:
    def __init__(self, host: "Engine", hedge_executor: Optional["HedgeExecutor"]):
        self.host = host
        self.hedge_executor = hedge_executor


class HedgeExecutor:
    def __init__(self, host: "Engine", rebalance_engine: RebalanceEngine):
        self.host = host
        self.rebalance_engine = rebalance_engine


class Reporter:
    """Not manager-like: no edges from it."""

    def __init__(self, state_manager, event_bus):
        self.state_manager = state_manager
        self.event_bus = event_bus


class AuditTracker:
    def __init__(self, state_manager, event_bus=None):
        self.state_manager = state_manager
        self.event_bus = event_bus
