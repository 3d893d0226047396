from app.base import BaseManager, MixinCoordinator
from app import base


class RiskManager(BaseManager, MixinCoordinator):
    """Initialises its bases explicitly: no new object, so no edge."""

    def __init__(self, host):
        BaseManager.__init__(self, host)
        base.MixinCoordinator.__init__(self)
        self.spare = BaseManager(host)  # a real instantiation: one edge
