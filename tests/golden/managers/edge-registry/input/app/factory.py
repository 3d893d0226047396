from app.managers import GreeksMonitor, OrderExecutor

MANAGERS = {
    "greeks_monitor": GreeksMonitor,
}


def register(name, cls):
    MANAGERS[name] = cls


register("order_executor", OrderExecutor)


class ManagerFactory:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def get_manager(self, name):
        return MANAGERS[name](self.algorithm)
