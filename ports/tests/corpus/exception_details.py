# Exceptions in detail: the hierarchy, args and attributes, chaining syntax, re-raising,
# and how generators turn StopIteration, GeneratorExit and thrown exceptions around.

for cls in (KeyError, IndexError, ZeroDivisionError, OverflowError, NotImplementedError,
            StopIteration, GeneratorExit, SystemExit, KeyboardInterrupt, OSError,
            AssertionError, AttributeError, NameError, TypeError, ValueError, UnicodeError,
            MemoryError, ImportError, EOFError, SyntaxError, IndentationError,
            StopAsyncIteration):
    print(cls.__name__, issubclass(cls, Exception), issubclass(cls, BaseException),
          issubclass(cls, LookupError), issubclass(cls, ArithmeticError))

try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e.args)

e = OSError(2, "No such file")
print(e.errno, e.args)
print(StopIteration(7).value, StopIteration().value, SystemExit(3).args)
print(ValueError().args, ValueError(1, 2).args, str(ValueError("m")), str(IndexError()))


def reraise():
    try:
        1 // 0
    except ZeroDivisionError:
        raise


try:
    reraise()
except ArithmeticError as e:
    print("re-raised", type(e).__name__)

try:
    try:
        raise ValueError("inner")
    except ValueError as inner:
        raise RuntimeError("outer") from None
except RuntimeError as e:
    print("from:", e)

try:
    raise TypeError
except (ValueError, TypeError) as e:
    print("tuple match", type(e).__name__, e.args)

try:
    try:
        raise KeyError(1)
    finally:
        print("finally runs")
except LookupError:
    print("caught as LookupError")


def leaky():
    yield 1
    raise StopIteration


try:
    list(leaky())
except RuntimeError as e:
    print("RuntimeError", e)


def guarded():
    try:
        yield 1
        yield 2
    except GeneratorExit:
        print("closing")
        raise
    finally:
        print("guarded done")


g = guarded()
print(next(g))
g.close()
g.close()
print(list(g))


def catcher():
    while True:
        try:
            yield "ready"
        except ValueError as e:
            print("caught", e)


g = catcher()
next(g)
print(g.throw(ValueError("one")))
print(g.throw(ValueError, ValueError("two")))
try:
    g.throw(KeyError("out"))
except KeyError as e:
    print("escaped", e.args)
print(next(g, "finished"))


def inner():
    try:
        x = yield "i1"
        print("inner got", x)
        yield "i2"
    except ValueError:
        yield "inner handled"
    finally:
        print("inner finally")
    return "inner result"


def outer():
    result = yield from inner()
    print("outer got", result)
    yield "o1"


g = outer()
print(next(g), g.send("hello"), g.throw(ValueError), next(g))
g = outer()
next(g)
g.close()


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == 0:
            raise StopIteration("liftoff")
        self.n -= 1
        return self.n


def launch():
    message = yield from Countdown(3)
    yield message


print(list(launch()))
g = launch()
try:
    g.send(5)
except TypeError:
    print("TypeError: just-started")
