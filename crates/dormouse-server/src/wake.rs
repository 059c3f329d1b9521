//! The change-bus subscriber of one connection: a `Notify` that the bus
//! pokes (from whichever thread committed the change) and the connection
//! task awaits while its session is in IDLE. A poke while nobody waits is
//! kept as a single permit, so a change that lands between two waits is
//! not lost, and many changes coalesce into one sync.

use dormouse_storage::{Note, Subscriber};
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub(crate) struct Wake(Notify);

impl Wake {
    /// Resolves once the selected mailbox changed since the last call
    /// returned (or since the subscription began).
    pub(crate) async fn changed(&self) {
        self.0.notified().await;
    }
}

impl Wake {
    /// Makes the next `changed` return at once (a session woken from
    /// hibernation by a change it has not synced yet).
    pub(crate) fn poke(&self) {
        self.0.notify_one();
    }
}

impl Subscriber for Wake {
    fn notify(&self, _note: &Note) {
        self.0.notify_one();
    }
}
