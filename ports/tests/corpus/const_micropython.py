# not-cpython: micropython.const is MicroPython's.
# const() names folded by the compiler, and the micropython module.
from micropython import const

WIDTH = const(16)
HEIGHT = const(WIDTH * 2)
_PRIVATE = const(0x7F)
MASK = const((1 << 5) - 1)


def area():
    return WIDTH * HEIGHT


print(WIDTH, HEIGHT, _PRIVATE, MASK, area())
print(HEIGHT // 3, WIDTH - _PRIVATE, MASK & 0b10101)
