//! LMTP (RFC 2033) as a sans-IO state machine: bytes in through
//! `Session::feed`, replies out through `Session::take_output`, and an
//! `Event` whenever the driver has to act (read more, deliver a message,
//! close). Command lines are parsed with the `smtp-proto` crate.
//!
//! It never touches a socket, a file or the clock, and knows nothing of
//! users or mailboxes beyond the `Directory` trait the server implements:
//! recipients are resolved through it, and messages are handed back to the
//! server whole, after the final dot, for it to store.

mod address;
mod body;
mod commands;
mod delivery;
mod directory;
mod envelope;
mod error;
mod line;
mod reply;
mod session;
mod settings;

pub use address::{AddressError, Candidate, DETAIL_DELIMITER, RecipientAddress};
pub use delivery::{Accepted, Delivery, RecipientResult, stored_message};
pub use directory::{Directory, Resolution};
pub use error::CommandError;
pub use reply::{Reply, Status};
pub use session::{Closing, Event, Session};
pub use settings::Settings;
