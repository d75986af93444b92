# bytearray and memoryview: construction, mutation, slices, views that write through.
def show(*items):
    print(*items)


b = bytearray(b"hello")
show(b, len(b), b[0], b[-1], b[1:3], bytearray(3), bytearray([1, 2, 255]))
b[0] = 72
b.append(33)
b.extend(b"??")
b.extend([65, 66])
b += b"xyz"
show(b, list(b[-3:]), bytes(b[:5]), b.hex())
show(b == b"Hello!??ABxyz", b"Hello!??ABxyz" == b, b < bytearray(b"z"), b != b"x")
show(b"ll" in b, b"lo" in bytearray(b"hello"), b"el" in b"hello", bytearray(b"el") in b"hello")
show(b"abc" + bytearray(b"d"), bytearray(b"a") + b"bc", bool(bytearray()), bool(bytearray(1)))

# Slice assignment grows, shrinks and inserts.
c = bytearray(b"0123456789")
c[2:5] = b"ab"
show(c)
c[0:0] = bytearray(b"xyz")
show(c)
c[-2:] = b""
show(c, len(c))

# A memoryview shares the buffer: writes through it change the bytearray.
data = bytearray(b"abcdefgh")
view = memoryview(data)
part = view[2:6]
show(len(view), view[0], bytes(part), part[1], len(part), bytes(part[1:3]))
part[0] = 67
part[1:3] = b"DE"
show(data, bytes(view[-2:]))
show([x for x in memoryview(b"xyz")], list(memoryview(bytearray(b"\x01\x02"))))
try:
    memoryview(b"read only")[0] = 1
except TypeError:
    show("read-only memoryview")
try:
    bytearray(b"ab")[5]
except IndexError as e:
    show("IndexError", e)
try:
    bytearray("text")
except TypeError as e:
    show("TypeError", e)

# bytes built from the other byte types, and hex round trips.
show(bytes(data), bytes(view[1:3]), bytes(bytearray(2)), bytes([1, 2]), bytes(range(3)))
show(bytes.fromhex("01 ff 7f"), bytearray.fromhex("0a0b"), b"\x00\xab".hex(), bytearray(b"ok").decode())
show(str(b"caf\xc3\xa9", "utf-8"), "é".encode(), b"abc".decode("utf-8"))
