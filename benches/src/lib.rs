//! Benchmarks of the rectifiers crates: see `src/bin/`.
