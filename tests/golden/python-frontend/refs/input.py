from .vix import VixManager
import mod
class Algo:
    def __init__(self, algorithm, risk_manager, *, cache=None):
        self.algorithm = algorithm
        self.risk = risk_manager
        self.cache = cache
        self.vix = VixManager(self)
        self.other = mod.OtherManager(self, 1)
        self.managers["greeks"] = GreeksManager()
        self.registry = {"vix": VixManager(self), "risk": RiskManager()}
        self.got = self.algorithm.get_manager("portfolio")
        self.count: int = counter()
    def run(self):
        v = self.algorithm.vix_manager.get()
        w = self.algorithm.managers["vix"].value
        x = getattr(self.algorithm, "risk_manager", None)
        if hasattr(algorithm, "cache_manager"):
            pass
        y = VixManager.from_config(cfg)
        z = algorithm.x
        self.plain.call()
        register("market", MarketManager)
        self.reg.register_manager("risk", risk.RiskManager)
MANAGERS = {
    "vix": VixManager,
    "greeks": greeks.GreeksManager,
    "lower": something_lower,
}
CONFIGS = {
    "portfolio": {"class": PortfolioManager, "enabled": True},
    "orders": {"enabled": False, "class": orders.OrderManager},
}
