"""Coordinator over the separate per-strategy state machines."""
from enum import Enum
from typing import TYPE_CHECKING, Dict, Optional

from trading.cache.position_cache import PositionCache

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class SystemState(Enum):
    NORMAL = "normal"
    DEFENSIVE = "defensive"
    HALTED = "halted"


class StrategyStateMachine:
    """State of one strategy; each strategy keeps its own machine."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = SystemState.NORMAL

    def handle_system_event(self, event: str) -> None:
        if event == "halt":
            self.state = SystemState.HALTED
        elif event == "defend" and self.state is SystemState.NORMAL:
            self.state = SystemState.DEFENSIVE
        elif event == "resume":
            self.state = SystemState.NORMAL


class UnifiedStateManager:
    """Coordinates the strategy machines without merging them."""

    def __init__(self, algorithm: "TradingAlgorithm", cache: Optional[PositionCache] = None) -> None:
        self.algorithm = algorithm
        self.cache = cache if cache is not None else PositionCache(max_size=100)
        self.strategy_machines: Dict[str, StrategyStateMachine] = {}
        self.system_state = SystemState.NORMAL

    def register_strategy(self, name: str) -> StrategyStateMachine:
        machine = StrategyStateMachine(name)
        self.strategy_machines[name] = machine
        return machine

    def coordinate_system_response(self, event: str) -> None:
        for machine in self.strategy_machines.values():
            machine.handle_system_event(event)
        if event == "halt":
            self.system_state = SystemState.HALTED
        self.algorithm.event_bus.publish("state_changed", {"event": event})

    def halt_trading(self, reason: str) -> None:
        self.cache.save("halt_reason", reason)
        self.coordinate_system_response("halt")

    def can_trade(self, strategy: str) -> bool:
        machine = self.strategy_machines.get(strategy)
        if self.system_state is SystemState.HALTED:
            return False
        return machine is None or machine.state is not SystemState.HALTED
