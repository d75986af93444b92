# A rational-number class with full operator overloading and comparisons.
def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


class Frac:
    def __init__(self, num, den=1):
        if den == 0:
            raise ZeroDivisionError("zero denominator")
        if den < 0:
            num, den = -num, -den
        g = gcd(num, den) or 1
        self.num, self.den = num // g, den // g

    def __add__(self, o):
        o = o if isinstance(o, Frac) else Frac(o)
        return Frac(self.num * o.den + o.num * self.den, self.den * o.den)

    __radd__ = __add__

    def __sub__(self, o):
        return self + (-o if isinstance(o, Frac) else Frac(-o))

    def __neg__(self):
        return Frac(-self.num, self.den)

    def __mul__(self, o):
        o = o if isinstance(o, Frac) else Frac(o)
        return Frac(self.num * o.num, self.den * o.den)

    def __truediv__(self, o):
        return self * Frac(o.den, o.num)

    def __eq__(self, o):
        return (self.num, self.den) == (o.num, o.den)

    def __lt__(self, o):
        return self.num * o.den < o.num * self.den

    def __le__(self, o):
        return self == o or self < o

    def __hash__(self):
        return hash((self.num, self.den))

    def __str__(self):
        return str(self.num) if self.den == 1 else "%d/%d" % (self.num, self.den)

    def __repr__(self):
        return "Frac(%s)" % self


h = Frac(0)
for k in range(1, 11):
    h = h + Frac(1, k)
print(h, Frac(1, 2) + 1, 1 + Frac(1, 3), Frac(3, 4) - Frac(1, 4), Frac(2, 3) * Frac(9, 4))
print(Frac(1, 2) / Frac(1, 4), -Frac(5, -10), Frac(1, 3) < Frac(1, 2), Frac(2, 4) == Frac(1, 2))
print(sorted([Frac(3, 7), Frac(1, 2), Frac(-1, 3)]), len({Frac(1, 2), Frac(2, 4)}), Frac(1, 3) <= Frac(1, 3))
try:
    Frac(1, 0)
except ZeroDivisionError as e:
    print("caught", e)
