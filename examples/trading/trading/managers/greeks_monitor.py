"""Portfolio greeks and the delta budget."""
from typing import TYPE_CHECKING, Dict

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class GreeksMonitor:
    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algo = algorithm
        self.positions: Dict[str, Dict[str, float]] = {}

    def record(self, symbol: str, delta: float, gamma: float, vega: float) -> None:
        greeks = {"delta": delta, "gamma": gamma, "vega": vega}
        self.positions[symbol] = greeks
        self.algo.greeks_cache.put(symbol, greeks)

    def greeks_of(self, symbol: str) -> Dict[str, float]:
        cached = self.algo.greeks_cache.get(symbol)
        return cached if cached is not None else self.positions.get(symbol, {})

    def portfolio_delta(self) -> float:
        return sum(g["delta"] for g in self.positions.values())

    def delta_budget(self) -> float:
        return self.algo.position_sizer.max_contracts * 10.0

    def within_budget(self) -> bool:
        return abs(self.portfolio_delta()) <= self.delta_budget()
