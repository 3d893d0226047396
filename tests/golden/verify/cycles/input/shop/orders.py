from shop import billing


class OrderManager:
    def __init__(self, billing_manager: "billing.BillingManager") -> None:
        self.billing_manager = billing_manager
