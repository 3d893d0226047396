"""Open positions per symbol, fed by order_filled events."""
from typing import TYPE_CHECKING, Any, Dict

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class PortfolioTracker:
    def __init__(self, algorithm: "TradingAlgorithm", state_manager) -> None:
        self.algorithm = algorithm
        self.state_manager = state_manager
        self.positions: Dict[str, int] = {}

    def on_fill(self, data: Dict[str, Any]) -> None:
        symbol = data["symbol"]
        self.positions[symbol] = self.positions.get(symbol, 0) + int(data["quantity"])
        self.state_manager.cache.save("position:" + symbol, self.positions[symbol])

    def exposure(self, symbol: str) -> int:
        return self.positions.get(symbol, 0)

    def rebalance_portfolio(self) -> None:
        # TODO: rebalance across strategies once target weights are defined
        pass
