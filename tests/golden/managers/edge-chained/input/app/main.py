from app.risk import RiskCoordinator
from app.sizing import PositionSizer


class TradingAlgorithm:
    def __init__(self):
        self.risk = RiskCoordinator(self)
        self.position_sizer = PositionSizer(self)
