import subprocess
import sys
import unittest
from datetime import date
from pathlib import Path

from trading.cache.unified import CacheType, UnifiedCache
from trading.core.state_manager import SystemState
from trading.main import TradingAlgorithm
from trading.managers.vix_manager import VolatilityRegime
from trading.risk import kelly
from trading.risk.circuit_breaker import BreakerState
from trading.strategies.base import Bar

HERE = Path(__file__).resolve().parent.parent


def bar(vix: float = 18.0, iv_rank: float = 60.0, symbol: str = "SPY", day: date = date(2024, 8, 1)) -> Bar:
    return Bar(symbol=symbol, day=day, price=100.0, vix=vix, iv_rank=iv_rank)


class TradingAlgorithmTest(unittest.TestCase):
    def test_entries_and_fills(self) -> None:
        algo = TradingAlgorithm()
        self.assertEqual(algo.on_data(bar()), 2)
        tracker = algo.managers["portfolio_tracker"]
        self.assertGreater(tracker.exposure("SPY"), 0)
        self.assertEqual(len(algo.order_executor.orders), 2)
        self.assertEqual(algo.state_manager.cache.lookup("position:SPY"), tracker.exposure("SPY"))

    def test_vix_regime_tightens_margin(self) -> None:
        algo = TradingAlgorithm()
        before = algo.margin_manager.available_margin()
        algo.vix_manager.update(45.0)
        self.assertIs(algo.vix_manager.regime(), VolatilityRegime.EXTREME)
        self.assertLess(algo.margin_manager.available_margin(), before)

    def test_earnings_blackout(self) -> None:
        algo = TradingAlgorithm()
        algo.managers["earnings_calendar"].load([("SPY", date(2024, 8, 2))])
        self.assertEqual(algo.on_data(bar()), 0)

    def test_circuit_breaker_halts_and_cancels(self) -> None:
        algo = TradingAlgorithm()
        algo.on_data(bar())
        algo.on_end_of_day(-10_000.0)
        self.assertIs(algo.risk.circuit_breaker.state, BreakerState.TRIPPED)
        self.assertIs(algo.state_manager.system_state, SystemState.HALTED)
        self.assertTrue(all(o.status == "cancelled" for o in algo.order_executor.orders))
        self.assertEqual(algo.on_data(bar()), 0)

    def test_two_phase_hedging_wiring(self) -> None:
        algo = TradingAlgorithm()
        self.assertIs(algo.rebalance_engine.hedge_executor, algo.hedge_executor)
        algo.greeks_monitor.record("QQQ", delta=80.0, gamma=0.0, vega=0.0)
        self.assertEqual(algo.hedge_executor.on_greeks(), -80.0)
        self.assertEqual(algo.rebalance_engine.rebalances, 1)

    def test_registry_factory_returns_singletons(self) -> None:
        algo = TradingAlgorithm()
        self.assertIs(algo.factory.get_manager("greeks_monitor"), algo.greeks_monitor)
        self.assertTrue(algo.greeks_monitor.within_budget())

    def test_position_size_helpers_agree(self) -> None:
        from trading.managers import position_sizer
        self.assertEqual(kelly.calculate_position_size(100_000, 0.02, 500),
                         position_sizer.calculate_position_size(100_000, 0.02, 500))


class CacheTest(unittest.TestCase):
    def test_unified_cache_partitions_types(self) -> None:
        cache = UnifiedCache(cache_type=CacheType.GREEKS, max_size=2)
        cache.put("a", 1)
        cache.put("a", 2, cache_type=CacheType.MARKET_DATA)
        self.assertEqual(cache.get("a"), 1)
        self.assertEqual(cache.get("a", cache_type=CacheType.MARKET_DATA), 2)
        cache.put("b", 3)
        cache.put("c", 4)
        self.assertIsNone(cache.get("a"))


class ImportCycleTest(unittest.TestCase):
    def test_cyclic_modules_import_in_either_order(self) -> None:
        for first in ("trading.strategies.signals", "trading.strategies.base",
                      "trading.risk.circuit_breaker", "trading.managers.order_executor"):
            subprocess.run([sys.executable, "-c", "import %s; import trading.main" % first],
                           cwd=HERE, check=True)


if __name__ == "__main__":
    unittest.main()
