# Scoping corners: class bodies and comprehensions, cells for arguments, closures over loop
# variables and over class-less methods, global declared in nested functions.
x = "module x"


class Holder:
    x = "class x"
    seen_in_comprehension = [x for _ in range(1)]
    doubled = [n * 2 for n in range(3)]

    def method(self):
        return x


print(Holder.seen_in_comprehension, Holder.doubled, Holder().method())


def argument_cells(a, b=2, *rest, c, **kw):
    def inner():
        return a + b + c + len(rest) + len(kw)

    a += 100
    return inner()


print(argument_cells(1, c=3), argument_cells(1, 2, 3, 4, c=5, d=6))


def counter_pair():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    def get():
        return count

    return inc, get


inc, get = counter_pair()
inc()
inc()
print(get())


def make_global():
    def inner():
        global late
        late = "set from inner"

    inner()


make_global()
print(late)


def generator_with_nonlocal():
    total = 0

    def gen():
        nonlocal total
        for i in range(4):
            total += i
            yield total

    return list(gen()), total


print(generator_with_nonlocal())


class Outer:
    def build(self):
        class Inner:
            def hello(self):
                return "inner of " + type(outer_self).__name__

        outer_self = self
        return Inner().hello()


print(Outer().build())


def default_captures():
    fns = []
    for i in range(3):
        def f(k=i * 10):
            return k + i

        fns.append(f)
    return [f() for f in fns]


print(default_captures())
lam = lambda n: (lambda m: n * m)
print(lam(6)(7), (lambda *a, **k: (a, sorted(k)))(1, 2, z=3))
