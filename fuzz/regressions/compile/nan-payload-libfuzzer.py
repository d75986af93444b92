from micropython import const
import micropython
N = const(10)
_HIDDEN = const(0 << 20)
BIG = const(123456789012345678901234567890)
T = const((1, 2, 'three'))
x = N * 2 + _HIDDEN + BIG
if __debug__:
    print(x)
assert x > 0
y = 1073741821073741823 + 1, -1073741824 - 1, 2 ** 100, 13 + 1, -1073741824 - 1, 2 **ÿÿÿt, 1 / 3, -0.0* 1e400, 3j
