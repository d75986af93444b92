# collections.deque: bounded appends at both ends, pops, indexing, iteration, extend.
from collections import deque

d = deque((1, 2, 3), 5)
d.append(4)
d.appendleft(0)
print(list(d), len(d), bool(d), d[0], d[-1], d[2])
d.append(5)
print(list(d), len(d))
d.appendleft(-1)
print(list(d))
d.extend(range(10, 13))
print(list(d), d.pop(), d.popleft(), list(d))
d[0] = "first"
d[-1] = "last"
print([x for x in d], 11 in d, 99 in d)

window = deque((), 3)
for value in range(7):
    window.append(value)
    print(sum(window), end=" ")
print()

empty = deque([], 2)
print(len(empty), bool(empty))
for attempt in (empty.pop, empty.popleft, lambda: d[10], lambda: d[-10]):
    try:
        attempt()
        print("no error")
    except IndexError:
        print("IndexError")


class Tracked(deque):
    def push(self, item):
        self.append(item)
        return len(self)


t = Tracked([], 2)
print(t.push("a"), t.push("b"), t.push("c"), list(t), isinstance(t, deque))

# OrderedDict keeps insertion order (MicroPython's plain dicts do not).
from collections import OrderedDict
import json

od = OrderedDict([("zebra", 1), ("apple", 2), (10, 3)])
od["mango"] = 4
od["apple"] = 20
print(list(od.keys()), list(od.values()), list(od.items()), len(od))
del od["zebra"]
print(list(od), od.get("mango"), od.get("nope", "default"), "apple" in od, "zebra" in od)
print(od.pop("apple"), od.popitem(), list(od.items()), od.setdefault("kiwi", 7), list(od))
print(json.dumps(OrderedDict([("b", 1), ("a", [2])])))
same = OrderedDict([("x", 1), ("y", 2)])
print(same == OrderedDict([("x", 1), ("y", 2)]), same == OrderedDict([("y", 2), ("x", 1)]))
try:
    OrderedDict().popitem()
except KeyError:
    print("KeyError")
try:
    od["missing"]
except KeyError as error:
    print("KeyError", error.args)

# namedtuple: fields by name and index, keywords, tuple operations, errors.
from collections import namedtuple

Point = namedtuple("Point", ["x", "y"])
p = Point(3, y=4)
print(p, p.x, p.y, p[0], p[-1], p[:1], len(p), list(p))
x, y = p
print(x + y, p == (3, 4), p == Point(3, 4), p == Point(4, 3), p + (5,), p * 2)
Color = namedtuple("Color", "red green blue")
print(Color(blue=3, red=1, green=2), type(Color(1, 2, 3)).__name__)
for attempt in (lambda: Point(1), lambda: Point(1, 2, 3), lambda: Point(1, x=2), lambda: Point(1, z=2), lambda: namedtuple("T", 1)):
    try:
        attempt()
        print("no error")
    except TypeError:
        print("TypeError")
try:
    p.z
except AttributeError:
    print("AttributeError")
