import core.orders
