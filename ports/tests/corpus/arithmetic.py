# Integer arithmetic, operator precedence and the integer built-ins.
a, b = 17, 5
print(a + b, a - b, a * b, a // b, a % b, a ** 2)
print(-a // b, -a % b, a // -b, a % -b)
print(a & b, a | b, a ^ b, ~a, a << 3, a >> 2)
print(divmod(a, b), divmod(-a, b), abs(-a), pow(3, 4), pow(3, 4, 5))
print(2 + 3 * 4 ** 2 - (8 - 2) // 3)
print(min(4, 2, 9), max([4, 2, 9]), sum(range(10)), sum([1, 2], 10))
x = 10
x += 5
x -= 3
x *= 2
x //= 5
x **= 3
x %= 7
x <<= 4
x >>= 1
x |= 1
x &= 0xFF
x ^= 0b1010
print(x)
print(0o17, 0x1F, 0b101, 1_000_000, int("42"), int("ff", 16), int("-0b11", 0))
print(bool(0), bool(3), True + True, int(True), 7 // 2 * 2 + 7 % 2 == 7)
print(hex(255), oct(8), bin(5), round(7), chr(65), ord("z"))
