# Integer work: a sieve, gcds, bit tricks, and big-integer arithmetic.
def sieve(n):
    flags = [True] * (n + 1)
    flags[0] = flags[1] = False
    i = 2
    while i * i <= n:
        if flags[i]:
            for j in range(i * i, n + 1, i):
                flags[j] = False
        i += 1
    return sum(1 for f in flags if f)


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def popcounts(n):
    total = 0
    for i in range(n):
        v = i
        while v:
            v &= v - 1
            total += 1
    return total


def big(n):
    f = 1
    for i in range(2, n):
        f *= i
    return f % 1000000007, len(str(f)), pow(3, 10000, 2 ** 61 - 1)


print(sieve(200000))
print(sum(gcd(i, 360360) for i in range(1, 30000)))
print(popcounts(40000))
print(big(600))
