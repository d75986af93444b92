# set and frozenset: methods, operators, in-place forms, subsets and hashing.
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b)), sorted(a.intersection([4, 9])), sorted(a.difference(b, [1])))
print(sorted(a.symmetric_difference(range(3))), a.isdisjoint(b), a.isdisjoint([9]))
print({1, 2} <= a, {1, 2} < a, a < a, a <= a, a >= {1}, a > a, a == {4, 3, 2, 1}, a != b)
print({1}.issubset([1, 2]), a.issuperset(range(1, 3)), a.issuperset({7}))

c = set(a)
c |= {10}
c &= {1, 2, 10, 11}
c -= {2}
c ^= {1, 99}
print(sorted(c))
d = a.copy()
d.update([7, 8], (9,))
d.difference_update({1}, [2])
d.intersection_update(range(5, 10))
d.symmetric_difference_update({9, 100})
print(sorted(d), len(d), sorted(a))
n = len(d)
popped = d.pop()
print(popped in (7, 8, 100), len(d) == n - 1)
d.clear()
print(d, len(d), bool(d))
try:
    d.pop()
except KeyError:
    print("KeyError")
try:
    d.remove(5)
except KeyError as e:
    print("KeyError", e)

f = frozenset([3, 1, 2, 1])
g = frozenset("ab")
print(len(f), 2 in f, sorted(f | {9}), sorted(f & {1, 5}), type(f | {9}).__name__)
print(frozenset(), set(), sorted(f.union({7})), sorted(g), f.issubset({1, 2, 3, 4}), f == {1, 2, 3})
print(type(f.copy()).__name__, sorted(f.difference([1])), sorted(f.symmetric_difference({3, 4})))
fs = frozenset([f, frozenset([1, 2, 3])])
print(len(fs), hash(f) == hash(frozenset([1, 2, 3])), {f: "value"}[frozenset([2, 3, 1])])
h = f
h |= {8}
print(sorted(h), sorted(f), h is f)
try:
    f.add(1)
except AttributeError:
    print("frozenset has no add")
try:
    hash({1})
except TypeError:
    print("set is unhashable")
