from services.billing import charge
class Order: pass
