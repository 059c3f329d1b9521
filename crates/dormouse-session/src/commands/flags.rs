//! The flags a command table entry carries about blocking and pipelining.

use std::ops::BitOr;

/// How a command interacts with other commands, after Dovecot's
/// `src/imap/imap-commands.c` flags and RFC 9051 §5.5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommandFlags(u8);

impl CommandFlags {
    pub const NONE: CommandFlags = CommandFlags(0);
    /// Runs blocking work (password hashing, later disk I/O): the server
    /// runs it off the async runtime.
    pub const BLOCKING: CommandFlags = CommandFlags(1);
    /// Takes message sequence numbers: it must not run while a command that
    /// may send EXPUNGE is in progress.
    pub const USES_SEQS: CommandFlags = CommandFlags(1 << 1);
    /// May send untagged EXPUNGE (RFC 9051 §5.5: anything but FETCH, STORE
    /// and SEARCH may), so a following `USES_SEQS` command must wait.
    pub const BREAKS_SEQS: CommandFlags = CommandFlags(1 << 2);
    /// Changes or closes the selected mailbox: everything before it must
    /// finish first.
    pub const BREAKS_MAILBOX: CommandFlags = CommandFlags(1 << 3);
    /// Leaves the selected state before it runs (SELECT, EXAMINE): the old
    /// mailbox is closed, with `* OK [CLOSED]`, even if the command then
    /// fails (RFC 9051 §6.3.2).
    pub const DESELECTS: CommandFlags = CommandFlags(1 << 4);

    pub const fn union(self, other: CommandFlags) -> CommandFlags {
        CommandFlags(self.0 | other.0)
    }

    pub const fn contains(self, other: CommandFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for CommandFlags {
    type Output = CommandFlags;

    fn bitor(self, rhs: CommandFlags) -> CommandFlags {
        self.union(rhs)
    }
}
