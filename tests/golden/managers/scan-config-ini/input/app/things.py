class BigThing:
    pass


class LegacyThing:
    pass


class SharedPool:
    pass


class HazardZone:
    pass


class VixManager:
    """Not a manager under these rules."""


class GateKeeper(BigThing):
    pass


class Derived(GateKeeper):
    """Manager-like through its base class."""
