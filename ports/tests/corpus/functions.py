# Functions: defaults, keyword arguments, *args/**kwargs, keyword-only and recursion.
def greet(name, greeting="Hello", punct="!"):
    return greeting + ", " + name + punct


print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))


def total(*nums, scale=1, **extra):
    return sum(nums) * scale, sorted(extra.items())


print(total(1, 2, 3), total(4, scale=10), total(a=1, b=2), total(*[1, 2], **{"c": 3}))


def kwonly(a, *, b, c=3):
    return a + b + c


print(kwonly(1, b=2), kwonly(1, c=0, b=5))


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def fib(n, memo={}):
    if n in memo:
        return memo[n]
    r = n if n < 2 else fib(n - 1) + fib(n - 2)
    memo[n] = r
    return r


print(fact(20), fib(80), [fib(i) for i in range(12)])


def no_return():
    pass


def many():
    return 1, "two", [3]


print(no_return(), many(), many()[2])
args = (1, 2)
kw = {"punct": "."}
print(greet(*("Eve",), **kw), max(*args), list(map(lambda *a: len(a), [1, 2])))
square = lambda x: x * x
adder = lambda a, b=10: a + b
print(square(7), adder(1), adder(1, 2), (lambda: "thunk")(), sorted([3, -1, 2], key=lambda v: -v))


def outer_doc():
    """A docstring is not printed."""
    return outer_doc.__name__


print(outer_doc())
