# Control flow that unwinds blocks: break/continue/return through finally and with,
# nested try blocks inside loops, exception variables going out of scope.
class Ctx:
    def __init__(self, log, name):
        self.log, self.name = log, name

    def __enter__(self):
        self.log.append("+" + self.name)

    def __exit__(self, *exc):
        self.log.append("-" + self.name)


def search(rows, target):
    log = []
    for r, row in enumerate(rows):
        with Ctx(log, "row%d" % r):
            for c, value in enumerate(row):
                try:
                    if value is None:
                        continue
                    if value == target:
                        return (r, c), log
                    if value < 0:
                        break
                finally:
                    log.append("f%d%d" % (r, c))
    return None, log


print(search([[1, None, 3], [-1, 5], [7, 8]], 8))
print(search([[1, 2]], 9))


def layered(n):
    out = []
    try:
        try:
            for i in range(n):
                try:
                    if i == 2:
                        raise ValueError(i)
                    out.append(i)
                except ValueError as e:
                    out.append("caught %s" % e)
                    continue
                finally:
                    out.append("inner%d" % i)
            raise RuntimeError("done")
        finally:
            out.append("middle")
    except RuntimeError as e:
        out.append("outer " + str(e))
    try:
        e
    except NameError:
        out.append("e is unbound")
    return out


print(layered(4))


def finally_overrides():
    for i in range(3):
        try:
            return "try %d" % i
        finally:
            if i == 0:
                continue
    return "loop ended"


def while_else_in_try(limit):
    n = 0
    try:
        while n < limit:
            n += 1
            if n == 100:
                break
        else:
            return "else at %d" % n
    finally:
        n = -n
    return "broke"


print(finally_overrides(), while_else_in_try(5), while_else_in_try(500))
