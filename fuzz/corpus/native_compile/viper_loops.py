@micropython.viper
def mix(buf: ptr8, n: int, seed: uint) -> uint:
    h = seed
    for i in range(n):
        h = (h ^ uint(buf[i])) * uint(16777619)
        if h <= uint(1000):
            h += uint(7)
    return h

@micropython.native
def total(xs):
    s = 0
    for x in xs:
        s += x
    return s

print(mix(b'abc', 3, 2166136261), total([1, 2, 3]))
