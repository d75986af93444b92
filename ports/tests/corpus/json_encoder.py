# A hand-written JSON encoder and a tiny decoder for the subset it produces.
def encode(obj, indent=0):
    pad = "  " * indent
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, (int, float)):
        return str(obj)
    if isinstance(obj, str):
        return '"' + obj.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        inner = (",\n").join(pad + "  " + encode(v, indent + 1) for v in obj)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(obj, dict):
        items = [pad + "  " + encode(str(k)) + ": " + encode(obj[k], indent + 1) for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    raise TypeError("cannot encode " + type(obj).__name__)


def decode_number_list(text):
    body = text.strip()[1:-1]
    return [int(part) for part in body.replace("\n", "").split(",") if part.strip()]


doc = {"name": "krait", "version": [0, 1], "tags": ["python", "rust"], "stable": False,
       "meta": {"quote": 'say "hi"\n', "none": None, "ratio": 0.5}}
print(encode(doc))
print(decode_number_list(encode([3, 1, 4, 1, 5])))
try:
    encode({1, 2})
except TypeError as e:
    print("error:", e)
