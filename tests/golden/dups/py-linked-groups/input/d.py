def rebalance(items, limit, rate, floor):
    if not items:
        raise ValueError("empty")
    logger.info("rebalancing %d", len(items))
    weights = {k: v for k, v in enumerate(items)}
    audit(weights, limit)
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
