class QuoteService:
    def __init__(self, host):
        self.host = host


class CacheManager:
    pass
