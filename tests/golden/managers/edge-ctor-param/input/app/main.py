from app.core import EventBus, StateManager
from app.workers import HedgeExecutor, RebalanceEngine, Reporter


class Engine:
    """The host: named like a manager, but it is the composition root."""

    def __init__(self):
        self.event_bus = EventBus()
        self.state_manager = StateManager(self.event_bus)
        self.rebalance_engine = RebalanceEngine(self, hedge_executor=None)
        self.hedge_executor = HedgeExecutor(self, self.rebalance_engine)
        self.rebalance_engine.hedge_executor = self.hedge_executor
        self.reporter = Reporter(self.state_manager, self.event_bus)
