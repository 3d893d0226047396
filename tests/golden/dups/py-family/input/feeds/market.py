import requests

BASE = "https://data.example.com"


def get_market_data(session, days=30):
    url = "%s/v1/series/%s" % (BASE, "SPY")
    resp = session.get(url, params={"days": days}, timeout=10)
    if resp.status_code != 200:
        raise RuntimeError("fetch failed: %d" % resp.status_code)
    rows = resp.json()["rows"]
    return [(r["t"], float(r["close"])) for r in rows]
