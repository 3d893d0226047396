from shop.billing import BillingManager


class Ledger:
    def total(self) -> int:
        return 0
