# hashlib.sha256 digests, in one piece and in updates (sha1 and md5 need the unix port's SSL
# build, which the MicroPython oracle lacks).
import binascii
import hashlib

for data in (b"", b"abc", b"krait" * 100, b"\x00\xff" * 40):
    print(len(data), binascii.hexlify(hashlib.sha256(data).digest()))
h = hashlib.sha256()
h.update(b"hello ")
h.update(b"world")
print(h.digest() == hashlib.sha256(b"hello world").digest())
