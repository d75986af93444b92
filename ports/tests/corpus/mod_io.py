# io: StringIO and BytesIO reading, writing, seeking, lines, context managers; json through them.
import io
import json

s = io.StringIO()
print(s.write("hello\n"), s.write("world\nlast"), s.tell(), repr(s.getvalue()))
s.seek(0)
print(repr(s.read(3)), repr(s.readline()), repr(s.readline()), repr(s.readline()), repr(s.readline()))
print(s.seek(0, 2), s.seek(12), repr(s.read()))
s.seek(2)
s.write("LL")
print(repr(s.getvalue()), [line for line in io.StringIO("a\nb\n\nc")])

b = io.BytesIO(b"\x00\x01binary")
print(b.read(2), b.read(), b.read(), b.tell(), b.getvalue())
b.seek(10)
b.write(b"!")
print(b.getvalue(), b.seek(0), b.readline(), len(b.getvalue()))

with io.StringIO("context") as c:
    print(c.read(3))
for closed in (lambda: c.read(), lambda: c.getvalue(), lambda: c.write("x")):
    try:
        closed()
        print("no error")
    except ValueError:
        print("ValueError")

out = io.StringIO()
json.dump([1, {"k": None}], out)
print(out.getvalue(), json.load(io.StringIO('{"from": ["stream"]}')))
print(isinstance(s, io.StringIO), isinstance(b, io.BytesIO), isinstance(b, io.StringIO))


class Upper(io.StringIO):
    def shout(self):
        return self.getvalue().upper()


u = Upper("quiet")
print(u.read(2), u.shout())

captured = io.StringIO()
print("printed", 1, 2.5, file=captured)
print("second", end="!", file=captured)
print(repr(captured.getvalue()))
