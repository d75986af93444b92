# complex numbers and int <-> bytes conversions.
z = 1 + 2j
w = complex(3, -4)
print(z, w, 2j, complex(0, -1), complex(), complex(1.5), complex("1+2j"), complex(" -2.5j "), complex(z))
print(z + w, z - w, z * w, z / w, z * 2, 2 * z, z + 1.5, 1 - z, -z, +z)
print(abs(w), w.real, w.imag, z == 1 + 2j, z != w, z == 1, complex(1, 0) == 1, bool(0j), bool(z))
print(complex(1, 2j), complex(1j, 1j), 2 ** 2j == 2 ** 2j, (0j) ** 0)
print(round(((-8) ** (1 / 3)).real, 6), round(((-8) ** (1 / 3)).imag, 6))
for bad in ("1+", "j1", "abc"):
    try:
        complex(bad)
    except ValueError:
        print("ValueError", repr(bad))
try:
    z // 2
except TypeError:
    print("no floor division of complex")
try:
    z / 0
except ZeroDivisionError:
    print("complex division by zero")
try:
    z < w
except TypeError:
    print("complex numbers are unordered")

print((1024).to_bytes(2, "big"), (1024).to_bytes(4, "little"), (255).to_bytes(1, "big"))
print((2**70).to_bytes(9, "big"), (0).to_bytes(0, "big"))
print(int.from_bytes(b"\x01\x00", "big"), int.from_bytes(b"\x01\x00", "little"))
print(int.from_bytes(bytes(range(1, 12)), "big"), int.from_bytes(bytearray(b"\xff\xff"), "little"))
for value, length in ((256, 1), (2**64, 8)):
    try:
        value.to_bytes(length, "big")
    except OverflowError:
        print("OverflowError", value, length)

# int() from text in any base, from bytes, and from floats.
print(int("ff", 16), int("0x1F", 0), int("-0b101", 0), int("z", 36), int(" 12 "), int(b"42"))
print(int(b"12", 10), int("0o17", 8), int("000", 0), int(-3.9), int(1e20), int(2**70 + 0.0))
for text, base in (("12a", 10), ("", 10), ("0x", 16), ("9", 8), ("1", 1)):
    try:
        int(text, base)
    except ValueError:
        print("ValueError", repr(text), base)
try:
    int(float("inf"))
except OverflowError:
    print("OverflowError")
