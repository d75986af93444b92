# binascii: hex and base64 both ways, and CRC-32.
import binascii

samples = (b"", b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", b"\x00\xff\x10 krait \x7f")
for data in samples:
    encoded = binascii.b2a_base64(data)
    print(data, binascii.hexlify(data), encoded, binascii.a2b_base64(encoded) == data)
    print(binascii.unhexlify(binascii.hexlify(data)) == data, binascii.crc32(data))

print(binascii.b2a_base64(b"hello", newline=False))
print(binascii.hexlify(b"\x01\x02\x03", ":"), binascii.hexlify(b"\xab\xcd", b"-"))
print(binascii.unhexlify("DEADbeef"), binascii.a2b_base64(b"aGVsbG8="), binascii.a2b_base64(b"Zm9v\nYmFy"))
print(binascii.crc32(b"world", binascii.crc32(b"hello ")), binascii.crc32(b"hello world"))
print(binascii.crc32(b"abc", 0xFFFFFFFF))

for bad in (lambda: binascii.unhexlify("abc"), lambda: binascii.unhexlify("zz")):
    try:
        bad()
        print("no error")
    except Exception as error:
        print(isinstance(error, ValueError))
