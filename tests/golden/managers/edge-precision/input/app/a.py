class PricingService:
    def __init__(self, host):
        self.host = host

    def price(self, other):
        svc = self.host
        a = svc.quote_service           # through a local: not tracked, no edge
        b = other.quote_service         # an untyped parameter: no edge
        c = self.quote_service          # its own attribute, never bound: no edge
        return a, b, c
