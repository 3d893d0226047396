from app.factory import ManagerFactory


class Algorithm:
    def __init__(self):
        self.factory = ManagerFactory(self)
        self.greeks_monitor = self.factory.get_manager("greeks_monitor")
        self.order_executor = self.factory.get_manager("order_executor")
