# Arithmetic and comparisons on small ints, ints just past the small-int range, big ints and
# floats, mixed: the interpreter's fast paths must agree with the general ones.
vals = [0, 1, -1, 7, -7, 2**30, -2**30, 2**30 - 1, 2**40 + 3, -(2**45) - 9, 2**47, 2**62, -2**70]
rows = []
for a in vals:
    for b in vals:
        row = [a + b, a - b, a * b, a < b, a == b, a >= b, a != b, a & 0xffff, a | 5, a ^ b]
        if b:
            row += [a // b, a % b]
        rows.append(row)
print(rows[:2])
print(rows[-2:])
print(rows[40], rows[100])
print(sum(len(r) for r in rows), sum(r[0] for r in rows), sum(r[2] for r in rows))

floats = [0.5, -2.25, 3.0, 10.0, -0.0]
for x in floats:
    print(x + 1, x * 2, x - 3, x / 2, 1 + x, 2 * x, x < 1, x == 3, 3 == x, x >= -2.25)
print(2.5 * 4, 7 / 2, 9 - 0.5, 1.5 < 2, 2 < 1.5, 4 == 4.0, 2**40 * 0.5)

total = 0
for i in range(2000):
    total += (i * 2654435761) % 1009 - i // 3
print(total, (2**30) * 3, -(2**30) - 1, 2**31 // -7, -(2**31) % 7, 2**47 * 2**47)

try:
    print(1 // 0)
except ZeroDivisionError as e:
    print(type(e).__name__)
try:
    print(2**40 % 0)
except ZeroDivisionError as e:
    print(type(e).__name__)
try:
    print(1.0 / 0)
except ZeroDivisionError as e:
    print(type(e).__name__)
