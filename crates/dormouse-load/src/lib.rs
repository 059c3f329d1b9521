//! dormouse-load: a bounded load generator for dormouse's IDLE sessions and
//! LMTP delivery (issues #4 and #5). It talks only to 127.0.0.0/8, opens at
//! most 19,000 sessions per process, and stops by itself after
//! `--max-duration` (10 minutes unless told otherwise, at most an hour).
//!
//! # Usage
//!
//! ```text
//! # 1. Users whose password is their name ({PLAIN}: for benchmarks only),
//! #    and a configuration for them (printed; save it as load.toml).
//! dormouse-load users --count 20000 --out /tmp/load/users.passwd --data-dir /tmp/load/data > load.toml
//!
//! # 2. The server, in another terminal.
//! cargo run --release -p dormouse -- serve --config load.toml
//!
//! # 3. The measurement.
//! dormouse-load idle --imap 127.0.0.1:1143 --lmtp 127.0.0.1:2424 \
//!     --users /tmp/load/users.passwd --sessions 10000 \
//!     --server-pid "$(pgrep -xo dormouse)" --json run.json
//! ```
//!
//! `idle` opens the sessions over 16 source addresses (127.0.0.2 onwards,
//! so no single address runs out of ephemeral ports), each on its own
//! random user: connect, greeting, LOGIN, SELECT INBOX, IDLE, at most
//! `--concurrency` setups in flight. It reports the setup rate and each
//! stage's latency; with `--server-pid` the server's RSS, PSS, descriptors
//! and CPU time before and after setup and after `--hold`, per session. It
//! then delivers `--deliveries` single messages over LMTP, each timed from
//! the final `.` to the `* n EXISTS` it causes (n checked against the count
//! SELECT reported plus the deliveries since); delivers one message to each
//! of `--burst` distinct users over `--lmtp-connections` connections,
//! timed from the first byte to the last EXISTS; and wakes `--wake-percent`
//! of the sessions in each of `--wake-waves` waves (DONE, tagged OK, IDLE
//! again), timing DONE → OK. Every server reply is checked. Anything
//! unexpected (a wrong reply, an EXISTS with the wrong count or none in
//! time, a dropped connection) is counted, and the exit status is non-zero
//! if anything was. `--sessions-per-user N` puts N sessions on each user,
//! down to all sessions on one account.
//!
//! `lmtp-rate` measures LMTP deliveries per second alone.
//!
//! # Measuring well
//!
//! - A user's first LOGIN makes the server create its Maildir, which costs
//!   far more than a login: run once with `--deliveries 0 --burst 0
//!   --wake-waves 0 --hold 0s` to create them, then restart the server.
//! - Restart the server before each memory measurement: an allocator keeps
//!   freed memory, so a second run's RSS delta understates the cost.
//! - One process holds at most 19,000 sessions (the machine's open-file
//!   cap). For a setup-rate run past that, start several processes with
//!   `--partition 0/N` .. `--partition N-1/N`, which gives each a disjoint
//!   share of the users; leave `--server-pid` to one of them or to none,
//!   since the readings would overlap.
//!
//! # In-process use
//!
//! [`run_idle`] and [`run_lmtp_rate`] are the library entry points the
//! binary calls; tests call them against a server started in the same
//! process.
//!
//! # What it deliberately is not
//!
//! Not an IMAP client library: it understands just enough of the responses
//! to check them (literals are skipped unread). Not a tool for remote
//! servers: loopback only, by design.

mod delivery;
pub mod duration;
mod error;
mod fleet;
pub mod framer;
mod idle_run;
pub mod limits;
pub mod lmtp_client;
mod lmtp_rate;
pub mod lmtp_reply;
mod options;
pub mod passwd;
pub mod procfs;
pub mod reply;
mod report;
mod session;
pub mod stats;
mod wake;

pub use error::{ErrorTally, LoadError};
pub use idle_run::run_idle;
pub use lmtp_rate::run_lmtp_rate;
pub use options::{IdleOptions, LmtpRateOptions};
pub use report::{
    BurstReport, DeliveryReport, LmtpRateReport, Report, ServerReport, SetupReport, WakeReport,
};
