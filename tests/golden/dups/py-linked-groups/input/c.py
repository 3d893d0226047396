def settle_orders(items, limit, rate, floor, journal):
    journal.open("orders")
    journal.note(len(items))
    checked = [x for x in items if x is not None]
    journal.count(checked)
    total = 0
    for item in items:
        if item.price > limit and item.quantity:
            total += item.price * item.quantity
        elif item.discount:
            total -= item.discount * rate
    result = round(total, 2)
    if result < floor:
        result = floor
    return result
