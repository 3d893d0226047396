"""Margin buffer that widens with volatility."""
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class DynamicMarginManager:
    def __init__(self, algorithm: "TradingAlgorithm", base_buffer: float = 0.2) -> None:
        self.algorithm = algorithm
        self.base_buffer = base_buffer
        self.multiplier = 1.0

    def tighten(self, factor: float) -> None:
        self.multiplier = max(self.multiplier, factor)

    def buffer(self) -> float:
        vix = self.algorithm.vix_manager.current()
        return min(0.9, self.base_buffer * self.multiplier * max(1.0, vix / 20.0))

    def available_margin(self) -> float:
        return self.algorithm.capital * (1.0 - self.buffer())
