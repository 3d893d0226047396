"""Order validation and submission."""
from dataclasses import dataclass
from typing import TYPE_CHECKING, List

from trading.risk.circuit_breaker import BreakerState

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


@dataclass
class Order:
    symbol: str
    quantity: int
    strategy: str
    status: str = "filled"


class TradeValidator:
    def __init__(self, max_contracts: int) -> None:
        self.max_contracts = max_contracts

    @classmethod
    def default(cls) -> "TradeValidator":
        return cls(max_contracts=50)

    def validate(self, order: Order) -> bool:
        return 0 < order.quantity <= self.max_contracts and bool(order.symbol)


class OrderExecutor:
    def __init__(self, algorithm: "TradingAlgorithm") -> None:
        self.algorithm = algorithm
        self.validator = TradeValidator.default()
        self.orders: List[Order] = []

    def submit(self, symbol: str, quantity: int, strategy: str) -> bool:
        if self.algorithm.risk.circuit_breaker.state is BreakerState.TRIPPED:
            return False
        if not self.algorithm.state_manager.can_trade(strategy):
            return False
        liquidity = getattr(self.algorithm, "liquidity_manager", None)
        if liquidity is not None and not liquidity.has_depth(symbol, quantity):
            return False
        tracker = self.algorithm.managers["portfolio_tracker"]
        if tracker.exposure(symbol) + quantity > self.validator.max_contracts:
            return False
        order = Order(symbol, quantity, strategy)
        if not self.validator.validate(order):
            return False
        self.orders.append(order)
        self.algorithm.event_bus.publish("order_filled", {"symbol": symbol, "quantity": quantity,
                                                          "strategy": strategy})
        return True

    def cancel_all(self) -> int:
        live = [o for o in self.orders if o.status == "filled"]
        for order in live:
            order.status = "cancelled"
        return len(live)


def cancel_all_orders(algorithm: "TradingAlgorithm") -> int:
    return algorithm.order_executor.cancel_all()
