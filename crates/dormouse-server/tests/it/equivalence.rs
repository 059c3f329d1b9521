//! The randomized equivalence test of issue #5: a session that hibernates
//! must send exactly the bytes a never-parked session sends.
//!
//! Each seed builds two mirrored worlds in one server: users `h0..h2`,
//! whose twin clients connect to the listener that parks sessions at once
//! (`hibernate_after = "0s"`), and users `a0..a2`, whose twins connect to
//! the listener that never parks. Each user has INBOX and `Folder`, an
//! actor session (never parked) that changes them, and LMTP deliveries.
//! Every action runs in both worlds (a delivery goes to `hN` and `aN` in
//! one transaction), and what each twin pair reads must be equal after the
//! world's UIDVALIDITYs are replaced by placeholders. The twins live in
//! mirrored mailboxes rather than in one shared mailbox because their own
//! STOREs, EXPUNGEs and MOVEs would otherwise reach each other unevenly
//! (the second twin's STORE finds the flag already set).
//!
//! Steps run one at a time: a change is committed before the next action
//! is sent, and a twin in IDLE hears at most one change before it is made
//! to send DONE (see `script.rs` for why). What a twin says during IDLE is
//! read at DONE, or earlier at a "hear" point: whatever the awake twin
//! said unprompted within `HEAR_WAIT`, the parked twin must say too,
//! without DONE (so a parked IDLE session really is woken by changes).
//! Timing thus decides only how much is checked early, never the bytes.
//! Hibernate points wait until the parking world has the number of
//! hibernated sessions the model expects (a range where a race the
//! scenario leaves open decides), so changes and input really do reach
//! parked sessions. Keepalives are an hour apart and never interleave.
//!
//! `DORMOUSE_EQUIV_SEEDS=N` runs seeds `0..N` instead of the CI's
//! `0..20` (known failures excepted, see `KNOWN_FAILING`);
//! `DORMOUSE_EQUIV_SEED=S` replays seed `S` alone. A failing seed prints
//! every action it ran, and the others still run; `DORMOUSE_EQUIV_LOG=1`
//! prints the actions of passing seeds too; `DORMOUSE_EQUIV_HEAR_ALL=1`
//! hears every change out before DONE, which takes the DONE-versus-note
//! race out of a hunt for other divergences. Not a test of timing: races
//! between a change and input are exercised, but latency is not measured.

mod rng;
mod script;
mod world;

use std::time::{Duration, Instant};

use crate::harness::TestServer;
use script::{Action, Conn, Hearing, Mbox, Piece, Script, USERS};
use world::{Lmtp, World};

/// Seeds `0..CI_SEEDS` run on every `cargo test`.
const CI_SEEDS: u64 = 20;
/// Seeds run at once, each with its own server: a run mostly waits for
/// fsync and sockets.
const PARALLEL: usize = 4;
/// Steps per seed (each is one or a few actions).
const STEPS: usize = 40;
/// Seeds that once failed, kept as regression tests; they run before the
/// others every time. A change to `script.rs` gives every seed a new
/// scenario, so each bug found this way also gets a deterministic test of
/// its own where one can be written.
/// - 3, 32, 62, 90, 118, 141: a keyword defined by a STORE that changed no
///   message published no bus note, so a parked twin answered DONE
///   without the new `* FLAGS` (see
///   `a_keyword_defined_alone_reaches_a_parked_idle_session_at_done`).
/// - 103, 425: DONE sent right after another session's change reached a
///   parked IDLE twin; the reactor answered DONE from the record before
///   it had taken the change's note, so the update came one command late.
///   A race (103 failed one replay in five), so no deterministic test.
const REGRESSION_SEEDS: &[u64] = &[3, 32, 62, 90, 103, 118, 141, 425];
/// Seeds that fail today because of an open bug, left out of every run but
/// an explicit `DORMOUSE_EQUIV_SEED` until it is fixed; then they move to
/// `REGRESSION_SEEDS`. None at the moment.
const KNOWN_FAILING: &[u64] = &[];
/// How long the awake twin in IDLE gets to report a change. Only what it
/// said by then is asked of the parked twin before DONE (it gets
/// `harness::TIMEOUT`); the rest is compared at DONE, so a slow machine
/// checks less, never fails more.
const HEAR_WAIT: Duration = Duration::from_millis(50);
/// How long a hibernate point waits for the expected count.
const PARK_WAIT: Duration = Duration::from_secs(5);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("DORMOUSE_EQUIV_SEED") {
        return vec![seed];
    }
    let n = env_u64("DORMOUSE_EQUIV_SEEDS").unwrap_or(CI_SEEDS);
    REGRESSION_SEEDS
        .iter()
        .copied()
        .chain(0..n)
        .filter(|seed| !KNOWN_FAILING.contains(seed))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_sessions_send_exactly_what_their_awake_twins_send() {
    let started = Instant::now();
    let seeds = seeds();
    let mut total = Coverage::default();
    let mut failed = Vec::new();
    let mut queue = seeds.iter().copied();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < PARALLEL {
            let Some(seed) = queue.next() else {
                break;
            };
            // A task of its own, so that a failing seed (it prints its
            // actions) does not hide the others.
            running.spawn(async move { (seed, tokio::spawn(run_seed(seed)).await) });
        }
        match running.join_next().await {
            None => break,
            Some(Ok((_, Ok(coverage)))) => total.add(&coverage),
            Some(Ok((seed, Err(_)))) => failed.push(seed),
            Some(Err(e)) => panic!("seed runner: {e}"),
        }
    }
    failed.sort_unstable();
    eprintln!(
        "equivalence: {} seeds in {:?}: {total:?}",
        seeds.len(),
        started.elapsed()
    );
    assert!(failed.is_empty(), "failing seeds: {failed:?}");
    if seeds.len() == 1 {
        return;
    }
    // The runs did exercise hibernation and carried news to parked IDLE
    // sessions; an equal silence would prove nothing.
    assert!(total.parked_points > 0, "{total:?}");
    assert!(total.most_parked > 1, "{total:?}");
    assert!(total.idle_news > 0, "{total:?}");
    assert!(total.heard_in_idle > 0, "{total:?}");
}

/// What a run exercised, to show that the equality means something.
#[derive(Debug, Default)]
struct Coverage {
    actions: usize,
    /// Hibernate points with at least one session expected parked.
    parked_points: usize,
    most_parked: usize,
    /// EXISTS, EXPUNGE, VANISHED and FETCH lines read at DONE by parking
    /// twins: news they heard in IDLE.
    idle_news: usize,
    /// Of those, the ones that came before DONE, checked unprompted.
    heard_in_idle: usize,
    deliveries: usize,
}

impl Coverage {
    fn add(&mut self, other: &Coverage) {
        self.actions += other.actions;
        self.parked_points += other.parked_points;
        self.most_parked = self.most_parked.max(other.most_parked);
        self.idle_news += other.idle_news;
        self.heard_in_idle += other.heard_in_idle;
        self.deliveries += other.deliveries;
    }
}

/// The actions of a seed so far, printed if the seed fails.
struct Record {
    seed: u64,
    log: Vec<String>,
}

impl Drop for Record {
    fn drop(&mut self) {
        if std::env::var_os("DORMOUSE_EQUIV_LOG").is_some() && !std::thread::panicking() {
            eprintln!("equivalence seed {}:", self.seed);
            for (i, line) in self.log.iter().enumerate() {
                eprintln!("  {i:4} {line}");
            }
        }
        if std::thread::panicking() {
            eprintln!(
                "equivalence seed {seed} failed after these actions \
                 (replay: DORMOUSE_EQUIV_SEED={seed} cargo test -p dormouse-server \
                 --test it equivalence -- --nocapture):",
                seed = self.seed
            );
            for (i, line) in self.log.iter().enumerate() {
                eprintln!("  {i:4} {line}");
            }
        }
    }
}

fn config(users_file: &std::path::Path) -> String {
    format!(
        "users_file = \"{}\"\n[timeouts]\nhibernate_after = \"0s\"\nidle_keepalive = \"1h\"\n",
        users_file.display()
    )
}

async fn run_seed(seed: u64) -> Coverage {
    let dir = tempfile::tempdir().expect("tempdir");
    let users_file = dir.path().join("users");
    let mut users = String::new();
    for prefix in ['h', 'a'] {
        for user in 0..USERS {
            users.push_str(&format!("{prefix}{user}:{{PLAIN}}secret::::::\n"));
        }
    }
    std::fs::write(&users_file, users).expect("users file");
    let server = TestServer::start_with(&config(&users_file)).await;

    let hearing = match std::env::var_os("DORMOUSE_EQUIV_HEAR_ALL") {
        Some(_) => Hearing::Always,
        None => Hearing::Sometimes,
    };
    let mut script = Script::new(seed, hearing);
    let client_users = script.client_users();
    let mut parking = World::connect('h', server.addr, server.awake_addr, &client_users).await;
    let mut awake = World::connect('a', server.awake_addr, server.awake_addr, &client_users).await;
    let mut lmtp = Lmtp::connect(server.lmtp_addr).await;
    let mut run = Run {
        server: &server,
        parking: &mut parking,
        awake: &mut awake,
        lmtp: &mut lmtp,
        record: Record {
            seed,
            log: Vec::new(),
        },
        coverage: Coverage::default(),
    };

    for action in script.setup_mailboxes() {
        run.act(&script, &action).await;
    }
    run.parking.learn_uidvalidity().await;
    run.awake.learn_uidvalidity().await;
    for action in script
        .setup_messages()
        .into_iter()
        .chain(script.setup_clients())
    {
        run.act(&script, &action).await;
    }
    for _ in 0..STEPS {
        for action in script.step() {
            run.act(&script, &action).await;
        }
    }
    for action in script.finish() {
        run.act(&script, &action).await;
    }
    let leftovers = run.parking.leftovers().await;
    compare(
        "what was left after LOGOUT",
        &leftovers,
        &run.awake.leftovers().await,
    );
    assert!(
        leftovers.iter().all(String::is_empty),
        "unread output after LOGOUT: {leftovers:?}"
    );
    let coverage = std::mem::take(&mut run.coverage);
    drop(run);
    server.stop().await;
    coverage
}

struct Run<'a> {
    server: &'a TestServer,
    parking: &'a mut World,
    awake: &'a mut World,
    lmtp: &'a mut Lmtp,
    record: Record,
    coverage: Coverage,
}

impl Run<'_> {
    async fn act(&mut self, script: &Script, action: &Action) {
        self.record.log.push(describe(script, action));
        self.coverage.actions += 1;
        match action {
            Action::Send {
                conn,
                pieces,
                until,
                uv,
            } => {
                let (parked, awake) = tokio::join!(
                    self.parking.run(*conn, pieces, until, *uv),
                    self.awake.run(*conn, pieces, until, *uv),
                );
                let who = match conn {
                    Conn::Client(i) => script.describe_client(*i),
                    Conn::Actor(u) => format!("actor of user {u}"),
                };
                compare(&who, &parked, &awake);
                if matches!(conn, Conn::Client(_)) && is_done(pieces) {
                    self.coverage.idle_news += parked.iter().filter(|r| is_news(r)).count();
                }
            }
            Action::Deliver {
                user,
                mbox,
                message,
            } => {
                let detail = match mbox {
                    Mbox::Inbox => "",
                    Mbox::Folder => "+Folder",
                };
                let recipients = [
                    format!("{}{detail}@example.org", self.parking.user_name(*user)),
                    format!("{}{detail}@example.org", self.awake.user_name(*user)),
                ];
                self.lmtp.deliver(&recipients, message).await;
                self.coverage.deliveries += 1;
            }
            Action::Hear { clients } => {
                for &i in clients {
                    let awake = self.awake.unprompted(i, HEAR_WAIT).await;
                    let parked = self.parking.responses(i, awake.len()).await;
                    compare(
                        &format!("{} in IDLE", script.describe_client(i)),
                        &parked,
                        &awake,
                    );
                    self.coverage.heard_in_idle += parked.iter().filter(|r| is_news(r)).count();
                }
            }
            Action::Hibernated { lo, hi } => {
                let have = parked_count(self.server, *lo, *hi).await;
                if have > 0 {
                    self.coverage.parked_points += 1;
                }
                self.coverage.most_parked = self.coverage.most_parked.max(have);
            }
        }
    }
}

/// Waits until between `lo` and `hi` sessions are hibernated, three polls
/// in a row; returns the count.
async fn parked_count(server: &TestServer, lo: usize, hi: usize) -> usize {
    let deadline = Instant::now() + PARK_WAIT;
    let mut steady = 0;
    loop {
        let have = server.stats.hibernated();
        if (lo..=hi).contains(&have) {
            steady += 1;
            if steady == 3 {
                return have;
            }
        } else {
            steady = 0;
        }
        assert!(
            Instant::now() < deadline,
            "expected {lo}..={hi} hibernated sessions, have {have} of {} \
             (a session that should park did not, or the server's rules for \
             parking changed and `Park` in script.rs must follow)",
            server.stats.sessions()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn is_done(pieces: &[Piece]) -> bool {
    matches!(pieces.first(), Some(Piece::Text(t)) if t.starts_with("DO"))
}

fn is_news(response: &str) -> bool {
    response.starts_with("* ")
        && ["EXISTS", "EXPUNGE", "VANISHED", "FETCH"]
            .iter()
            .any(|word| response.contains(word))
}

/// Fails with the first response where the parking twin differs.
fn compare(who: &str, parked: &[String], awake: &[String]) {
    if parked == awake {
        return;
    }
    let at = parked
        .iter()
        .zip(awake)
        .position(|(p, a)| p != a)
        .unwrap_or(parked.len().min(awake.len()));
    panic!(
        "{who}: the parking twin diverged at response {at}\n\
         parking twin read: {parked:#?}\nawake twin read: {awake:#?}"
    );
}

/// One line for the failure log.
fn describe(script: &Script, action: &Action) -> String {
    match action {
        Action::Send { conn, pieces, .. } => {
            let who = match conn {
                Conn::Client(i) => script.describe_client(*i),
                Conn::Actor(u) => format!("actor {u}"),
            };
            let mut text = String::new();
            for piece in pieces {
                match piece {
                    Piece::Text(t) => text.push_str(&t.replace("\r\n", "⏎")),
                    Piece::Continuation => text.push_str(" [+] "),
                    Piece::Pause => text.push_str(" [pause] "),
                }
            }
            if text.is_empty() {
                text.push_str("(greeting)");
            }
            if text.chars().count() > 160 {
                text = text.chars().take(160).collect::<String>() + "…";
            }
            format!("{who}: {text}")
        }
        Action::Deliver { user, mbox, .. } => format!("LMTP to user {user}, {}", mbox.name()),
        Action::Hibernated { lo, hi } => format!("hibernate point: {lo}..={hi} parked"),
        Action::Hear { clients } => format!("hear clients {clients:?} in IDLE"),
    }
}

/// The divergence of the first regression seeds, distilled. A STORE that
/// defines a new keyword but changes no message (here: the mailbox is
/// empty) logged only a keyword record, which published no note on the
/// bus. The never-parked twin found the new keyword when DONE synced and
/// sent `* FLAGS` and `PERMANENTFLAGS` before the tagged OK; the parked
/// twin's DONE was answered from its record (nothing had been noted), so
/// it sent only the OK and the two lines came one command late.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyword_defined_alone_reaches_a_parked_idle_session_at_done() {
    let server = TestServer::start_with("[timeouts]\nhibernate_after = \"0s\"\n").await;
    let mut twins = Vec::new();
    for addr in [server.addr, server.awake_addr] {
        let mut c = crate::harness::Client::connect(addr).await;
        c.line().await;
        for (tag, command) in [
            ("l", "LOGIN alice wonderland"),
            ("e", "ENABLE IMAP4rev2"),
            ("s", "SELECT INBOX"),
        ] {
            let reply = c.command(tag, command).await;
            assert!(
                reply
                    .last()
                    .is_some_and(|l| l.starts_with(&format!("{tag} OK")))
            );
        }
        c.send(b"i IDLE\r\n").await;
        assert_eq!(c.line().await, "+ idling\r\n");
        twins.push(c);
    }
    parked_count(&server, 1, 1).await;
    let mut actor = crate::harness::Client::connect(server.awake_addr).await;
    actor.line().await;
    actor.command("l", "LOGIN alice wonderland").await;
    actor.command("s", "SELECT INBOX").await;
    let store = actor
        .command("k", "UID STORE * +FLAGS.SILENT ($Later)")
        .await;
    assert!(
        store.last().is_some_and(|l| l.starts_with("k OK")),
        "{store:?}"
    );
    let mut heard = Vec::new();
    for c in &mut twins {
        c.send(b"DONE\r\n").await;
        heard.push(c.until_tagged("i").await);
    }
    assert_eq!(heard[0], heard[1]);
    assert!(
        heard[1].iter().any(|l| l.starts_with("* FLAGS")),
        "{heard:?}"
    );
}
