# Float printing cases for krait's `format` tests, run under MicroPython by oracle.mjs. Lines:
# the double's bits in hex, a style (`eEfFgG`, or `r` for repr), a precision (-1: none), and
# MicroPython's text for `'{:.<precision><style>}'.format(x)` or `repr(x)`.
import random
import struct

VALUES = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 0.05, 0.15, 0.25, 123.456, 1234.5, 1e16,
          1e15, 1e17, 1e22, 1e23, 1e-5, 1e-4, 0.001234, 9.9999, 9.5, 99.5, 0.0001, 0.00001234,
          1 / 3, 2 / 3, 1e100, 1e-100, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
          123456789.0, 12345678901234567890.0, 0.9999999, 0.099999, 3.14159265358979, 1e300,
          float("inf"), float("-inf"), float("nan"), 6.02214076e23, 1.6e-19, 0.3, 100.0, 1e7,
          123456.0, 1234567.0, 0.0095, 0.00099999, 999999.5, 9.999999999999999e22]
random.seed(7)
for _ in range(60):
    bits = random.getrandbits(32) | (random.getrandbits(32) << 32)
    VALUES.append(struct.unpack("<d", struct.pack("<Q", bits))[0])
for _ in range(60):
    VALUES.append(random.getrandbits(30) / 10 ** random.getrandbits(4))

for v in VALUES:
    bits = struct.unpack("<Q", struct.pack("<d", v))[0]
    for style in "eEfFgG":
        for precision in (-1, 0, 1, 2, 3, 5, 6, 10, 16, 17, 20, 30, 40):
            spec = "{:" + ("" if precision < 0 else "." + str(precision)) + style + "}"
            print("%016x|%s|%d|%s" % (bits, style, precision, spec.format(v)))
    print("%016x|r|-1|%s" % (bits, repr(v)))
