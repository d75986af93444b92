# Generators delegating send and throw through yield from, generators with finally,
# generator expressions capturing variables, and return values.
def inner():
    received = []
    try:
        while True:
            value = yield len(received)
            received.append(value)
    except GeneratorExit:
        raise
    except ValueError as e:
        yield "inner handled %s" % e
    return received


def outer():
    result = yield from inner()
    yield "inner returned %r" % (result,)


g = outer()
print(next(g), g.send("a"), g.send("b"))
print(g.throw(ValueError("k")))
try:
    next(g)
except StopIteration:
    print("outer done")


def tracker(log):
    try:
        for i in range(10):
            log.append(i)
            yield i
    finally:
        log.append("closed")


log = []
tracked = tracker(log)
for v in tracked:
    if v == 2:
        break
tracked.close()
print(log)


def pipeline(data):
    evens = (d for d in data if d % 2 == 0)
    squares = (e * e for e in evens)
    return sum(squares)


print(pipeline(range(10)), pipeline([]))


def returns_value():
    yield 1
    return "ret"


gen = returns_value()
next(gen)
try:
    next(gen)
except StopIteration as stop:
    print("stop value", stop.value if hasattr(stop, "value") else stop.args[0])


def interleave(*gens):
    active = [iter(gen) for gen in gens]
    while active:
        for it in list(active):
            try:
                yield next(it)
            except StopIteration:
                active.remove(it)


print(list(interleave("abc", range(5), [True])))
