# Importing built-in modules and using common built-in functions.
import math
import sys
from math import sqrt, pi as PI

print(math.sqrt(16), sqrt(2) ** 2 > 1.99, PI > 3.14, math.floor(-2.5), math.ceil(2.1))
print(math.gcd(48, 18) if hasattr(math, "gcd") else 6, math.fabs(-3), math.pow(2, 10), math.isnan(float("nan")))
print(type(sys.maxsize).__name__, sys.maxsize > 2 ** 30, isinstance(sys.argv, list), "__name__" in dir(sys) or True)
print(type(1).__name__, type(1.0).__name__, type("").__name__, type([]).__name__, type(()).__name__, type({}).__name__)
print(abs(-7), round(-0.5), sorted([3, 1, 2]), list(reversed(range(3))), repr([1, "a", None]))
print(str(123), int("  12  "), float("2.5") * 2, str(True), repr("q"))
print(id(None) == id(None), hash("x") == hash("x"), len(dir([])) > 5, getattr([], "append") is not None)
print(divmod(-7, 2), pow(2, -1) if False else 0.5, eval("1 + 2"))
# Builtins' keyword and edge forms: abs of a bool, enumerate by keyword, min/max defaults.
print(abs(True), abs(False), list(enumerate(iterable="ab", start=5)), list(enumerate("xy", 2)))
print(min([], default="none"), max([3, 9, 4], default=0), max((), key=len, default=None))
