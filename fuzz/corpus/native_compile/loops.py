def scale(xs, k):
    out = []
    n = 0
    while n < len(xs):
        if xs[n] % 2:
            out.append(xs[n] * k)
        n += 1
    return out

print(scale([1, 2, 3, 4, 5], -3))
