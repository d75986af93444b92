# Decorators: plain, with arguments, stacked, and on classes and methods.
calls = []


def trace(fn):
    def wrapper(*args, **kwargs):
        calls.append(fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


def repeat(times):
    def deco(fn):
        def wrapper(*args):
            return [fn(*args) for _ in range(times)]

        return wrapper

    return deco


def register(registry):
    def deco(obj):
        registry[obj.__name__] = obj
        return obj

    return deco


REG = {}


@trace
def add(a, b):
    return a + b


@repeat(3)
@trace
def hello(name):
    return "hi " + name


@register(REG)
class Plugin:
    @staticmethod
    @trace
    def run():
        return "plugin ran"


print(add(2, 3), hello("x"), Plugin.run(), sorted(REG), calls)


def memoize(fn):
    cache = {}

    def wrapper(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]

    return wrapper


@memoize
def slow_fib(n):
    return n if n < 2 else slow_fib(n - 1) + slow_fib(n - 2)


print(slow_fib(30))
