# Loops over ranges, nested loops with labels emulated, accumulation patterns.
total = 0
for i in range(1, 101):
    total += i * i
print(total)
triangle = []
for row in range(6):
    line = [1]
    for k in range(1, row + 1):
        line.append(line[-1] * (row - k + 1) // k)
    triangle.append(line)
for line in triangle:
    print(" ".join(str(v) for v in line).center(24).rstrip())
found = None
for a in range(1, 30):
    for b in range(a, 30):
        c2 = a * a + b * b
        c = int(c2 ** 0.5)
        if c * c == c2 and c < 30 and a + b + c == 24:
            found = (a, b, c)
            break
    if found:
        break
print("pythagorean triple with perimeter 24:", found)
r = range(3, 30, 4)
print(len(r), r[2], r[-1], 11 in r, 12 in r, list(r[1:3]), list(range(10, 0, -3)))
collatz = 27
steps = 0
while collatz != 1:
    collatz = collatz // 2 if collatz % 2 == 0 else 3 * collatz + 1
    steps += 1
print("collatz steps for 27:", steps)
