# More class features: class bodies with logic, class attributes shared vs instance,
# __getattr__, __setitem__, __iter__ on containers, __str__ vs __repr__, nested classes.
class Registry:
    instances = 0
    names = [n.upper() for n in ("a", "b")]
    if len(names) == 2:
        mode = "pair"
    else:
        mode = "other"

    def __init__(self):
        Registry.instances += 1
        self.data = {}

    def __setitem__(self, key, value):
        self.data[key] = value * 2

    def __getitem__(self, key):
        return self.data[key]

    def __delitem__(self, key):
        del self.data[key]

    def __len__(self):
        return len(self.data)

    def __getattr__(self, name):
        return "virtual:" + name

    class Entry:
        def __init__(self, k):
            self.k = k

        def __str__(self):
            return "Entry " + self.k

        def __repr__(self):
            return "<Entry %s>" % self.k


r = Registry()
Registry()
r["x"] = 5
r["y"] = "ab"
print(r["x"], r["y"], len(r), Registry.instances, Registry.names, Registry.mode, r.anything)
del r["x"]
print(len(r), str(Registry.Entry("e")), [Registry.Entry("f")], repr(Registry.Entry("g")))


class Ordered:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return self.v < other.v

    def __repr__(self):
        return "O%d" % self.v


print(sorted([Ordered(3), Ordered(1), Ordered(2)]), min(Ordered(5), Ordered(4)), max([Ordered(7), Ordered(9)], key=lambda o: o.v))


class WithClassVar:
    shared = []

    def add(self, v):
        self.shared.append(v)
        return self


a, b = WithClassVar(), WithClassVar()
a.add(1)
b.add(2)
print(a.shared, b.shared is a.shared)
