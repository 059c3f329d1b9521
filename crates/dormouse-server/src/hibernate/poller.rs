//! One epoll instance for every parked socket, itself registered with the
//! tokio reactor: a parked session needs no task and no tokio registration,
//! only an epoll entry (kernel memory) that says "this key has input".
//! Entries are one-shot: a socket reported once is not reported again until
//! it is parked anew, so a wake never races a second report.
//!
//! Hand-written on libc because neither tokio nor mio lets a program own
//! readiness for sockets that have no task: tokio's `AsyncFd` is per fd
//! and needs a task awaiting it.

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// Events taken per `epoll_wait` call.
const BATCH: usize = 256;

pub(crate) struct Poller {
    epoll: AsyncFd<OwnedFd>,
}

impl Poller {
    /// Needs a tokio runtime with I/O enabled.
    pub(crate) fn new() -> io::Result<Poller> {
        // SAFETY: epoll_create1 takes no pointers; the result is checked.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a fresh descriptor that nothing else owns.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: the `OwnedFd` is an open epoll descriptor that stays
        // open and the same for as long as the `AsyncFd` owns it.
        let epoll = unsafe { AsyncFd::register_with_interest(owned, Interest::READABLE) }
            .map_err(|e| e.into_parts().1)?;
        Ok(Poller { epoll })
    }

    /// Reports `key` once `fd` has input, hangs up or fails.
    pub(crate) fn add(&self, fd: impl AsFd, key: u64) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLONESHOT) as u32,
            u64: key,
        };
        self.ctl(libc::EPOLL_CTL_ADD, fd.as_fd().as_raw_fd(), &mut event)
    }

    /// Watches `fd` again after its one report (its input was handled
    /// without waking the session).
    pub(crate) fn rearm(&self, fd: impl AsFd, key: u64) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLONESHOT) as u32,
            u64: key,
        };
        self.ctl(libc::EPOLL_CTL_MOD, fd.as_fd().as_raw_fd(), &mut event)
    }

    /// Forgets `fd` (before it is handed back to tokio or closed).
    pub(crate) fn remove(&self, fd: impl AsFd) -> io::Result<()> {
        let mut event = libc::epoll_event { events: 0, u64: 0 };
        self.ctl(libc::EPOLL_CTL_DEL, fd.as_fd().as_raw_fd(), &mut event)
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, event: &mut libc::epoll_event) -> io::Result<()> {
        // SAFETY: both descriptors are open for the duration of the call
        // and `event` is a valid epoll_event.
        let rc = unsafe { libc::epoll_ctl(self.epoll.get_ref().as_raw_fd(), op, fd, event) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits until at least one parked socket is ready and appends the keys
    /// of all that are (up to a batch) to `keys`.
    pub(crate) async fn ready(&self, keys: &mut Vec<u64>) -> io::Result<()> {
        loop {
            let mut guard = self.epoll.readable().await?;
            let mut events = [libc::epoll_event { events: 0, u64: 0 }; BATCH];
            // SAFETY: `events` has room for BATCH entries; timeout 0 never
            // blocks the runtime thread.
            let n = unsafe {
                libc::epoll_wait(
                    self.epoll.get_ref().as_raw_fd(),
                    events.as_mut_ptr(),
                    BATCH as libc::c_int,
                    0,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if n == 0 {
                guard.clear_ready();
                continue;
            }
            let n = usize::try_from(n).unwrap_or(0).min(BATCH);
            keys.extend(events.iter().take(n).map(|e| e.u64));
            if n < BATCH {
                // Everything ready was taken; more will raise readiness anew.
                guard.clear_ready();
            }
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[tokio::test]
    async fn reports_the_key_of_a_socket_with_input_once() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let poller = Poller::new().unwrap();
        poller.add(&server, 42).unwrap();
        client.write_all(b"DONE\r\n").unwrap();
        let mut keys = Vec::new();
        tokio::time::timeout(std::time::Duration::from_secs(5), poller.ready(&mut keys))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(keys, vec![42]);
        // One-shot: more input is not reported until re-armed.
        client.write_all(b"more").unwrap();
        let again = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            poller.ready(&mut keys),
        )
        .await;
        assert!(again.is_err());
        poller.remove(&server).unwrap();
    }
}
