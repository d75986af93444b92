# Closures, nonlocal and global.
counter_total = 0


def make_counter(start):
    count = start

    def inc(step=1):
        nonlocal count
        global counter_total
        count += step
        counter_total += step
        return count

    return inc


c1 = make_counter(10)
c2 = make_counter(100)
print(c1(), c1(5), c2(), c1(), counter_total)


def adders():
    return [lambda x, i=i: x + i for i in range(3)]


print([f(10) for f in adders()])


def late_binding():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]


print(late_binding())


def deep():
    a = 1

    def mid():
        b = 2

        def inner():
            nonlocal b
            b += a
            return a + b

        return inner

    return mid()


f = deep()
print(f(), f(), f())


def shadow():
    x = "local"

    def show():
        return x

    x = "rebound"
    return show()


x = "global"
print(shadow(), x)


def set_global():
    global newly_made
    newly_made = "made"


set_global()
print(newly_made)
