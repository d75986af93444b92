# struct: sizes, byte orders, alignment, every integer and float code, strings and padding.
import struct

for fmt in ("b", "<h", ">i", "!q", "=2x", "<3b2h", "<2s", "<5x", "<ihb", "<e", "<f", ">d", "<bbxq"):
    print(fmt, struct.calcsize(fmt))

print(struct.pack("<hHiI", -2, 65535, -100000, 4000000000))
print(struct.pack(">hHiI", -2, 65535, -100000, 4000000000))
print(struct.pack("!bB", -128, 255), struct.pack("<q", -2**63), struct.pack(">Q", 2**64 - 1))
print(struct.unpack("<hHiI", b"\xfe\xff\xff\xff\x60\x79\xfe\xff\x00\x28\x6b\xee"))
print(struct.unpack(">qQ", b"\x80" + b"\x00" * 7 + b"\xff" * 8))
print(struct.pack("<3s", b"abcdef"), struct.pack("<5s", b"ab"), struct.pack("<2sh", b"xy", 7))
print(struct.unpack("<2sxh", b"hi\x00\x05\x00"))
print(struct.pack(">f", 1.5), struct.pack("<d", -0.1), struct.pack(">e", 0.333))
print(struct.unpack(">f", b"\x3f\xc0\x00\x00"), struct.unpack("<d", struct.pack("<d", 2.5e-300)))
print(struct.unpack("<e", b"\x00\x3c"), struct.unpack(">e", b"\x7b\xff"))
print(struct.unpack_from("<h", b"\x00\x01\x02\x03\x04", 2), struct.unpack_from(">b", b"abc", -1))

# Round trips through every code, both byte orders.
for order in "<>":
    for code, value in (("b", -5), ("B", 200), ("h", -300), ("H", 60000), ("i", -70000), ("I", 3000000000), ("l", -9), ("L", 9), ("q", 2**40), ("Q", 2**63 + 1), ("f", 0.25), ("d", 1e100)):
        packed = struct.pack(order + code, value)
        print(order + code, len(packed), struct.unpack(order + code, packed)[0] == value)

for bad in (lambda: struct.calcsize("<y"), lambda: struct.unpack("<i", b"abc"), lambda: struct.unpack_from("<i", b"abcdef", 4)):
    try:
        bad()
        print("no error")
    except (ValueError, struct.error if hasattr(struct, "error") else ValueError):
        print("error")
