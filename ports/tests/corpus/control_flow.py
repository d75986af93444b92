# if/elif/else, while/else, for/else, break, continue, pass and conditional expressions.
for n in range(-2, 8):
    if n < 0:
        kind = "negative"
    elif n == 0:
        kind = "zero"
    elif n % 2:
        kind = "odd"
    else:
        kind = "even"
    print(n, kind, "big" if n > 4 else "small")
i = 0
while i < 10:
    i += 1
    if i % 3 == 0:
        continue
    if i == 8:
        break
    print("while", i)
else:
    print("not reached")
for p in range(2, 20):
    for d in range(2, p):
        if p % d == 0:
            break
    else:
        print("prime", p)
k = 3
while k:
    k -= 1
else:
    print("while-else ran", k)
for _ in []:
    pass
else:
    print("empty for-else")
x = 5
print(0 < x < 10, 0 < x > 10, 1 == 1 != 2, x is not None, not x, x and 0 or 9, None or "dflt")
