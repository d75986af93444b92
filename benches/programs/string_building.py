# String building: concatenation, join, formatting, slicing and the common str methods.
def words(n):
    out = []
    for i in range(n):
        out.append("w%d" % (i * 7919 % 1000))
    return out


def build_text(ws):
    text = ""
    for i, w in enumerate(ws):
        text += w
        text += " " if i % 10 else "\n"
    return text


ws = words(20000)
text = build_text(ws)
lines = text.split("\n")
upper = [line.upper().replace("W", "v") for line in lines]
joined = "|".join(upper)
fmt = ["{}:{:>6}:{}".format(i, len(line), line[:4]) for i, line in enumerate(lines)]
count = 0
for line in lines:
    if line.startswith("w1") or line.endswith("9 "):
        count += 1
print(len(text), len(lines), len(joined), count, fmt[17], joined[100:130])
print(len(text.split("w42")) - 1, text.find("w999"), sum(len(w) for w in ws))
