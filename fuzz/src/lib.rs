//! The differential fuzzer: program generators, execution paths, and the corpus of divergences.
