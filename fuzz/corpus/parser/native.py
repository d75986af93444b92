@micropython.native
def add(a, b):
    return a + b

@micropython.viper
def sum8(buf: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += buf[i]
    return s
