//! Integration tests of dormouse-storage, one binary with a module per area.

mod dotlock;
mod engine;
mod filenames;
mod keywords;
mod names;
mod subscriptions;
mod uidlist;
