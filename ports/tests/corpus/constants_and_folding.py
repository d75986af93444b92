# Literals the compiler folds or stores in the constant table: small-int boundaries,
# negative numbers, long strings and bytes, floats at extremes, constant tuples.
print(2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 1073741823, 1073741824, -1073741824, -1073741825)
print(0x7FFFFFFF, 0xFFFFFFFF, 2 ** 31, -(2 ** 31), 4611686018427387903, 4611686018427387904)
print(-5, - -5, ~5, +7, 3 * -2, 10 - -10, 1 << 100, (1 << 62) >> 60, 7 // -2, -7 % 3)
print(1e300 * 10 > 1e300, 1e-300 / 1e10 > 0, -0.0, 0.0 == -0.0, 1.5e10, 12345678.9, 0.1 + 0.2 > 0.3)
print("a" "b" "c", "x" * 3, b"ab" b"cd", (1, 2) + (3,), ("t",) * 2)
LONG = "This string is deliberately longer than one hundred and twenty-eight characters so that its length needs two bytes when encoded....!"
print(len(LONG), LONG[-10:], LONG.count("e"))
LONG_BYTES = b"\x00\x01\x02\x03" * 40
print(len(LONG_BYTES), LONG_BYTES[:6], sum(LONG_BYTES))
print((1, 2, (3, 4), "five", b"six", 7.0, None, True, ...), ((),), (1,))
print(not_a_tuple if False else "folded branch", "yes" if 1 else "no", [0][0:0])
if 0:
    print("never")
while 0:
    print("never")
if __debug__:
    print("debug on")
TABLE = (0.5, -0.25, 1e100, 123456789012345678901234567890, "s", b"b")
print(TABLE, TABLE[3] % 1000)
print(1 == 1.0, 2 < 3.5, "€", "\u20ac" == "€", len("€"), len("€".encode()))
# Folded NaNs are never equal, so each is its own constant-table entry (a tuple holding one too).
NAN_A = 0.0 * 1e400
NAN_B = 0.0 * 1e400
print(NAN_A, NAN_B, NAN_A == NAN_A, (0.0 * 1e400, 1), (0.0 * 1e400, 1))
