"""Daily-loss circuit breaker."""
from enum import Enum
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class BreakerState(Enum):
    CLOSED = "closed"
    TRIPPED = "tripped"


class CircuitBreakerManager:
    def __init__(self, algorithm: "TradingAlgorithm", max_daily_loss: float = 0.03) -> None:
        self.algorithm = algorithm
        self.max_daily_loss = max_daily_loss
        self.daily_pnl = 0.0
        self.state = BreakerState.CLOSED
        self.reason: Optional[str] = None

    def record_pnl(self, pnl: float) -> None:
        self.daily_pnl += pnl
        if self.daily_pnl < -self.max_daily_loss * self.algorithm.capital:
            self.trip("daily loss limit")

    def trip(self, reason: str) -> int:
        # Imported here: order_executor imports this module at load time.
        from trading.managers.order_executor import cancel_all_orders

        self.state = BreakerState.TRIPPED
        self.reason = reason
        cancelled = cancel_all_orders(self.algorithm)
        self.algorithm.state_manager.halt_trading(reason)
        return cancelled

    def reset(self) -> None:
        self.daily_pnl = 0.0
        self.state = BreakerState.CLOSED
        self.reason = None
