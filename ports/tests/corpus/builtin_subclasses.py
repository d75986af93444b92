# Subclasses of builtin types: the builtin's methods and operators work on the instance.


class Stack(list):
    def push(self, item):
        self.append(item)
        return self

    def peek(self):
        return self[-1]


s = Stack()
s.push(1).push(2).push(3)
print(s, len(s), s.peek(), s.pop(), s, isinstance(s, list), 2 in s)
print([x * 10 for x in s], s + [9], s == [1, 2], bool(Stack()), sorted(Stack([3, 1, 2])))
s.extend([7, 8])
s[0] = 100
del s[1]
print(s, s[1:], s.index(7), list(reversed(s)))


class Pair(list):
    def __init__(self, a, b):
        super().__init__([a, b])
        self.label = "pair"


p = Pair(4, 5)
print(p, p.label, sum(p), max(p))


class Registry(dict):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hits = 0

    def __getitem__(self, key):
        self.hits += 1
        return super().__getitem__(key) if key in self else "default"

    def __missing__(self, key):
        return None


r = Registry(a=1)
r["b"] = 2
print(r["a"], r["b"], r["zz"], r.hits, len(r), sorted(r.keys()), r.get("a"), "b" in r)


class Meters(int):
    def describe(self):
        return "%d m" % self


m = Meters(5)
print(m + 3, m * 2, m.describe(), m == 5, isinstance(m, int), -m, m > 4, hash(m) == hash(5))


class Name(str):
    def shout(self):
        return self.upper() + "!"


n = Name("ada")
print(n, n.shout(), n + " lovelace", len(n), n == "ada", "d" in n, n[1], n.startswith("a"))


class Point(tuple):
    def norm1(self):
        return abs(self[0]) + abs(self[1])


pt = Point((3, -4))
print(pt, pt.norm1(), pt[0], len(pt), pt == (3, -4), pt < (4, 0), tuple(pt))
a, b = pt
print(a, b)


class AppError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code

    def __str__(self):
        return "[%d] %s" % (self.code, self.args[0])


class NotFound(AppError):
    pass


try:
    raise NotFound(404, "no such page")
except AppError as e:
    print(type(e).__name__, e, e.code, e.args, isinstance(e, Exception))


class Plain(ValueError):
    pass


try:
    raise Plain("bad", 2)
except ValueError as e:
    print(type(e).__name__, e.args, str(e))


class Quiet(Exception):
    def __init__(self):
        pass


try:
    raise Quiet
except Quiet as e:
    print("quiet", e.args)
