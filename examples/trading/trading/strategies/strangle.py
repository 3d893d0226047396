import math

from trading.strategies.base import Bar, BaseStrategy


def calculate_position_size(capital: float, risk_fraction: float, max_loss: float) -> int:
    """Contracts for an undefined-risk position (sized on a 2x stop)."""
    if max_loss <= 0 or capital <= 0:
        return 0
    budget = capital * risk_fraction
    contracts = math.floor(budget / (max_loss * 2))
    return max(0, int(contracts))


class ShortStrangleStrategy(BaseStrategy):
    name = "short_strangle"
    min_iv_rank = 50.0

    def max_loss(self, bar: Bar) -> float:
        return bar.price * 0.10 * 100
