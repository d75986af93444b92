# Generators: yield, yield from, send, close and generator expressions.
def countdown(n):
    while n > 0:
        yield n
        n -= 1
    return "done"


print(list(countdown(5)))


def chain(*iterables):
    for it in iterables:
        result = yield from it
        if result:
            print("sub returned", result)


print(list(chain([1, 2], countdown(2), "ab")))


def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value


acc = accumulator()
print(next(acc), acc.send(5), acc.send(10), acc.send(1))
try:
    acc.send(None)
except StopIteration:
    print("accumulator finished")


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


gen = fib()
print([next(gen) for _ in range(15)])
squares = (x * x for x in range(10) if x % 2)
print(sum(squares), list(squares))


def guarded():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")


g = guarded()
print(next(g))
g.close()
it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "end"))
print(list(zip(countdown(3), "xyz")), list(enumerate(countdown(2), 1)))
