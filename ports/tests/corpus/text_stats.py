# Word frequencies, line wrapping and simple text statistics.
TEXT = """The quick brown fox jumps over the lazy dog.
The dog sleeps; the fox runs away, quick as ever.
A lazy afternoon for the dog and a busy one for the fox."""


def words(text):
    cleaned = "".join(ch.lower() if ch.isalpha() else " " for ch in text)
    return cleaned.split()


def wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = line + " " + word if line else word
    if line:
        lines.append(line)
    return lines


ws = words(TEXT)
freq = {}
for w in ws:
    freq[w] = freq.get(w, 0) + 1
top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
print(len(ws), len(freq), top)
print(max(ws, key=len), sorted(set(w[0] for w in ws)))
for line in wrap(TEXT, 30):
    print("|" + line + " " * (30 - len(line)) + "|")
print(TEXT.count("\n") + 1, sum(1 for c in TEXT if c in "aeiou"), TEXT.splitlines()[1][:12])
