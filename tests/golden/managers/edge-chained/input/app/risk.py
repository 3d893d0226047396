from app.correlation import CorrelationManager


class RiskCoordinator:
    def __init__(self, algorithm):
        self.correlation_manager = CorrelationManager(algorithm)
