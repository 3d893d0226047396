class PortfolioTracker:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def check(self, symbol):
        calendar = self.algorithm.managers["earnings_calendar"]
        return calendar.blackout(symbol)


class EarningsCalendar:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def blackout(self, symbol):
        return self.algorithm.managers["holiday_calendar"].closed(symbol)
