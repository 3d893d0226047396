"""Delta hedging. RebalanceEngine and HedgeExecutor each take the other in
their constructor, so neither can be created first: the host wires them in
two phases (see TradingAlgorithm.__init__)."""
from typing import TYPE_CHECKING, List, Optional

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class RebalanceEngine:
    def __init__(self, algorithm: "TradingAlgorithm", hedge_executor: Optional["HedgeExecutor"]) -> None:
        self.algorithm = algorithm
        self.hedge_executor = hedge_executor
        self.rebalances = 0

    def rebalance(self, delta: float) -> float:
        if self.hedge_executor is None:
            raise RuntimeError("rebalance engine used before its hedge executor was wired")
        self.rebalances += 1
        return self.hedge_executor.hedge(-delta)


class HedgeExecutor:
    def __init__(self, algorithm: "TradingAlgorithm", rebalance_engine: RebalanceEngine,
                 threshold: float = 50.0) -> None:
        self.algorithm = algorithm
        self.rebalance_engine = rebalance_engine
        self.threshold = threshold
        self.hedges: List[float] = []

    def hedge(self, delta: float) -> float:
        self.hedges.append(delta)
        return delta

    def on_greeks(self) -> Optional[float]:
        delta = self.algorithm.greeks_monitor.portfolio_delta()
        if abs(delta) > self.threshold:
            return self.rebalance_engine.rebalance(delta)
        return None
