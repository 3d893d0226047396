"""Contract counts from margin, correlation limits and max loss."""
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


def calculate_position_size(capital: float, risk_fraction: float, max_loss: float) -> int:
    """Contracts such that a full loss costs at most risk_fraction of capital."""
    if max_loss <= 0 or capital <= 0:
        return 0
    budget = capital * risk_fraction
    contracts = math.floor(budget / max_loss)
    return max(0, int(contracts))


class UnifiedPositionSizer:
    def __init__(self, algorithm: "TradingAlgorithm", risk_fraction: float = 0.02,
                 max_contracts: int = 20) -> None:
        self.algorithm = algorithm
        self.risk_fraction = risk_fraction
        self.max_contracts = max_contracts

    def size(self, strategy: str, max_loss: float) -> int:
        margin = self.algorithm.margin_manager.available_margin()
        limit = self.algorithm.risk.correlation_manager.exposure_limit(strategy)
        contracts = calculate_position_size(margin, self.risk_fraction * limit, max_loss)
        return min(contracts, self.max_contracts)
