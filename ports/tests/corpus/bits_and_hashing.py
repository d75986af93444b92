# Bit manipulation, checksums and a tiny hash function over bytes.
def popcount(n):
    count = 0
    while n:
        n &= n - 1
        count += 1
    return count


def crc8(data, poly=0x07):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def fnv1a(data):
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def reverse_bits(n, width=8):
    out = 0
    for _ in range(width):
        out = (out << 1) | (n & 1)
        n >>= 1
    return out


print([popcount(n) for n in (0, 1, 255, 2 ** 40 - 1, 0xF0F0)])
print(hex(crc8(b"123456789")), hex(fnv1a(b"hello")), hex(fnv1a(b"")))
print([reverse_bits(n) for n in (1, 2, 0x0F, 0xA5)], bin(reverse_bits(0b1011, 4)))
print(0xDEADBEEF >> 16, 0xDEADBEEF & 0xFFFF, (0xDEADBEEF << 8) & 0xFFFFFFFFFF, -1 & 0xFF, ~0xFF & 0xFFFF)
x = 0
for i in range(0, 64, 7):
    x |= 1 << i
print(x, x.bit_length() if hasattr(x, "bit_length") else 64, x >> 60)
