import math


class Hedger:
    def plan(self, account, price, risk):
        equity = account.equity()
        budget = equity * risk.fraction
        if price <= 0:
            raise ValueError("price must be positive")
        units = math.floor(budget / price)
        if units > risk.max_units:
            units = risk.max_units
        return {"units": units, "cost": units * price, "left": equity - units * price}
