"""Earnings dates: no new positions in the days before a report."""
from datetime import date
from typing import TYPE_CHECKING, Dict, Iterable, Tuple

from trading.cache.market_data_cache import MarketDataCache

if TYPE_CHECKING:
    from trading.main import TradingAlgorithm


class EarningsCalendar:
    def __init__(self, algorithm: "TradingAlgorithm", blackout_days: int = 3) -> None:
        self.algorithm = algorithm
        self.blackout_days = blackout_days
        self.events: Dict[str, date] = {}

    def load(self, rows: Iterable[Tuple[str, date]]) -> int:
        cache = MarketDataCache(max_size=100)
        for symbol, day in rows:
            if cache.fetch(symbol) is None:
                cache.store(symbol, day)
                self.events[symbol] = day
        return len(self.events)

    def blackout(self, symbol: str, today: date) -> bool:
        report = self.events.get(symbol)
        return report is not None and 0 <= (report - today).days <= self.blackout_days
