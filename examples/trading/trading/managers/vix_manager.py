"""VIX tracking and volatility regimes."""
from enum import Enum
from typing import TYPE_CHECKING, List

from trading.cache import market_data_cache as mdc

if TYPE_CHECKING:
    # Only for annotations: main imports this module, so a runtime import would be a cycle.
    from trading.main import TradingAlgorithm


class VolatilityRegime(Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    EXTREME = "extreme"


class UnifiedVIXManager:
    """Single source of the VIX level and regime for every other manager."""

    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algorithm = algorithm
        self.quotes = mdc.MarketDataCache(ttl=60.0)
        self.history: List[float] = []

    def update(self, vix: float) -> None:
        self.history.append(vix)
        self.quotes.store("VIX", vix)
        margin = getattr(self.algorithm, "margin_manager", None)
        if margin is not None and self.regime() in (VolatilityRegime.HIGH, VolatilityRegime.EXTREME):
            margin.tighten(1.5 if self.regime() is VolatilityRegime.EXTREME else 1.2)

    def current(self) -> float:
        cached = self.quotes.fetch("VIX")
        if cached is not None:
            return float(cached)
        return self.history[-1] if self.history else 20.0

    def regime(self) -> VolatilityRegime:
        vix = self.current()
        if vix < 15:
            return VolatilityRegime.LOW
        if vix < 25:
            return VolatilityRegime.NORMAL
        if vix < 40:
            return VolatilityRegime.HIGH
        return VolatilityRegime.EXTREME
