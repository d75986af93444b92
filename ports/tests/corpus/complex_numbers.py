# Complex numbers: literals, arithmetic and their parts.
z = 3 + 4j
w = 1 - 2j
print(z + w, z - w, z * w, abs(z))
print(z.real, z.imag, z.conjugate() if hasattr(z, "conjugate") else complex(3, -4))
print(complex(1, 2), complex(2), 2j * 2j, 1j * 1j)
print((1 + 2j) == complex(1, 2), -z, z * 0.5)
print([c.imag for c in (1j, 2j, 3 + 0.5j)])
