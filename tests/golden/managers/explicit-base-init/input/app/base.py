class BaseManager:
    def __init__(self, host):
        self.host = host


class MixinCoordinator:
    def __init__(self):
        self.peers = []
