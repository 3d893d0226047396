"""Base class of every strategy."""
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from trading.strategies import signals

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


@dataclass
class Bar:
    symbol: str
    day: date
    price: float
    vix: float
    iv_rank: float


class BaseStrategy:
    name = "base"
    min_iv_rank = 30.0

    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algorithm = algorithm
        self.machine = algorithm.state_manager.register_strategy(self.name)
        self.entries = 0

    def max_loss(self, bar: Bar) -> float:
        return bar.price * 0.05 * 100

    def on_data(self, bar: Bar) -> bool:
        if not signals.should_enter(self, bar):
            return False
        if self.algorithm.managers["earnings_calendar"].blackout(bar.symbol, bar.day):
            return False
        quantity = self.algorithm.position_sizer.size(self.name, self.max_loss(bar))
        if quantity <= 0:
            return False
        if self.algorithm.order_executor.submit(bar.symbol, quantity, self.name):
            self.entries += 1
            return True
        return False
