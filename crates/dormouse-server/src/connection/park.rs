//! Parking a connection in the hibernation table and resuming it. Parking
//! subscribes a parked IDLE session to its mailbox *before* the session
//! checks that its view is caught up, so no change can slip between the
//! two; the socket leaves tokio for the hibernation's epoll; the task
//! ends. Resuming does the reverse on a new task: the session is rebuilt
//! (its mailbox reloaded if nobody else had it open), the socket handed
//! back to tokio, and the connection carries on exactly where it was: the
//! same IDLE tag and clocks, the same view, and the reason for waking
//! (input waiting in the socket, a change to sync, or the rest of a
//! keepalive to write) taken up by the ordinary loop.

use std::sync::Arc;

use dormouse_storage::Subscriber;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tracing::{debug, warn};

use super::{Connection, Counted, Hibernate, drive, log_disconnect};
use crate::hibernate::{Parked, Reason};
use crate::listener::Shared;
use crate::wake::Wake;

/// Parks `conn`, or hands it back when it may not park now. What the
/// parked session keeps is allocated, or copied, as long-lived (see
/// dormouse-alloc), away from the pages its active phase used.
pub(super) fn park(conn: Connection, counted: Counted) -> Result<(), (Box<Connection>, Counted)> {
    dormouse_alloc::long_lived(|| park_now(conn, counted))
}

fn park_now(mut conn: Connection, counted: Counted) -> Result<(), (Box<Connection>, Counted)> {
    let Some(hibernation) = conn.shared.hibernation.clone() else {
        conn.hibernate = Hibernate::Never;
        return Err((Box::new(conn), counted));
    };
    let Some(mut session) = conn.session.take() else {
        return Err((Box::new(conn), counted));
    };
    let key = hibernation.reserve();
    // Only IDLE needs to hear of changes while parked: any other session
    // learns of them at its next command, which wakes it anyway. The
    // view's own subscription is redirected to the parked record, so from
    // this moment on changes go there, and the check below (the view is
    // caught up) covers those that came before.
    let subscription = if session.is_idling() {
        match session.take_watch() {
            Some(watch) => {
                watch.redirect(hibernation.subscriber(key));
                Some(watch)
            }
            None => session.selected_dir().map(|dir| {
                conn.shared
                    .store
                    .bus()
                    .subscribe(dir, hibernation.subscriber(key))
            }),
        }
    } else {
        None
    };
    let parked_session = match session.park() {
        Ok(mut parked) => {
            // Its parts were allocated at LOGIN and SELECT, among the
            // active phase's short-lived data: copy them out of there.
            parked.compact();
            parked
        }
        Err(mut session) => {
            if let Some(watch) = subscription {
                // Back to the connection; the permit makes it sync once,
                // in case a change went to the parked record meanwhile.
                watch.redirect(conn.wake.clone());
                session.put_watch(watch);
                conn.wake.poke();
            }
            hibernation.release(key);
            conn.session = Some(*session);
            return Err((Box::new(conn), counted));
        }
    };
    let Connection {
        stream,
        shared,
        id,
        connected_at,
        idle,
        bytes_in,
        bytes_out,
        last_input,
        ..
    } = conn;
    let stream = match stream.into_std() {
        Ok(stream) => stream,
        Err(e) => {
            // The socket is lost with its registration; so is the session.
            warn!(session = %id, error = %e, "cannot park a socket");
            hibernation.release(key);
            log_disconnect(id, connected_at, bytes_in, bytes_out, "internal error");
            return Ok(());
        }
    };
    let parked = Parked {
        stream,
        session: parked_session,
        counted,
        id,
        connected_at,
        idle,
        last_input,
        bytes_in,
        bytes_out,
    };
    debug!(session = %id, "hibernating");
    if let Err(parked) = hibernation.park(key, parked, subscription, &shared.config.timeouts) {
        // epoll would not take the socket: stay awake.
        let tracker = shared.tracker.clone();
        let resume = resume(*parked, Reason::Input(Vec::new()), shared);
        dormouse_alloc::short_lived(|| tracker.spawn(resume));
    }
    Ok(())
}

/// Brings a parked session back on this task and drives it until it ends
/// or parks again.
pub(crate) async fn resume(parked: Parked, reason: Reason, shared: Arc<Shared>) {
    let Parked {
        stream,
        session,
        counted,
        id,
        connected_at,
        idle,
        last_input,
        bytes_in,
        bytes_out,
    } = parked;
    let remote = session.conn().remote;
    let mut stream = match TcpStream::from_std(stream) {
        Ok(stream) => stream,
        Err(e) => {
            warn!(session = %id, error = %e, "cannot resume a parked socket");
            log_disconnect(id, connected_at, bytes_in, bytes_out, "internal error");
            return;
        }
    };
    let wake = Arc::new(Wake::default());
    let watcher: Arc<dyn Subscriber> = wake.clone();
    let config = shared.session.clone();
    let services = shared.services.clone();
    let woken =
        tokio::task::spawn_blocking(move || session.wake(config, services, Some(watcher))).await;
    let session = match woken {
        Ok(Ok(session)) => session,
        Ok(Err(e)) => {
            // The selected mailbox was deleted or recreated meanwhile; as
            // Dovecot does, the connection cannot go on with it.
            debug!(session = %id, error = %e, "parked mailbox is gone");
            let mut bye = Vec::new();
            dormouse_proto::encode::encode_response(
                &dormouse_session::mailbox_gone(),
                dormouse_proto::encode::EncodeOptions::default(),
                &mut bye,
            );
            let _ = stream.write_all(&bye).await;
            log_disconnect(id, connected_at, bytes_in, bytes_out, "mailbox gone");
            return;
        }
        Err(e) => {
            warn!(session = %id, error = %e, "waking a session failed");
            log_disconnect(id, connected_at, bytes_in, bytes_out, "internal error");
            return;
        }
    };
    let mut conn = Connection::resumed(stream, remote, shared, id, connected_at, session, wake);
    conn.idle = idle;
    conn.last_input = last_input;
    conn.bytes_in = bytes_in;
    conn.bytes_out = bytes_out;
    // Between the parked subscription's end and the new one's start a
    // change may have been published to nobody: an idling session syncs
    // once on waking, whatever woke it.
    if conn.session.as_ref().is_some_and(|s| s.is_idling()) {
        conn.wake.poke();
    }
    match reason {
        Reason::Input(read) => {
            // Already counted in `bytes_in` by the reactor.
            conn.decoder.feed(&read);
        }
        Reason::Changed => conn.wake.poke(),
        Reason::Output(rest) => conn.out = rest,
    }
    drive(conn, counted).await;
}
