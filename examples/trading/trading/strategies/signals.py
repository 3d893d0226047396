"""Entry signals shared by the strategies."""
from trading.strategies import base


def should_enter(strategy: "base.BaseStrategy", bar: "base.Bar") -> bool:
    if not isinstance(strategy, base.BaseStrategy):
        raise TypeError("signals apply to strategies only")
    return bar.iv_rank >= strategy.min_iv_rank and bar.vix < 40.0
