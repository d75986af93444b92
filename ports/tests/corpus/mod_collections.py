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
