from typing import TYPE_CHECKING

from shop import orders

if TYPE_CHECKING:
    from shop.ledger import Ledger


class BillingManager:
    def __init__(self, order_manager: "orders.OrderManager") -> None:
        self.order_manager = order_manager
