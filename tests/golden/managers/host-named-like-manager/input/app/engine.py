from app.parts import OrderManager, RiskManager


class TradingEngine:
    def __init__(self):
        self.order_manager = OrderManager(self)
        self.risk_manager = RiskManager(self)
