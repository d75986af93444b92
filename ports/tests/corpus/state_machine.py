# A vending-machine state machine driven by events, with a transition table of methods.
class Machine:
    PRICES = {"tea": 120, "soup": 200}

    def __init__(self):
        self.state = "idle"
        self.credit = 0
        self.log = []

    def handle(self, event, arg=None):
        handler = getattr(self, "on_%s_%s" % (self.state, event), None)
        if handler is None:
            self.log.append("ignored %s in %s" % (event, self.state))
            return
        new_state = handler(arg)
        if new_state != self.state:
            self.log.append("%s -> %s" % (self.state, new_state))
            self.state = new_state

    def on_idle_coin(self, amount):
        self.credit += amount
        return "paying"

    def on_paying_coin(self, amount):
        self.credit += amount
        return "paying"

    def on_paying_select(self, item):
        price = self.PRICES.get(item)
        if price is None or price > self.credit:
            self.log.append("cannot sell %s with %d" % (item, self.credit))
            return "paying"
        self.credit -= price
        self.log.append("sold " + item)
        return "vending"

    def on_vending_take(self, _):
        change, self.credit = self.credit, 0
        self.log.append("change %d" % change)
        return "idle"


m = Machine()
for event in [("take",), ("coin", 100), ("select", "tea"), ("coin", 50), ("select", "soup"),
              ("select", "tea"), ("coin", 5), ("take",)]:
    m.handle(*event)
print("\n".join(m.log))
print(m.state, m.credit)
