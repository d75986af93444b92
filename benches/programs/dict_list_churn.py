# Dict and list churn: counting, grouping, inserting and deleting keys, sorting, slicing.
def churn(n):
    counts = {}
    groups = {}
    for i in range(n):
        key = (i * 2654435761) % 1009
        counts[key] = counts.get(key, 0) + 1
        groups.setdefault(key % 17, []).append(i)
    for key in list(counts):
        if counts[key] % 3 == 0:
            del counts[key]
    stack = []
    for i in range(n):
        stack.append(i)
        if i % 3 == 0:
            stack.pop()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    sizes = [len(v) for k, v in sorted(groups.items())]
    return len(counts), ordered[:3], sizes[:5], len(stack), sum(stack[::7])


for round_ in range(3):
    result = churn(40000 + round_)
print(result)
