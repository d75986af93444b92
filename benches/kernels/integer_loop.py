DECORATOR
def kernel(n: int) -> int:
    s = 0
    for i in range(n):
        s = (s + i * i + (i >> 3)) & 0xFFFFFF
    return s


# timed
result = kernel(1000000)
# check
print(result)
