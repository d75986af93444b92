x = a if b else c
y = [i * j for i in range(10) if i % 2 for j in range(i)]
z = {k: v for k, v in d.items()}
w = {1, 2, (*s,)}
t = (1,), (), (*a, *b)
u = a[1:2, ::3, ...]
v = not a and b or c < d <= e != f is not g in h not in i
q = -x ** -y // +z @ m | n ^ o & p << 1 >> 2
if (n := len(a)) > 10:
    print(*a, sep='', **kw)
del a[0], b.c
