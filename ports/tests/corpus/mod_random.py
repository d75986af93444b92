# not-cpython: MicroPython's random is the Yasmarang generator, so seeded sequences differ.
import random

random.seed(1)
print([random.getrandbits(32) for _ in range(4)], [random.getrandbits(5) for _ in range(6)])
print(random.random(), random.uniform(-2, 3), random.randrange(10), random.randrange(5, 50))
print(random.randrange(100, 0, -7), random.randint(-3, 3), random.choice("krait"), random.choice([10, 20, 30]))
random.seed(2**40 + 12345)
print([random.randint(1, 6) for _ in range(12)])
random.seed(7)
first = [random.random() for _ in range(3)]
random.seed(7)
print(first == [random.random() for _ in range(3)], all(0 <= x < 1 for x in first))
print(random.getrandbits(0))

for bad in (lambda: random.getrandbits(33), lambda: random.randrange(0), lambda: random.randrange(5, 5), lambda: random.randrange(1, 9, 0), lambda: random.randint(3, 2), lambda: random.choice([])):
    try:
        bad()
        print("no error")
    except Exception as error:
        print(type(error).__name__, error)
