from trading.strategies.base import Bar, BaseStrategy


class IronCondorStrategy(BaseStrategy):
    name = "iron_condor"
    wing_width = 5.0

    def max_loss(self, bar: Bar) -> float:
        return self.wing_width * 100
