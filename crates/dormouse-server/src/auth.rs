//! Connects the session's `Authenticator` to the passwd-file user database.
//! The session crate stays free of file IO; the auth crate stays free of
//! IMAP.

use std::net::IpAddr;
use std::sync::Arc;

use dormouse_auth::{UserDb, Verdict};
use dormouse_session::{AuthVerdict, Authenticator};

pub struct PasswdAuthenticator(pub Arc<UserDb>);

impl Authenticator for PasswdAuthenticator {
    fn verify(&self, username: &str, password: &[u8], remote: IpAddr) -> AuthVerdict {
        match self.0.verify(username, password, remote) {
            Verdict::Accepted(entry) => AuthVerdict::Accepted {
                user: entry.name,
                home: entry.home,
            },
            Verdict::Rejected { delay } => AuthVerdict::Rejected { delay },
        }
    }
}
