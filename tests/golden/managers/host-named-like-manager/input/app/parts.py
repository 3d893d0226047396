class OrderManager:
    def __init__(self, engine):
        self.engine = engine

    def submit(self):
        return self.engine.risk_manager.check()


class RiskManager:
    def __init__(self, engine: "TradingEngine"):
        self.engine = engine

    def check(self):
        return self.engine.order_manager is not None
