# A small Brainfuck interpreter with precomputed bracket jumps.
def run(program, data=b""):
    jumps = {}
    stack = []
    for i, c in enumerate(program):
        if c == "[":
            stack.append(i)
        elif c == "]":
            j = stack.pop()
            jumps[i], jumps[j] = j, i
    tape = bytearray(64)
    ptr = pc = inp = 0
    out = []
    while pc < len(program):
        c = program[pc]
        if c == ">":
            ptr += 1
        elif c == "<":
            ptr -= 1
        elif c == "+":
            tape[ptr] = (tape[ptr] + 1) & 255
        elif c == "-":
            tape[ptr] = (tape[ptr] - 1) & 255
        elif c == ".":
            out.append(chr(tape[ptr]))
        elif c == ",":
            tape[ptr] = data[inp] if inp < len(data) else 0
            inp += 1
        elif c == "[" and not tape[ptr]:
            pc = jumps[pc]
        elif c == "]" and tape[ptr]:
            pc = jumps[pc]
        pc += 1
    return "".join(out)


hello = "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+."
print(repr(run(hello)))
print(run(",[.,]", b"echo"))
print(run("++++++[>++++++++<-]>+++.+.+."))
