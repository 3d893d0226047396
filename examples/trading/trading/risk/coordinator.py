"""The risk sub-object of the host: owns the correlation and loss limits."""
from typing import TYPE_CHECKING

from trading.risk.circuit_breaker import BreakerState, CircuitBreakerManager
from trading.risk.correlation_manager import CorrelationManager

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class RiskCoordinator:
    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algorithm = algorithm
        self.correlation_manager = CorrelationManager(algorithm)
        self.circuit_breaker = CircuitBreakerManager(algorithm, max_daily_loss=0.03)

    def pre_trade_check(self, strategy: str) -> bool:
        if self.circuit_breaker.state is BreakerState.TRIPPED:
            return False
        return self.correlation_manager.exposure_limit(strategy) > 0.0
