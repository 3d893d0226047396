from core.orders import Order  # cycle: core.orders <-> services.billing
