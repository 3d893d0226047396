class AlertService:
    def __init__(self, host):
        self.host = host

    def notify(self, price):
        if hasattr(self.host, "quote_monitor"):
            return self.host.quote_monitor
        return None
