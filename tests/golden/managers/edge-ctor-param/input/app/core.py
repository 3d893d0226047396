class EventBus:
    def publish(self, event):
        return event


class StateManager:
    def __init__(self, bus: EventBus):
        self.bus = bus
