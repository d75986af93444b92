# math: functions, constants, rounding to int, tuples, domain errors and isclose.
import math


def show(label, value):
    if isinstance(value, float):
        print(label, "%.10g" % value)
    else:
        print(label, value)


for name in ("sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh", "expm1", "fabs", "erf", "erfc", "gamma", "lgamma"):
    fun = getattr(math, name)
    for x in (0.5, 2, 3.75):
        show(name + "(" + str(x) + ")", fun(x))

for name in ("pow", "atan2", "copysign", "fmod"):
    fun = getattr(math, name)
    for x, y in ((2, 3), (1.5, -0.25), (-7, 2)):
        show(name + str((x, y)), fun(x, y))

show("pi", math.pi)
show("e", math.e)
show("tau", math.tau)
print(math.inf, -math.inf, math.isnan(math.nan), math.isinf(math.inf), math.isfinite(1e308))
print(math.ceil(2.1), math.floor(-2.1), math.trunc(-7.9), math.ceil(5), type(math.floor(1.5)).__name__)
print(math.frexp(10.0), math.modf(3.25), math.modf(-2.5), math.ldexp(0.625, 4))
show("radians", math.radians(180))
show("degrees", math.degrees(math.pi / 3))
show("log base", math.log(1000, 10))
print(math.factorial(0), math.factorial(5), math.factorial(25))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1.0, 1.1), math.isclose(1.0, 1.1, rel_tol=0.2))
print(math.isclose(0.0, 1e-12), math.isclose(0.0, 1e-12, abs_tol=1e-9), math.isclose(math.inf, math.inf))
print(math.floor(2**70 + 0.0) == 2**70, math.sqrt(2**64))

domain_errors = (
    lambda: math.sqrt(-1),
    lambda: math.log(0),
    lambda: math.log(-2),
    lambda: math.acos(2),
    lambda: math.log(10, 1),
    lambda: math.factorial(-1),
    lambda: math.floor(math.inf),
    lambda: math.ceil(math.nan),
    lambda: math.sqrt("x"),
    lambda: math.pow(0, -1),
)
for attempt in domain_errors:
    try:
        attempt()
        print("no error")
    except Exception as error:
        print(type(error).__name__)


class Celsius:
    def __float__(self):
        return 100.0


show("sqrt of __float__", math.sqrt(Celsius()))
