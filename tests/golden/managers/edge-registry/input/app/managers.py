class GreeksMonitor:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def delta(self):
        return len(self.algorithm.order_executor.orders)


class OrderExecutor:
    def __init__(self, algorithm):
        self.algorithm = algorithm
        self.orders = []

    def submit(self, order):
        if self.algorithm.greeks_monitor.delta() < 10:
            self.orders.append(order)
