# not-cpython: MicroPython's own error messages (and struct's '=' order) for the builtin modules.
import binascii
import heapq
import math
import random
import struct
import time

attempts = (
    lambda: math.sqrt(-1),
    lambda: math.log(10, 1),
    lambda: math.factorial(-1),
    lambda: math.floor(math.inf),
    lambda: math.ceil(math.nan),
    lambda: math.sqrt("x"),
    lambda: math.isclose(1, 2, rel_tol=-1),
    lambda: struct.calcsize("=H"),
    lambda: struct.calcsize("<y"),
    lambda: struct.unpack("<i", b"abc"),
    lambda: struct.unpack_from("<b", b"abc", -4),
    lambda: binascii.unhexlify("abc"),
    lambda: heapq.heappop([]),
    lambda: heapq.heappush((), 1),
    lambda: time.ticks_add(0, 2**29),
    lambda: time.mktime((1, 2, 3)),
    lambda: random.getrandbits(40),
)
for attempt in attempts:
    try:
        print(attempt())
    except Exception as error:
        print(type(error).__name__, error)
print(struct.calcsize("=3x"), time.ticks_diff(5, 2**30 - 5), time.ticks_add(2**30 - 1, 3))

# Results too big for any heap raise MemoryError rather than exhausting the host.
for huge in (lambda: struct.pack("1000000000b"), lambda: struct.pack("<1000000000x")):
    try:
        huge()
        print("no error")
    except MemoryError:
        print("MemoryError")
