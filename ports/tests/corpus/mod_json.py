# json: dumps of every JSON type, separators, escapes, and loads back.
import json

# One key per dict: MicroPython's dicts are not insertion-ordered.
doc = [{"name": "krait"}, {"version": [0, 1, 2]}, 0.25, False, None, {"nested": {"deep": [[], {}, [1, [2, [3]]]]}}]
text = json.dumps(doc)
print(text)
print(json.dumps(json.loads(text)) == text)
print(json.dumps(doc, separators=(",", ":")))
print(json.dumps((1, "two", 3.5)), json.dumps([]), json.dumps({}), json.dumps("x"), json.dumps(-12345678901234567890))
print(json.dumps('quote " backslash \\ newline \n tab \t return \r bell \x07'))
print(json.dumps({1: "int key"}), json.dumps({"s": {2: 3}}))

for source in ("null", "true", " false ", "0", "-17", "3.5", "1e3", "-2.5E-3", '"plain"', '"esc \\" \\\\ \\/ \\n \\t \\u0041\\u0062"', "[1, 2, [3, 4], []]", '{"a": {"b": [true, null]}, "c": ""}', "  [ 1 , { \"k\" : 2 } ]  ", "123456789012345678901234567890"):
    print(repr(source), "->", repr(json.loads(source)))

print(json.loads(b'{"bytes": [1]}'))
for bad in ("", "[", "[1, 2", "nul", "tru", '"open', "[1] x", "{[1]: 2}", "@"):
    try:
        json.loads(bad)
        print(repr(bad), "no error")
    except ValueError:
        print(repr(bad), "ValueError")

