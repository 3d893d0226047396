class TradeValidator:
    def validate(self, order):
        return bool(order)
