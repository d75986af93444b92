# Exceptions: try/except/else/finally, custom classes, raise from, re-raise.
class AppError(Exception):
    pass


class NotFound(AppError):
    def __init__(self, key):
        super().__init__("missing " + key)
        self.key = key


def lookup(d, key):
    try:
        return d[key]
    except KeyError:
        raise NotFound(key)


for key in ["a", "zz"]:
    try:
        value = lookup({"a": 1}, key)
    except NotFound as e:
        print("not found:", e.key, e.args)
    except AppError:
        print("unreachable")
    else:
        print("found", value)
    finally:
        print("finally for", key)


def divide(a, b):
    try:
        return a // b
    except ZeroDivisionError:
        return None
    finally:
        print("divided", a, b)


print(divide(7, 2), divide(1, 0))
try:
    try:
        int("x")
    except ValueError as err:
        raise RuntimeError("wrapped")
except RuntimeError as err:
    print(type(err).__name__, err.args[0])
try:
    [][1]
except (IndexError, KeyError) as e:
    print("tuple handler", type(e).__name__)
try:
    try:
        raise TypeError("inner")
    except TypeError:
        print("handling, then re-raise")
        raise
except Exception as e:
    print("outer caught", e)


def nested_finally():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                return "returned at 2"
        finally:
            print("finally", i)


print(nested_finally())
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("assert:", e)
print(issubclass(NotFound, Exception), isinstance(NotFound("k"), AppError))
