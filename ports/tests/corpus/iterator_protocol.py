# Classes implementing the iterator protocol, and the built-ins that consume iterators.
class Countdown:
    def __init__(self, start):
        self.current = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1


class Cycle:
    def __init__(self, items, limit):
        self.items = items
        self.limit = limit

    def __iter__(self):
        for i in range(self.limit):
            yield self.items[i % len(self.items)]


print(list(Countdown(5)), sum(Countdown(100)), max(Countdown(7)))
print(list(Cycle("abc", 7)), "".join(Cycle("xy", 5)))
print(list(zip(Countdown(3), Cycle([10, 20], 5))), dict(zip("abc", Countdown(3))) == {"a": 3, "b": 2, "c": 1})
print(list(map(lambda a, b: a * b, [1, 2, 3], Countdown(3))), list(filter(None, [0, 1, "", "x", [], [0]])))
print(sorted(Countdown(4)), list(reversed([1, 2, 3])), list(enumerate(Cycle("ab", 3), start=5)))
it = iter(Countdown(2))
print(next(it), next(it), next(it, "exhausted"))
for a, b in zip(range(3), range(10, 13)):
    print(a, b, end="; ")
print()
print(any(x > 3 for x in Countdown(5)), all(x > 0 for x in Countdown(5)), list(range(3)) == list(Countdown(3))[::-1])
