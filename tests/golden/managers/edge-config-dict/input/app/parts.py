class VixManager:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def level(self):
        return self.algorithm.margin_manager.buffer()


class MarginManager:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def buffer(self):
        vix = getattr(self.algorithm, "vix_manager", None)
        return getattr(self.algorithm, "liquidity_manager", vix)
