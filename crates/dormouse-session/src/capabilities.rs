//! The CAPABILITY list, built in one place so every feature that starts
//! working adds itself here. It lists only what works now: a capability
//! advertised but not implemented breaks clients that trust it.

use crate::config::{ConnectionInfo, Literals, SessionConfig};

/// Capabilities differ before and after login (RFC 9051 §6.2.2 allows it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    BeforeLogin,
    AfterLogin,
}

pub(crate) fn list(config: &SessionConfig, conn: &ConnectionInfo, stage: Stage) -> Vec<String> {
    let literal = match config.literal {
        Literals::Plus => "LITERAL+",
        Literals::Minus => "LITERAL-",
    };
    let mut caps = vec!["IMAP4rev1", "IMAP4rev2", literal];
    match stage {
        Stage::BeforeLogin => {
            caps.extend(["SASL-IR", "ID", "ENABLE"]);
            // RFC 9051 §6.2.3: where cleartext passwords are refused, say
            // so and do not offer PLAIN (RFC 9051 §6.2.2 note).
            if conn.plaintext_auth_allowed(config) {
                caps.push("AUTH=PLAIN");
            } else {
                caps.push("LOGINDISABLED");
            }
        }
        Stage::AfterLogin => caps.extend([
            "ID",
            "ENABLE",
            "IDLE",
            "NAMESPACE",
            "UTF8=ACCEPT",
            // Mailboxes (RFC 5258, 5819, 6154, 3348, 3502, 8438).
            "LIST-EXTENDED",
            "LIST-STATUS",
            "SPECIAL-USE",
            "CREATE-SPECIAL-USE",
            "CHILDREN",
            "MULTIAPPEND",
            "STATUS=SIZE",
            // Messages (RFC 4315, 6851, 3691, 7162, 3516).
            "UIDPLUS",
            "MOVE",
            "UNSELECT",
            "CONDSTORE",
            "QRESYNC",
            "BINARY",
            // Searching (RFC 4731, 5182, 5256, 5957, 5032).
            "ESEARCH",
            "SEARCHRES",
            "SORT",
            "SORT=DISPLAY",
            "THREAD=ORDEREDSUBJECT",
            "THREAD=REFERENCES",
            "WITHIN",
        ]),
    }
    caps.into_iter().map(String::from).collect()
}
