# A pystone-like mix of object code: attribute reads and writes on instances, calls, list
# indexing, string indexing and comparison, a tuple, integer arithmetic and branches. It has
# no typed viper form, so it runs as bytecode and @native only.
# variants: bytecode native


class Record:
    def __init__(self, ident, value):
        self.ident = ident
        self.value = value


DECORATOR
def same(a, b):
    if a == b:
        return 1
    return 0


DECORATOR
def step(records, table, i):
    r = records[i % len(records)]
    r.value = (r.value * 3 + i) % 1000
    table[i % 50] += r.value & 7
    if r.ident < 5:
        r.ident += 1
    else:
        r.ident = same(r.value & 1, 1)
    return r.value


DECORATOR
def mix(loops):
    records = []
    for k in range(10):
        records.append(Record(k, k * 10))
    table = [0] * 50
    total = 0
    s = "abc"
    for i in range(loops):
        total += step(records, table, i)
        if s[i % 3] == "b":
            total += 1
        t = (i, total & 255)
        total = (total + t[1]) % 1000003
    for k in range(10):
        total += records[k].ident
    for k in range(50):
        total += table[k]
    return total


# timed
result = mix(200000)
# check
print(result)
