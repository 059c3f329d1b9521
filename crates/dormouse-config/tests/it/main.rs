//! Integration tests for dormouse-config: one binary, one module per area.

mod defaults;
mod errors;
mod example;
mod overrides;
mod round_trip;
mod template;
