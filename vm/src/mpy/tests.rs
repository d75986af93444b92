//! Tests of the whole `.mpy` round trip against `mpy-cross`.
