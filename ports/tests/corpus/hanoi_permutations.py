# Recursive generators: Towers of Hanoi moves, permutations, combinations and subsets.
def hanoi(n, src="A", dst="C", via="B"):
    if n:
        yield from hanoi(n - 1, src, via, dst)
        yield (n, src, dst)
        yield from hanoi(n - 1, via, dst, src)


def permutations(items):
    if len(items) <= 1:
        yield list(items)
        return
    for i in range(len(items)):
        for rest in permutations(items[:i] + items[i + 1:]):
            yield [items[i]] + rest


def combinations(items, k):
    if k == 0:
        yield ()
    elif items:
        first, rest = items[0], items[1:]
        for c in combinations(rest, k - 1):
            yield (first,) + c
        yield from combinations(rest, k)


def subsets(items):
    for mask in range(1 << len(items)):
        yield [x for bit, x in enumerate(items) if mask >> bit & 1]


moves = list(hanoi(4))
print(len(moves), moves[:4], moves[-1])
print(["".join(p) for p in permutations("abc")], len(list(permutations([1, 2, 3, 4, 5]))))
print(list(combinations("abcd", 2)), sum(1 for _ in combinations(list(range(10)), 4)))
print(list(subsets([1, 2, 3])))
