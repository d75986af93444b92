# not-cpython: MicroPython's own error messages for misused classes, attributes and builtins.

def t(f):
    try:
        r = f()
        print("ok", type(r).__name__)
    except Exception as e:
        print(type(e).__name__, e)
t(lambda: type('X', 1, {}))
t(lambda: type('X', (), 1))
t(lambda: type(1, (), {}))
t(lambda: type('X', (1,), {}))
t(lambda: type('X', (), {}, 4))
t(lambda: super(1, 2))
t(lambda: object.__new__(int))
t(lambda: object.__new__(1))
t(lambda: setattr(int, 'x', 1))
t(lambda: delattr(int, 'x'))
class P:
    x = property(lambda s: 1)
t(lambda: delattr(P(), 'x'))
t(lambda: P().x)
t(lambda: property(1, 2, 3, 4, 5))
t(lambda: staticmethod())
t(lambda: classmethod(1)())
t(lambda: ValueError(x=1))
t(lambda: issubclass(int, (1,)))
t(lambda: getattr(1))
t(lambda: exec(1))
t(lambda: eval("1", {}, 5))
t(lambda: compile(1, "f", "exec"))
t(lambda: object.__setattr__(1, 'a', 2))
t(lambda: object.__delattr__(P(), 'nope'))
t(lambda: P.__dict__['x'].getter(None))
t(lambda: (lambda: (yield))().throw(1))
t(lambda: (lambda: (yield))().send(1))
t(lambda: dir(P()))
t(lambda: list.append(P(), 1))
class Q(list): pass
t(lambda: list.append(Q(), 1))
t(lambda: Q.__new__)
t(lambda: type.__call__)


class Eq:
    def __eq__(self, other):
        return True


t(lambda: hash(Eq()))
t(lambda: getattr(Eq(), "x"))
t(lambda: Eq.y)
t(lambda: setattr(1, "x", 2))
t(lambda: type("D", (len,), {}))
t(lambda: type("E", (int, str), {}))
t(lambda: isinstance(1, 2))
t(lambda: issubclass(1, int))
t(lambda: hasattr(1, b"x"))
t(lambda: int(Eq()))


class Wrapped(Exception):
    def __repr__(self):
        return "Wrapped!"


print(str(Wrapped(3)), repr(Wrapped(3)), repr(ValueError("v")))
print(str(OSError(2, "no file")), str(OSError(13)), repr(OSError(2)), str(OSError(999)), OSError(2).errno)
