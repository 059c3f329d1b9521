//! Inputs the fuzzer (fuzz/fuzz_targets/command_decoder.rs) once found
//! failing, kept so they stay fixed. Each test is named after the bug.
