# Bubble sort of an array('i') in place (viper reaches its items through ptr32).
from array import array


DECORATOR
def bubble_sort(a: ptr32, n: int):
    for end in range(n - 1, 0, -1):
        for j in range(end):
            x = a[j]
            y = a[j + 1]
            if x > y:
                a[j] = y
                a[j + 1] = x


N = 600
a = array("i", [0] * N)
seed = 12345
for i in range(N):
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    a[i] = seed % 100000
# timed
bubble_sort(a, N)
# check
check = 0
for i in range(N):
    check = (check + a[i] * (i + 1)) % 1000000007
print(a[0], a[N // 2], a[N - 1], check)
