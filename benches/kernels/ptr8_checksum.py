DECORATOR
def kernel(buf: ptr8, n: int, rounds: int) -> int:
    s = 0
    for r in range(rounds):
        for i in range(n):
            s = (s + buf[i]) & 0xFFFF
    return s


data = b"krait!" * 700
# timed
result = kernel(data, 4200, 200)
# check
print(result)
