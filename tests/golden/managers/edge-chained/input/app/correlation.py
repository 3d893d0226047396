class CorrelationManager:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def limit(self):
        return self.algorithm.position_sizer.max_contracts
