from shop.services import BillingService, MailService, Registry


class App:
    def __init__(self, debug=False):
        self.debug = debug
        self.billing = BillingService(self)
        self.mail = MailService(self)
        self.services = {"audit": Registry(self)}
        self.items = []
