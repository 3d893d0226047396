"""Correlation limits between strategies."""
from typing import TYPE_CHECKING, Dict, Tuple

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class CorrelationManager:
    def __init__(self, algorithm: "TradingAlgorithm", threshold: float = 0.7) -> None:
        self.algorithm = algorithm
        self.threshold = threshold
        self.correlations: Dict[Tuple[str, str], float] = {}

    def update(self, a: str, b: str, corr: float) -> None:
        self.correlations[tuple(sorted((a, b)))] = corr

    def exposure_limit(self, strategy: str) -> float:
        limit = 1.0
        for pair, corr in self.correlations.items():
            if strategy in pair and corr > self.threshold:
                limit = min(limit, 0.5)
        if hasattr(self.algorithm, "greeks_monitor"):
            delta = self.algorithm.greeks_monitor.portfolio_delta()
            if abs(delta) > 100.0:
                limit = min(limit, 0.5)
        return limit
