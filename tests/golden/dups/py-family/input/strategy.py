from feeds.vix import get_vix_data
from feeds.market import get_market_data


def signal(session):
    vix = get_vix_data(session)
    spy = get_market_data(session, days=5)
    return vix[-1][1] > 30 and spy[-1][1] < spy[0][1]
