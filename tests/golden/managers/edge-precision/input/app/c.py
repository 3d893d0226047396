class CacheManager:
    pass


class UserService:
    def load(self):
        return CacheManager()           # this module's own class, not app.b's
