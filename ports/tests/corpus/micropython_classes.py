# not-cpython: MicroPython's own class and generator behaviour (depth-first lookup, pend_throw, exception reprs)


class Base:
    def who(self):
        return "Base"


class Left(Base):
    def who(self):
        return "Left+" + super().who()


class Right(Base):
    def who(self):
        return "Right"


class Diamond(Left, Right):
    pass


# MicroPython looks bases up depth first, left to right: Left's super() reaches Base first.
print(Diamond().who())

print(repr(ValueError("x")), repr(KeyError("k", 1)), str(KeyError("k")), repr(OSError()))
try:
    {}[(1, 2)]
except KeyError as e:
    print(e, e.args)


def worker():
    while True:
        try:
            yield "waiting"
        except ValueError as e:
            print("worker got", e.args)


w = worker()
print(next(w))
print(w.pend_throw(ValueError("later")))
print(next(w))
print(w.pend_throw(None))
print(next(w))


def running():
    yield g.pend_throw(None)


g = running()
try:
    next(g)
except ValueError as e:
    print("ValueError", e)


class Flagged(list):
    pass


f = Flagged([1, 2])
f.tag = "t"
print(f, f.tag, type(f).__name__, list.__len__ if False else len(f))
print(type(type), type(object), object.__bases__ if hasattr(object, "__bases__") else ())
