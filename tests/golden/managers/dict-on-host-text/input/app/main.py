from app.parts import EarningsCalendar, PortfolioTracker


class Algorithm:
    def __init__(self):
        self.managers = {
            "portfolio_tracker": PortfolioTracker(self),
            "earnings_calendar": EarningsCalendar(self),
        }
