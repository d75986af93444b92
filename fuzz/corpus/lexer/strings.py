s = 'a\n\x41\u00e9' "b" r'\d+' '''tri
ple''' """x"""
b = b'\xff\x00' rb"\q"
f = f'{x!r:>{width}} {{}} {y=}' f"{'nested'}"
