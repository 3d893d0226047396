class BrokenManager:
    def f(self:
        return (

class AfterErrorMonitor:
    pass
