"""VXX quotes from NYSE (a second source is kept on purpose: fallback)."""
EXCHANGE = "NYSE"


# unravel: allow-duplicate (fallback when CBOE is down)
def get_vxx_data(session, days=30):
    url = "https://%s.example.com/v1/series/%s" % (EXCHANGE.lower(), "VXX")
    resp = session.get(url, params={"days": days}, timeout=10)
    if resp.status_code != 200:
        raise RuntimeError("fetch failed: %d" % resp.status_code)
    rows = resp.json()["rows"]
    return [(r["t"], float(r["close"])) for r in rows]
