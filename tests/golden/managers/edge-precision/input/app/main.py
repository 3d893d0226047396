from app.a import PricingService
from app.b import QuoteService


class Host:
    def __init__(self):
        self.pricing_service = PricingService(self)
        self.quote_service = QuoteService(self)
