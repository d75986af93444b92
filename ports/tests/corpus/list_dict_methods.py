# list and dict methods: copies, clearing, removal, slice assignment, updates and views.
a = [0, 1, 2, 3, 4, 5]
b = a.copy()
a[1:3] = [10, 20, 30]
print(a, b, a is not b)
a[:0] = (-1,)
a[-2:] = []
del a[0:2]
print(a, len(a))
a[2:2] = "xy" and ["x", "y"]
a.remove("x")
print(a, a.index("y"), a.index(30, 1), [1, 2, 1].index(1, 1), (5, 6, 5).index(5, 1))
try:
    a.remove("absent")
except ValueError:
    print("not in list")
try:
    [1, 2].index(1, 1)
except ValueError:
    print("not in range")
a += range(2)
a += (7,)
print(a)
a.clear()
print(a, len(a), b)

d = {"x": 1}
d.update({"y": 2}, z=3)
d.update([("w", 4)])
d.update(v=5)
print(sorted(d.items()), len(d))
e = d.copy()
e["x"] = 100
print(d["x"], e["x"], sorted(e) == sorted(d))
print(sorted(dict.fromkeys("ab")), dict.fromkeys([1], 0), sorted(dict([(1, "one")], two=2).items(), key=str))
k, v = d.popitem()
print(k not in d, len(d))
d.clear()
print(d, len(d))
try:
    d.popitem()
except KeyError:
    print("empty dict")
try:
    dict([(1, 2, 3)])
except ValueError:
    print("ValueError")
f = {1: "a"}
print(f.keys(), f.values(), f.items(), len(f.keys()), 1 in f.keys(), "a" in f.values())
f[2] = "b"
print(sorted(f.items()), bool({}.keys()), f.__getitem__(1))
f.__setitem__(3, "c")
f.__delitem__(1)
print(f)
