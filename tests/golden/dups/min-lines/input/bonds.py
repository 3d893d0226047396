def describe_yields(points, span):
    acc = 0.0
    seen = 0
    for p in points[-span:]:
        if p.rate is None:
            continue
        acc += p.rate
        seen += 1
    avg = acc / seen if seen else 0.0
    width = max(q.rate for q in points) - min(q.rate for q in points)
    return {"avg": avg, "width": width, "k": seen}
