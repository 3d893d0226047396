from feeds.vix import get_vix_data


def hedge_ratio(session):
    return min(1.0, get_vix_data(session, days=1)[-1][1] / 100)
