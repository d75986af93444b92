# Arbitrary-precision integers: constants, arithmetic and conversions.
big = 123456789012345678901234567890
print(big, big * big, big // 7, big % 97, -big)
print(2 ** 100, 2 ** 64 - 1, -(2 ** 63), 1 << 70)
f = 1
for i in range(1, 31):
    f *= i
print("30! =", f)
print(f // (2 ** 26), f % 1000007, f >> 40, f & 0xFFFF)
print(int("987654321987654321987654321") + 1)
print(hex(2 ** 80), 0xFFFFFFFFFFFFFFFFFFFF + 1)
print(big == 123456789012345678901234567890, big > 2 ** 90, big < 2 ** 97)
small = 2 ** 30
print(small, small * 4, (small * 4) // 4 == small, 0x3FFFFFFF + 1, -0x40000000 - 1)
print(pow(3, 200, 10 ** 9 + 7), abs(-(10 ** 25)))
fib = [0, 1]
while len(fib) < 120:
    fib.append(fib[-1] + fib[-2])
print(fib[-1], str(fib[-1])[:10], len(str(fib[-1])))
