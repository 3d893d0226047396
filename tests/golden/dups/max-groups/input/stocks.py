def summarize_prices(rows, window):
    total = 0.0
    count = 0
    for row in rows[-window:]:
        if row.close is None:
            continue
        total += row.close
        count += 1
    mean = total / count if count else 0.0
    spread = max(r.close for r in rows) - min(r.close for r in rows)
    return {"mean": mean, "spread": spread, "n": count}
