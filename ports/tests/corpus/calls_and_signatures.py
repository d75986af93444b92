# Function signatures and calls of many shapes: keyword-only with and without defaults,
# many keyword arguments, lambdas with keyword-only parameters, print's own keywords.
def full(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, sorted(kwargs.items()))


print(full(1, c=3))
print(full(1, 2, 3, 4, c=5, d=6, e=7, f=8))
print(full(*[1, 2, 3], c=0, **{"d": 9, "z": 10}))
print(full(c=1, a=2))


def many_keywords(**kw):
    return sum(kw.values()), len(kw)


print(many_keywords(k1=1, k2=2, k3=3, k4=4, k5=5, k6=6, k7=7, k8=8, k9=9, k10=10,
                    k11=11, k12=12, k13=13, k14=14, k15=15, k16=16, k17=17, k18=18))
kwonly = lambda *, key=1, other: key * other
print(kwonly(other=5), kwonly(key=3, other=2))
print("a", "b", "c", sep="-", end="!\n")
print(*"xyz", sep="")
print(*[1, 2], *(3,), sep=", ")


def defaults_evaluated_once(item, bucket=[]):
    bucket.append(item)
    return len(bucket)


print([defaults_evaluated_once(i) for i in range(4)])


def positional_many(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18):
    return a1 + a18 + a9 * a10


print(positional_many(*range(18)), positional_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18))


class Api:
    def call(self, *args, **kwargs):
        return len(args), sorted(kwargs)

    def __getitem__(self, key):
        return key


api = Api()
print(api.call(), api.call(1, *[2, 3], x=1, **{"y": 2}), api[1:2], api[::2], api[1, 2], api[...])
call = api.call
print(call(*(), **{}), getattr(api, "call")(k=1))
