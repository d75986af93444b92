# Generator pipelines: chained generators, generator expressions, yield from, and zip/map/filter.
def numbers(n):
    for i in range(n):
        yield i


def squares(it):
    for x in it:
        yield x * x


def evens(it):
    for x in it:
        if x % 2 == 0:
            yield x


def chunks(it, size):
    chunk = []
    for x in it:
        chunk.append(x)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def flatten(lists):
    for inner in lists:
        yield from inner


total = sum(evens(squares(numbers(60000))))
sizes = [len(c) for c in chunks(numbers(50000), 7)]
flat = sum(flatten(chunks(numbers(50000), 13)))
pairs = sum(a * b for a, b in zip(numbers(40000), map(lambda v: v + 1, filter(lambda v: v % 3, numbers(60000)))))
print(total, len(sizes), sizes[-1], flat, pairs)
