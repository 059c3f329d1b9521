//! Binding TCP listeners with a backlog fit for many clients connecting at
//! once. `TcpListener::bind` (std's, and so tokio's) asks for a backlog of
//! 128: when thousands of clients reconnect together (a network blip, a
//! restart) the kernel drops SYNs past it and each dropped client waits
//! a second or more to retry.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket};

/// What the server asks for; the kernel caps it at `net.core.somaxconn`
/// (4,096 by default since Linux 5.4).
pub const BACKLOG: u32 = 4096;

/// Binds `addr` with SO_REUSEADDR (a restart need not wait out TIME_WAIT)
/// and a [`BACKLOG`]-long accept queue. Needs a tokio runtime.
pub fn bind_tcp(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn binds_an_ephemeral_port_and_accepts() {
        let listener = super::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr);
        let (accepted, connected) = tokio::join!(listener.accept(), client);
        assert!(accepted.is_ok() && connected.is_ok());
    }
}
