class QuoteMonitor:
    def __init__(self, host):
        self.host = host

    def on_quote(self, price):
        alerts = getattr(self.host, "alert_service", None)
        if alerts is not None:
            alerts.notify(price)
