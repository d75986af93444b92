calls = 0


def double(x):
    global calls
    calls += 1
    return 2 * x


print("util loaded")
