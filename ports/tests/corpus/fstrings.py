# f-strings: expressions, format specs, nesting and conversions.
name = "krait"
n = 42
pi = 3.14159
items = [1, 2, 3]
print(f"{name} has {n} scales")
print(f"{n:5d}|{n:<5}|{n:^7}|{n:x}|{n:b}|{n:08.3f}")
print(f"{pi:.2f} {pi * 2:.3f} {name!r} {name.upper()}")
print(f"{items[1] + 10} {len(items)} {'nested'} {items}")
width = 8
print(f"[{name:>{width}}] [{n:{width}d}]")
d = {"k": 5}
print(f"{d['k'] * 2} {{literal braces}} {n if n > 40 else 0}")
print(f"multi {1}" f" part {2}" " plain")
for i in range(3):
    print(f"{i}: {i * i:3d} {'even' if i % 2 == 0 else 'odd'}")
