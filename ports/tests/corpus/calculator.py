# A tokenizer and recursive-descent evaluator for arithmetic expressions.
def tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit():
            j = i
            while j < len(text) and text[j].isdigit():
                j += 1
            tokens.append(("num", int(text[i:j])))
            i = j
        elif ch in "+-*/()%^":
            tokens.append(("op", ch))
            i += 1
        else:
            raise SyntaxError("bad character " + repr(ch))
    tokens.append(("end", None))
    return tokens


class Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos]

    def take(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expr(self):
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            value = value + self.term() if op == "+" else value - self.term()
        return value

    def term(self):
        value = self.power()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            rhs = self.power()
            value = value * rhs if op == "*" else value // rhs if op == "/" else value % rhs
        return value

    def power(self):
        base = self.unary()
        if self.peek() == ("op", "^"):
            self.take()
            return base ** self.power()
        return base

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return -self.unary()
        kind, value = self.take()
        if kind == "num":
            return value
        if value == "(":
            inner = self.expr()
            self.take()
            return inner
        raise SyntaxError("unexpected " + str(value))


for text in ["1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-4 + 10 / 3", "17 % 5 * (2 - -3)", "2 ^ 100"]:
    print(text, "=", Parser(text).expr())
for bad in ["1 + $", "* 2"]:
    try:
        Parser(bad).expr()
    except SyntaxError as e:
        print("error in", repr(bad), ":", e.args[0])
