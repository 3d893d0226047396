class PositionCache:
    def __init__(self, max_size: int = 100) -> None:
        self.max_size = max_size
        self.items = {}

    def get(self, key, default=None):
        return self.items.get(key, default)

    def put(self, key, value):
        self.items[key] = value
