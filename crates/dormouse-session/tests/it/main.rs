//! Integration tests of the session state machine through its public API:
//! commands in, complete responses and outcomes out.

mod authenticate;
mod capability;
mod enable;
mod fetch;
mod fetch_batches;
mod fetch_cached;
mod fetch_support;
mod idle;
mod login;
mod mailboxes;
mod mbox_append;
mod mbox_escape;
mod mbox_list;
mod mbox_support;
mod misc;
mod samples;
mod search;
mod selected;
mod selected_copy;
mod selected_expunge;
mod selected_fixture;
mod selected_qresync;
mod selected_store;
mod selected_updates;
mod sort_thread;
mod states;
mod support;
