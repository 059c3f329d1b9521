//! The extensions a client can turn on with ENABLE (RFC 5161) and the set a
//! session has turned on. They change how later responses are encoded, so
//! the set lives in the authenticated state and outlives a mailbox selection.

/// Extensions this server supports enabling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Extension {
    Imap4rev2,
    /// RFC 6855: mailbox names and headers as UTF-8.
    Utf8Accept,
    /// RFC 7162: MODSEQ in FETCH responses. Also turned on, for the rest of
    /// the connection, by any CONDSTORE-enabling command (§3.1).
    Condstore,
    /// RFC 7162: VANISHED instead of EXPUNGE; implies CONDSTORE.
    Qresync,
}

impl Extension {
    /// What ENABLE accepts.
    const ALL: [Extension; 4] = [
        Extension::Imap4rev2,
        Extension::Utf8Accept,
        Extension::Condstore,
        Extension::Qresync,
    ];

    /// The capability name, as listed in `* ENABLED`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Extension::Imap4rev2 => "IMAP4rev2",
            Extension::Utf8Accept => "UTF8=ACCEPT",
            Extension::Condstore => "CONDSTORE",
            Extension::Qresync => "QRESYNC",
        }
    }

    /// Capability names are case-insensitive (RFC 9051 §7.2.2).
    pub(crate) fn from_name(name: &str) -> Option<Extension> {
        Extension::ALL
            .into_iter()
            .find(|ext| ext.name().eq_ignore_ascii_case(name))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Enabled {
    imap4rev2: bool,
    utf8_accept: bool,
    condstore: bool,
    qresync: bool,
}

impl Enabled {
    pub(crate) fn contains(&self, ext: Extension) -> bool {
        match ext {
            Extension::Imap4rev2 => self.imap4rev2,
            Extension::Utf8Accept => self.utf8_accept,
            Extension::Condstore => self.condstore || self.qresync,
            Extension::Qresync => self.qresync,
        }
    }

    /// Turns `ext` on; true if it was off, i.e. it belongs in `* ENABLED`.
    /// CONDSTORE after QRESYNC was already on, so it is not listed again.
    pub(crate) fn insert(&mut self, ext: Extension) -> bool {
        let was_on = self.contains(ext);
        let flag = match ext {
            Extension::Imap4rev2 => &mut self.imap4rev2,
            Extension::Utf8Accept => &mut self.utf8_accept,
            Extension::Condstore => &mut self.condstore,
            Extension::Qresync => &mut self.qresync,
        };
        *flag = true;
        !was_on
    }
}
