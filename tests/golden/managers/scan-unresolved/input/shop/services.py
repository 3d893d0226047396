class BillingService:
    def __init__(self, app):
        self.app = app

    def charge(self):
        if self.app.debug:                              # data attribute: fine
            return None
        self.app.mail.send("charged")                   # bound: fine
        self.app.items.append(1)                        # data attribute: fine
        fraud = getattr(self.app, "fraud_checker", None)  # bound nowhere: reported
        audit = self.app.services["audit"]              # dict entry: fine
        other = self.app.services["ledger"]             # missing dict entry: reported
        return fraud, audit, other


class MailService:
    def __init__(self, app):
        self.app = app

    def send(self, text):
        algorithm = text                                # a local, not the host
        return algorithm.upper(), self.app.tax_service  # manager-like name, unbound: reported


class Registry:
    def __init__(self, app):
        self.app = app


def notify(app):
    return app.sms_service                              # host parameter, unbound: reported
