from app.alerts import AlertService
from app.quotes import QuoteMonitor


class Platform:
    def __init__(self):
        self.quote_monitor = QuoteMonitor(self)
        self.alert_service = AlertService(self)
