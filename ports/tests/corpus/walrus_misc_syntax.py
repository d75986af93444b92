# Assignment expressions, chained comparisons, conditional expressions, del and pass.
data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print("long list", n)
print([y for x in data if (y := x * 2) > 6])
i = 0
while (i := i + 1) < 4:
    print("loop", i)
print(1 < 2 < 3, 3 > 2 > 2, 1 < 3 > 2, "a" < "b" <= "b" != "c")
x = 7
print("pos" if x > 0 else "neg", x if x % 2 else -x, (x > 5) + (x > 6) + (x > 7))
a = b = c = [0]
print(a is b is c)
del a
try:
    print(a)
except NameError:
    print("a deleted")
values = {"k": 1, "j": 2}
del values["k"]
print(values)
print(not None, None is None, type(None).__name__, ... is Ellipsis, [1, 2][True])
lst = list(range(10))
print(lst[2:8:3], lst[::-3], lst[-3:-1], lst[:100], lst[5:2])
print(isinstance(3, (int, float)), isinstance("s", int), callable(print), callable(3))
