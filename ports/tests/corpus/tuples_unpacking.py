# Tuples, sequence unpacking and starred assignment.
t = (1, 2, 3)
a, b, c = t
print(a, b, c, t[1:], t + (4,), t * 2, len(t), t.index(2), t.count(3))
first, *rest = [10, 20, 30, 40]
*init, last = "abcd"
head, *mid, tail = range(6)
print(first, rest, init, last, head, mid, tail)
(x, y), z = (1, 2), 3
print(x, y, z)
p, q = q, p = 5, 6
print(p, q)
for i, (k, v) in enumerate([("a", 1), ("b", 2)]):
    print(i, k, v)
single = (7,)
empty = ()
print(single, empty, len(empty), (1, 2) < (1, 3), (3,) > (2, 9))
m, n = n, m = "left", "right"
print(m, n)
nested = ((1, 2), (3, 4))
print([a + b for a, b in nested], tuple(x * 2 for x in t), hash((1, 2)) == hash((1, 2)))
