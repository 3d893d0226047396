class PositionSizer:
    max_contracts = 10

    def __init__(self, algorithm):
        self.algorithm = algorithm

    def size(self):
        return self.algorithm.risk.correlation_manager.limit()
