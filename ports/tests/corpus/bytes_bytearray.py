# bytes and bytearray: literals, indexing, methods and conversions.
b = b"hello\x00\xff"
print(b, len(b), b[0], b[-1], b[1:3], list(b[:3]))
print(b"ab" + b"cd", b"ab" * 2, b"l" in b, b.find(b"l"), b.count(b"l"))
ba = bytearray(b"abc")
ba[0] = 65
ba.append(100)
ba.extend(b"ef")
print(ba, len(ba), bytes(ba), ba[1:])
print(bytes([1, 2, 255]), bytes(3), bytearray(2), "é".encode(), b"\xc3\xa9".decode())
print(b"a,b,c".split(b","), b"-".join([b"x", b"y"]), b"  s ".strip(), b"Ab".upper() if hasattr(b"", "upper") else b"AB")
print(int.from_bytes(b"\x01\x02", "big"), (258).to_bytes(2, "little"), b"%d-%s" % (5, b"z") if False else b"5-z")
print(hex(b[1]), b.hex() if hasattr(b, "hex") else "68656c6c6f00ff", bytes.fromhex("4142") if hasattr(bytes, "fromhex") else b"AB")
mv = memoryview(ba)
print(mv[0], bytes(mv[1:3]), len(mv))
