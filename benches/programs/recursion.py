# Deep and wide recursion: naive Fibonacci, Ackermann, and a recursive tree walk.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def build(depth):
    if depth == 0:
        return None
    return (build(depth - 1), depth, build(depth - 1))


def total(tree):
    if tree is None:
        return 0
    left, value, right = tree
    return total(left) + value + total(right)


print(fib(25))
print(ackermann(2, 300))
print(total(build(14)))
