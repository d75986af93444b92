# Prime sieve, factorisation and gcd.
def sieve(limit):
    is_prime = [True] * (limit + 1)
    is_prime[0] = is_prime[1] = False
    for p in range(2, int(limit ** 0.5) + 1):
        if is_prime[p]:
            for multiple in range(p * p, limit + 1, p):
                is_prime[multiple] = False
    return [i for i, flag in enumerate(is_prime) if flag]


def factorise(n):
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


primes = sieve(200)
print(len(primes), primes[:10], primes[-3:])
print(factorise(360), factorise(9973), factorise(2 ** 10 * 3 ** 4 * 97))
print(gcd(1071, 462), gcd(2 ** 40, 6 ** 20), [gcd(12, k) for k in range(1, 13)])
