//! The dormouse binary.
fn main() {}
