# not-cpython: MicroPython prints a warning for exception chaining and resolves diamonds depth-first.
# Language features whose observable behaviour is MicroPython's own.
class A:
    def who(self):
        return "A"


class B(A):
    def who(self):
        return "B>" + super().who()


class C(A):
    def who(self):
        return "C>" + super().who()


class D(B, C):
    def who(self):
        return "D>" + super().who()


print(D().who())
try:
    try:
        int("not a number")
    except ValueError as err:
        raise RuntimeError("wrapped") from err
except RuntimeError as err:
    print(type(err).__name__, err.args)
print(1j ** 2 == -1 or abs(1j ** 2 + 1) < 1e-9)
