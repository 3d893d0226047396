# café
class LatinCache:
    pass
