"""The composition root: TradingAlgorithm creates every manager and hangs it off itself."""
from typing import Any, Dict, List

from trading.cache.greeks_cache import GreeksCache
from trading.cache.position_cache import PositionCache
from trading.core.event_bus import EventBus
from trading.core.factory import ManagerFactory
from trading.core.state_manager import UnifiedStateManager
from trading.managers.earnings_calendar import EarningsCalendar
from trading.managers.hedging import HedgeExecutor, RebalanceEngine
from trading.managers.margin_manager import DynamicMarginManager
from trading.managers.portfolio_tracker import PortfolioTracker
from trading.managers.position_sizer import UnifiedPositionSizer
from trading.managers.vix_manager import UnifiedVIXManager
from trading.risk.coordinator import RiskCoordinator
from trading.strategies.base import Bar, BaseStrategy
from trading.strategies.iron_condor import IronCondorStrategy
from trading.strategies.strangle import ShortStrangleStrategy


class TradingAlgorithm:
    def __init__(self, capital: float = 100_000.0) -> None:
        self.capital = capital
        self.event_bus = EventBus()
        self.greeks_cache = GreeksCache(max_size=500)
        self.state_manager = UnifiedStateManager(self, cache=PositionCache(max_size=200))
        self.vix_manager = UnifiedVIXManager(self)
        self.margin_manager = DynamicMarginManager(self)
        self.position_sizer = UnifiedPositionSizer(self)
        self.risk = RiskCoordinator(self)
        self.factory = ManagerFactory(self)
        self.greeks_monitor = self.factory.get_manager("greeks_monitor")
        self.order_executor = self.factory.get_manager("order_executor")
        self.managers: Dict[str, Any] = {
            "portfolio_tracker": PortfolioTracker(self, self.state_manager),
            "earnings_calendar": EarningsCalendar(self),
        }
        # Each of these needs the other at construction: wired in two phases.
        self.rebalance_engine = RebalanceEngine(self, hedge_executor=None)
        self.hedge_executor = HedgeExecutor(self, rebalance_engine=self.rebalance_engine)
        self.rebalance_engine.hedge_executor = self.hedge_executor
        self.event_bus.subscribe("order_filled", self.managers["portfolio_tracker"].on_fill)
        self.strategies: List[BaseStrategy] = [IronCondorStrategy(self), ShortStrangleStrategy(self)]

    def on_data(self, bar: Bar) -> int:
        """Feed one bar to every component; returns the number of entries made."""
        self.vix_manager.update(bar.vix)
        self.greeks_monitor.record(bar.symbol, delta=-0.15 * len(self.order_executor.orders),
                                   gamma=0.01, vega=-0.2)
        entries = sum(1 for strategy in self.strategies if strategy.on_data(bar))
        self.hedge_executor.on_greeks()
        return entries

    def on_end_of_day(self, pnl: float) -> None:
        self.risk.circuit_breaker.record_pnl(pnl)
