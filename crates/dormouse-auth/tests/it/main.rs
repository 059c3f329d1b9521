//! Integration tests for dormouse-auth, one binary with a module per area.

mod edits;
mod fixtures;
mod logging;
mod schemes;
mod userdb;
