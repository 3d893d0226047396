"""Order handling."""
import math


def size_order(account, price, risk):
    equity = account.equity()
    budget = equity * risk.fraction
    if price <= 0:
        raise ValueError("price must be positive")
    units = math.floor(budget / price)
    if units > risk.max_units:
        units = risk.max_units
    return {"units": units, "cost": units * price, "left": equity - units * price}


def cancel(order):
    order.cancel()
