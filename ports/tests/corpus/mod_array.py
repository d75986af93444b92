# not-cpython: MicroPython wraps stored ints to the element and compares arrays by bytes
# The array module: typed arrays, their buffers, growth, slicing, comparison and repr.
from array import array

for code in "bBhHiIlLqQ":
    a = array(code, [1, 2, 3])
    a.append(-1)
    a.extend([250, 7])
    print(code, a, len(a), a[3], a[-1], list(a[1:3]))

f = array("f", [0.5, 1.25])
d = array("d", (x / 4 for x in range(4)))
print(f, d, sum(d), d[1:])
print(array("i"), array("h", b"\x01\x00\x02\x00\x03"), array("I", bytearray(8)))

big = array("i")
for i in range(100):
    big.append(i * i - 500)
print(len(big), big[0], big[99], sum(big))
big[10:20] = array("i", [7] * 10)
print(big[8:22])
big += array("i", [1, 2])
print(len(big), big[-2:])
print(big + array("i", [9]) == array("i", list(big) + [9]))

# Stores wrap to the element, and big ints are truncated as MicroPython writes them.
w = array("B", [0])
w[0] = 300
h = array("h", [0])
h[0] = 40000
q = array("Q", [0])
q[0] = -1
print(w[0], h[0], q[0])

# Equality: same element kind compares bytes; arrays are never equal to bytes.
print(array("b", [1, 2]) == array("B", [1, 2]), array("b", b"ab") == b"ab")
print(bytearray(b"ab") == array("b", b"ab"), array("b", b"ab") == bytearray(b"ab"))
try:
    array("i", [1]) < array("i", [2])
except NotImplementedError:
    print("NotImplementedError")

# The buffer protocol: bytes, memoryview and bytearray see the same memory.
m = memoryview(big)
print(m[0], bytes(array("H", [0x4142, 0x4344])), bytearray(array("b", [65, 66])))
m[0] = 12345
print(big[0], 12345 in list(big))
try:
    1 in array("b")
except NotImplementedError:
    print("in: NotImplementedError")

for bad in ("X", ""):
    try:
        array(bad)
    except ValueError as e:
        print("ValueError", e)
try:
    array(5)
except TypeError:
    print("TypeError")


class Samples(array):
    pass


s = Samples("i", [3, 1, 2])
print(len(s), s[0], sorted(s))
