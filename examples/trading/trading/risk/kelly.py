"""Kelly-criterion helpers."""
import math


def kelly_fraction(win_rate: float, win_loss_ratio: float) -> float:
    if win_loss_ratio <= 0:
        return 0.0
    return max(0.0, win_rate - (1.0 - win_rate) / win_loss_ratio)


def calculate_position_size(capital: float, risk_fraction: float, max_loss: float) -> int:
    """Contracts such that a full loss costs at most risk_fraction of capital."""
    if max_loss <= 0 or capital <= 0:
        return 0
    budget = capital * risk_fraction
    contracts = math.floor(budget / max_loss)
    return max(0, int(contracts))
