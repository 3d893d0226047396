class Host:
    def __init__(self, algorithm: "Algorithm", vix_manager: VixManager):
        self.algorithm: Algorithm = algorithm
        self.vix_manager = vix_manager
        self.a = self.b = RiskManager(self)
        self.risk.correlation_manager = CorrelationManager(self.risk)
        self.factory_made = self.factory.create("margin", config)
        self.notbind = VixManager(self) if flag else None
        self.cfg = mod.sub.MarketManager(
            self,
            1,
        )
        def later():
            return self.algorithm.risk.correlation_manager.value
        self.cb = later
    def check(self):
        m = getattr(self.algorithm, "margin_manager", None)
        ok = hasattr(self.algorithm.portfolio, "cache")
        x = self.algorithm.managers["vix"].get()
        return algo.x.y
registry.register("greeks", greeks.GreeksManager)
REGISTRY = dict(vix=VixManager)
