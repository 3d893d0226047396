from app.parts import MarginManager, VixManager

MANAGER_CONFIGS = {
    "vix_manager": {"class": VixManager, "priority": 1},
    "margin_manager": {"class": MarginManager, "priority": 2},
}


class TradingAlgorithm:
    def __init__(self):
        for name, conf in MANAGER_CONFIGS.items():
            setattr(self, name, conf["class"](self))


class Settings:
    pass
