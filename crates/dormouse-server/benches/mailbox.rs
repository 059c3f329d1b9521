//! Mailbox operations over loopback IMAP against an in-process server:
//! SELECT of a 100k-message INBOX (first open, which builds the index from
//! the Maildir; first open after a restart, with the page cache warm and
//! dropped; and a second session's SELECT), `UID FETCH 1:* (UID FLAGS)` on
//! it, `FETCH ENVELOPE` and header SEARCH over a 10k-message folder, and the
//! process's memory around each, including the cost of one more session on
//! the open 100k mailbox. The Maildir is written directly (no IMAP, no
//! index), so the figures include building the index as a Dovecot
//! migration would. Memory is counted three ways: live heap through a
//! counting global allocator (exact, but the in-process clients' few
//! buffers are in it), and RSS and anonymous PSS from /proc (what the
//! kernel charges, including free memory glibc keeps). "Cold" drops the
//! page cache, which needs root. It does not measure concurrency or
//! throughput under load.
//!
//! Run: `cargo bench -p dormouse-server --bench mailbox`
//! (`-- --messages N --small N --sessions N` to change the sizes,
//! `-- --keep-cache` never to drop the page cache).

#[path = "mailbox/client.rs"]
mod client;
#[path = "mailbox/corpus.rs"]
mod corpus;
#[path = "mailbox/memory.rs"]
mod memory;
#[path = "mailbox/sessions.rs"]
mod sessions;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use client::Client;
use corpus::Folder;
use memory::{Snapshot, delta, snapshot};
use sessions::Sessions;

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

const USER: &str = "bench";
const PASSWORD: &str = "bench-password";
const SETTLE: Duration = Duration::from_millis(100);
const BUSY_CLIENT_BUFFER: usize = 64 * 1024;

struct Args {
    messages: u64,
    small: u64,
    sessions: usize,
    cache: Cache,
}

fn args() -> Args {
    let mut out = Args {
        messages: 100_000,
        small: 10_000,
        sessions: 100,
        cache: Cache::Dropped,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok());
        match a.as_str() {
            "--messages" => out.messages = value().unwrap_or(out.messages),
            "--small" => out.small = value().unwrap_or(out.small),
            "--sessions" => out.sessions = value().map_or(out.sessions, |v| v as usize),
            // Never drop the page cache (for runs without root, or to
            // separate I/O from CPU).
            "--keep-cache" => out.cache = Cache::Warm,
            // cargo bench passes --bench; ignore what we do not know.
            _ => {}
        }
    }
    out
}

struct Server {
    addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<Result<(), dormouse_server::ServerError>>,
}

async fn start(data_dir: &Path) -> Server {
    let overrides = dormouse_config::Overrides {
        data_dir: Some(data_dir.to_path_buf()),
        ..Default::default()
    };
    let config =
        dormouse_config::parse_str("[log]\nlevel = \"warn\"\n", &overrides).expect("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (shutdown, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(dormouse_server::run(
        dormouse_server::Listeners {
            imap: vec![listener],
            lmtp: Vec::new(),
            ..Default::default()
        },
        Arc::new(config),
        async {
            let _ = rx.await;
        },
    ));
    Server {
        addr,
        shutdown,
        handle,
    }
}

async fn stop(server: Server) {
    let _ = server.shutdown.send(());
    let result = tokio::time::timeout(Duration::from_secs(30), server.handle)
        .await
        .expect("server stops in time")
        .expect("server task");
    result.expect("server returns Ok");
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn size_kib(kib: Option<i64>) -> String {
    match kib {
        None => "n/a".into(),
        Some(k) if k.abs() >= 10 * 1024 => format!("{:+.1} MiB", k as f64 / 1024.0),
        Some(k) => format!("{k:+} KiB"),
    }
}

fn total_mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn bytes_kib(after: usize, before: usize) -> Option<i64> {
    Some((after as i64 - before as i64) / 1024)
}

/// CPU time used (server and client) and the heap, RSS and PSS change
/// from `before` to `after`, and the peaks above `before` (valid when the
/// peaks were reset at `before`).
fn mem_line(before: Snapshot, after: Snapshot) -> String {
    format!(
        "CPU {}; heap {} (peak {}); RSS {} (peak {}), PSS anon {}; RSS now {}",
        ms(after.cpu.saturating_sub(before.cpu)),
        size_kib(bytes_kib(after.heap, before.heap)),
        size_kib(bytes_kib(after.heap_peak, before.heap)),
        size_kib(delta(after.rss_kib, before.rss_kib)),
        size_kib(delta(after.hwm_kib, before.rss_kib)),
        size_kib(delta(after.pss_anon_kib, before.pss_anon_kib)),
        total_mib(after.rss_kib),
    )
}

/// A snapshot once the server has finished with the last command: the
/// client has its tagged reply a moment before the server frees the
/// output buffer it was written from.
async fn settled() -> Snapshot {
    tokio::time::sleep(SETTLE).await;
    snapshot()
}

fn begin() -> Snapshot {
    let _ = memory::reset_peak();
    snapshot()
}

/// Drops the page cache unless told not to, saying so; returns whether
/// it was dropped.
fn drop_cache(args: &Args, what: &str) -> bool {
    if args.cache == Cache::Warm {
        return false;
    }
    match memory::drop_caches() {
        Ok(()) => true,
        Err(e) => {
            println!("  (could not drop the page cache before {what}: {e}; it stays warm)");
            false
        }
    }
}

fn cache_word(dropped: bool) -> &'static str {
    if dropped {
        "page cache dropped"
    } else {
        "page cache warm"
    }
}

/// SELECT, checking the message count; returns the elapsed time.
async fn select(c: &mut Client, mailbox: &str, expect: u64) -> Duration {
    let mut exists = None;
    let done = c
        .ok(&format!("SELECT {mailbox}"), |r| {
            exists = client::exists(r).or(exists);
        })
        .await;
    assert_eq!(exists, Some(expect), "EXISTS of {mailbox}");
    done.elapsed
}

fn main() {
    let all: Vec<String> = std::env::args().collect();
    if let Some(at) = all.iter().position(|a| a == sessions::CHILD_FLAG) {
        return sessions::child_main(all.get(at + 1..).unwrap_or_default());
    }
    let args = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let whole = Instant::now();
    println!(
        "mailbox benchmark: INBOX of {} messages, folder Ten of {} messages, {} extra sessions",
        args.messages, args.small, args.sessions
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("users"),
        format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
    )
    .expect("users");
    let root = dir.path().join("mail").join(USER);
    let started = Instant::now();
    let big = corpus::write_maildir(&root, args.messages, 1, Folder::No).expect("write INBOX");
    let small =
        corpus::write_maildir(&root.join(".Ten"), args.small, 2, Folder::Yes).expect("write Ten");
    println!(
        "setup: wrote {} + {} message files ({:.1} + {:.1} MiB, Maildir written directly) in {:.2} s",
        args.messages,
        args.small,
        big as f64 / 1048576.0,
        small as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );
    let at_start = snapshot();
    println!(
        "process before the server starts: heap {:.1} MiB, RSS {}, PSS {}",
        at_start.heap as f64 / 1048576.0,
        total_mib(at_start.rss_kib),
        total_mib(at_start.pss_kib)
    );

    rt.block_on(first_run(dir.path(), &args));
    rt.block_on(restart(dir.path(), &args, Cache::Warm));
    rt.block_on(restart(dir.path(), &args, Cache::Dropped));
    let at_end = snapshot();
    println!(
        "process after the last server stopped: heap {:.1} MiB, RSS {}, PSS {}, peak RSS (since the last reset) {}",
        at_end.heap as f64 / 1048576.0,
        total_mib(at_end.rss_kib),
        total_mib(at_end.pss_kib),
        total_mib(at_end.hwm_kib)
    );
    storage_accounting(&root, &args);
    println!("total: {:.1} s", whole.elapsed().as_secs_f64());
}

async fn first_run(data_dir: &Path, args: &Args) {
    let server = start(data_dir).await;
    let addr = server.addr;
    println!("-- server start 1 (no index yet)");
    let mut first = Client::login(addr, BUSY_CLIENT_BUFFER, USER, PASSWORD).await;
    let dropped = drop_cache(args, "the first SELECT");
    let before = begin();
    let t = select(&mut first, "INBOX", args.messages).await;
    println!(
        "SELECT INBOX, first open, index built from the files ({}): {}; {}",
        cache_word(dropped),
        ms(t),
        mem_line(before, settled().await)
    );

    let mut second = Client::login(addr, BUSY_CLIENT_BUFFER, USER, PASSWORD).await;
    let before = begin();
    let t = select(&mut second, "INBOX", args.messages).await;
    println!(
        "SELECT INBOX, warm (second session, mailbox open): {}; {}",
        ms(t),
        mem_line(before, settled().await)
    );

    for round in 1..=2 {
        let before = begin();
        let done = second.ok("UID FETCH 1:* (UID FLAGS)", |_| {}).await;
        assert_eq!(done.responses, args.messages, "FETCH responses");
        println!(
            "UID FETCH 1:* (UID FLAGS), run {round}: {}, {} responses, {:.2} MiB received; {}",
            ms(done.elapsed),
            done.responses,
            done.bytes as f64 / 1048576.0,
            mem_line(before, settled().await)
        );
    }

    extra_sessions(addr, args).await;
    small_mailbox(&mut second, args).await;

    first.ok("LOGOUT", |_| {}).await;
    second.ok("LOGOUT", |_| {}).await;
    stop(server).await;
}

/// The memory of `args.sessions` more sessions selecting the open INBOX,
/// their client side in a child process.
async fn extra_sessions(addr: SocketAddr, args: &Args) {
    let n = args.sessions;
    if n == 0 {
        return;
    }
    tokio::time::sleep(SETTLE).await;
    let base = begin();
    let (mut child, ready) = blocking(move || {
        let mut child = Sessions::spawn(addr, n, USER, PASSWORD)?;
        let ready = child.answer()?;
        Ok((child, ready))
    })
    .await;
    assert_eq!(ready, "ready");
    let logged_in = settled().await;
    let (mut child, selected_line) = blocking(move || {
        let line = child.step("select")?;
        Ok((child, line))
    })
    .await;
    let selected = settled().await;
    let times: Vec<f64> = selected_line
        .strip_prefix("selected ")
        .expect("selected")
        .split(' ')
        .filter_map(|t| t.parse::<f64>().ok())
        .map(|us| us / 1000.0)
        .collect();
    if let [mean, median, max] = times[..] {
        println!(
            "SELECT INBOX by {n} more sessions (warm): mean {mean:.2} ms, median {median:.2} ms, max {max:.2} ms"
        );
    }
    let per = |after: i64, before: i64| format!("{:.2} KiB", (after - before) as f64 / n as f64);
    let k = |v: Option<u64>| v.map_or(0, |v| v as i64);
    let h = |v: usize| v as i64 as f64 / 1024.0;
    let per_heap =
        |after: usize, before: usize| format!("{:.2} KiB", (h(after) - h(before)) / n as f64);
    println!(
        "memory per extra session (server side; clients in a child process): \
         connect+LOGIN heap {} RSS {} PSS anon {}; SELECT heap {} RSS {} PSS anon {}; total heap {} RSS {} PSS anon {}",
        per_heap(logged_in.heap, base.heap),
        per(k(logged_in.rss_kib), k(base.rss_kib)),
        per(k(logged_in.pss_anon_kib), k(base.pss_anon_kib)),
        per_heap(selected.heap, logged_in.heap),
        per(k(selected.rss_kib), k(logged_in.rss_kib)),
        per(k(selected.pss_anon_kib), k(logged_in.pss_anon_kib)),
        per_heap(selected.heap, base.heap),
        per(k(selected.rss_kib), k(base.rss_kib)),
        per(k(selected.pss_anon_kib), k(base.pss_anon_kib)),
    );
    let done = blocking(move || {
        let done = child.step("logout")?;
        child.wait()?;
        Ok(done)
    })
    .await;
    assert_eq!(done, "done");
    println!(
        "after the {n} sessions logged out: {}",
        mem_line(base, settled().await)
    );
}

/// Runs blocking work on the child process off the runtime's workers,
/// which the server needs meanwhile.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("blocking task")
        .expect("session child")
}

async fn small_mailbox(c: &mut Client, args: &Args) {
    let before = begin();
    let t = select(c, "Ten", args.small).await;
    println!(
        "SELECT Ten, first open, index built ({} messages): {}; {}",
        args.small,
        ms(t),
        mem_line(before, settled().await)
    );
    // The first FETCH ENVELOPE parses every file and fills the server's
    // message cache; the second is served from that cache.
    for (round, what) in [(Cache::Dropped, "first time"), (Cache::Warm, "again")] {
        let dropped = round == Cache::Dropped && drop_cache(args, "FETCH ENVELOPE");
        fetch_envelopes(c, args, &format!("{what}, {}", cache_word(dropped))).await;
    }
    let word = corpus::SEARCH_WORD;
    let searches = [
        (format!("SEARCH HEADER Subject {word}"), Cache::Dropped),
        (format!("SEARCH HEADER Subject {word}"), Cache::Warm),
        (format!("SEARCH SUBJECT {word}"), Cache::Warm),
    ];
    for (command, cache) in searches {
        let dropped = cache == Cache::Dropped && drop_cache(args, "SEARCH");
        let mut hits = None;
        let before = begin();
        let done = c
            .ok(&command, |r| hits = client::search_hits(r).or(hits))
            .await;
        println!(
            "{command} over {} messages ({}): {}, {} hits; {}",
            args.small,
            cache_word(dropped),
            ms(done.elapsed),
            hits.unwrap_or(0),
            mem_line(before, settled().await)
        );
    }
}

async fn fetch_envelopes(c: &mut Client, args: &Args, what: &str) {
    let command = format!("FETCH 1:{} ENVELOPE", args.small);
    let before = begin();
    let done = c.ok(&command, |_| {}).await;
    assert_eq!(done.responses, args.small, "ENVELOPE responses");
    println!(
        "{command} ({what}): {}, {:.2} MiB received; {}",
        ms(done.elapsed),
        done.bytes as f64 / 1048576.0,
        mem_line(before, settled().await)
    );
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cache {
    Warm,
    Dropped,
}

/// The first SELECT after a restart: the index is read back, not rebuilt.
async fn restart(data_dir: &Path, args: &Args, cache: Cache) {
    let server = start(data_dir).await;
    println!("-- server restarted");
    let mut c = Client::login(server.addr, BUSY_CLIENT_BUFFER, USER, PASSWORD).await;
    let dropped = cache == Cache::Dropped && drop_cache(args, "SELECT after restart");
    let before = begin();
    let t = select(&mut c, "INBOX", args.messages).await;
    println!(
        "SELECT INBOX, cold (first open after restart, index loaded, {}): {}; {}",
        cache_word(dropped),
        ms(t),
        mem_line(before, settled().await)
    );
    select(&mut c, "Ten", args.small).await;
    let dropped = cache == Cache::Dropped && drop_cache(args, "FETCH ENVELOPE after restart");
    let what = format!("after restart, {}", cache_word(dropped));
    fetch_envelopes(&mut c, args, &what).await;
    c.ok("LOGOUT", |_| {}).await;
    stop(server).await;
}

/// The storage crate's own accounting, which IMAP cannot show: the shared
/// state of the open 100k mailbox and the per-view cost.
fn storage_accounting(root: &Path, args: &Args) {
    let store = dormouse_storage::Store::new(dormouse_storage::StoreSettings {
        separator: '.',
        fsync: dormouse_storage::Fsync::Never,
    });
    let user = store.user(PathBuf::from(root)).expect("user");
    let inbox = user.name("INBOX").expect("name");
    let started = Instant::now();
    let view = user
        .open(&inbox, dormouse_storage::Access::ReadOnly)
        .expect("open");
    let opened = started.elapsed();
    let shared = view.shared_heap_bytes();
    let mut views = Vec::with_capacity(args.sessions);
    for _ in 0..args.sessions {
        views.push(
            user.open(&inbox, dormouse_storage::Access::ReadOnly)
                .expect("open"),
        );
    }
    let per_view = views.iter().map(|v| v.heap_bytes()).sum::<usize>() / views.len().max(1);
    println!(
        "storage accounting (dormouse_storage, no IMAP): open {}; shared state {:.2} MiB ({:.1} B/message); per view {} B",
        ms(opened),
        shared as f64 / 1048576.0,
        shared as f64 / args.messages.max(1) as f64,
        per_view
    );
}
