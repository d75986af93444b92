def counter():
    n = 0
    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc

def gen(xs):
    total = 0
    for x in xs:
        try:
            total += yield x
        except GeneratorExit:
            return total
        finally:
            pass

c = counter()
print(c(), c(5), list(gen(range(3))))
print([lambda: i for i in range(3)][0]())
