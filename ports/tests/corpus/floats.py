# Floating point: literals, arithmetic, conversions chosen to print the same everywhere.
x = 1.5
y = 2.25
print(x + y, x * y, y / x, y // x, y % x, -x, x ** 2)
print(1e3, 2.5e-3 * 1000, 1.0 / 4, 3 / 2, 7 / 7)
print(int(3.99), int(-3.99), round(2.5), round(3.5), round(1.25, 1))
print(float("1.75"), float(3), abs(-0.5), min(1.5, 0.5), max(0.25, 0.75))
print(0.5 == 1 / 2, 0.1 * 3 > 0.3, 1.0 < 1.5 < 2.0)
print(float("inf") > 1e300, -float("inf") < 0, float("nan") != float("nan"))
vals = [0.125 * i for i in range(8)]
print(vals, sum(vals))
print("%.3f %.1e %g" % (3.14159, 12345.678, 0.0001))
print("{:.2f} {:8.3f} {:+.1f}".format(2.0 / 3, 1.5, 7.31))
print(divmod(7.5, 2), 2 ** 0.5 * 2 ** 0.5 > 1.99, 10 ** -2)
