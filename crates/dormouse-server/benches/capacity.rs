//! Capacity of one process (issue #5): builds 1,000, 100,000 and 1,000,000
//! hibernated sessions in-process (the real hibernation table, bus
//! subscriptions and wheel timers, with stand-in sockets; see
//! `dormouse_server::capacity`) and prints the bytes each costs, as the
//! live heap through a counting allocator (split into table, parked
//! session, bus and wheel) and as RSS, and the time to build them; then the
//! time to fan one change out to 1, 1,000 and 100,000 watchers of one
//! mailbox among 1,000,000 parked sessions (the median of several runs),
//! the bus's publish and the reactor's share apart. It does not count the
//! kernel's memory (sockets, epoll, inotify) nor measure waking sessions.
//!
//! Run: `cargo bench -p dormouse-server --bench capacity`
//! (`-- --sessions N` for the largest table, `-- --runs N` for the fan-out
//! samples).

#[path = "mailbox/memory.rs"]
// Shared with the mailbox benchmark, which uses all of it.
#[allow(dead_code)]
mod memory;

use std::time::{Duration, Instant};

use dormouse_server::capacity::{self, Capacity, Plan};
use memory::snapshot;

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

/// Watchers of the fan-out mailboxes, as issue #5 asks.
const FAN_OUTS: [usize; 3] = [1, 1_000, 100_000];

struct Args {
    sessions: usize,
    runs: usize,
}

fn args() -> Args {
    let mut out = Args {
        sessions: 1_000_000,
        runs: 11,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<usize>().ok());
        match a.as_str() {
            "--sessions" => out.sessions = value().unwrap_or(out.sessions),
            "--runs" => out.runs = value().unwrap_or(out.runs).max(1),
            // cargo bench passes --bench; ignore what we do not know.
            _ => {}
        }
    }
    out
}

/// Hands freed memory back to the kernel, so that the next RSS delta
/// starts from what is live.
fn trim() {
    // SAFETY: malloc_trim takes no pointers and only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn per(bytes: usize, n: usize) -> String {
    format!("{:.1} B", bytes as f64 / n as f64)
}

fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn secs(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// A built table and what it cost.
struct Built {
    capacity: Capacity,
    /// Live heap growth over the whole build (server context and template
    /// included).
    heap: usize,
    /// RSS growth over the whole build, in bytes.
    rss: i64,
    took: Duration,
}

fn build(plan: &Plan) -> Built {
    let dir = tempfile::tempdir().expect("tempdir");
    trim();
    let before = snapshot();
    let started = Instant::now();
    let capacity = capacity::build(dir.path(), plan, &memory::heap_live).expect("capacity build");
    let took = started.elapsed();
    // The build's scratch vectors are free by now; the server trims
    // after parking too (`Hibernation::trim`).
    trim();
    let after = snapshot();
    assert_eq!(capacity.sessions(), plan.sessions);
    assert_eq!(capacity.hibernated(), plan.sessions, "hibernated count");
    assert_eq!(capacity.connections(), plan.sessions, "connection count");
    Built {
        capacity,
        heap: after.heap.saturating_sub(before.heap),
        rss: memory::delta(after.rss_kib, before.rss_kib).unwrap_or(0) * 1024,
        took,
    }
}

/// Drops the table, returning how long that took.
fn tear_down(built: Built) -> Duration {
    let started = Instant::now();
    drop(built.capacity);
    let took = started.elapsed();
    trim();
    took
}

fn memory_line(label: &str, built: &Built) {
    let n = built.capacity.sessions();
    let parts = built.capacity.parts();
    println!(
        "{label:>10} | {:>9} | {:>9} {:>9} {:>9} {:>8} = {:>9} | {:>9} | {:>9}",
        secs(built.took),
        per(parts.table, n),
        per(parts.sessions, n),
        per(parts.bus, n),
        per(parts.wheel, n),
        per(parts.total(), n),
        per(built.heap, n),
        format!("{:.1} B", built.rss as f64 / n as f64),
    );
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let args = args();
    let whole = Instant::now();
    let sizes = capacity::sizes();
    println!("capacity benchmark: hibernated sessions in one process, stand-in sockets");
    println!(
        "inline sizes: table slot {} B; boxed entry {} B (its Parked record {} B, of which ParkedSession {} B; subscription handle {} B); wheel entry {} B",
        sizes.slot,
        sizes.entry,
        sizes.parked,
        sizes.parked_session,
        sizes.subscription,
        sizes.wheel_entry
    );

    let mut ns: Vec<usize> = [1_000, 100_000, args.sessions]
        .into_iter()
        .filter(|n| *n <= args.sessions && *n > 0)
        .collect();
    ns.dedup();
    println!("-- memory: every session parked in IDLE on a mailbox of its own (a bus topic each)");
    println!(
        "{:>10} | {:>9} | {:>9} {:>9} {:>9} {:>8} = {:>9} | {:>9} | {:>9}",
        "sessions", "build", "table", "session", "bus", "wheel", "parts", "heap", "RSS"
    );
    let mut template = None;
    for n in &ns {
        let built = build(&Plan {
            sessions: *n,
            shared: Vec::new(),
        });
        memory_line(&group(*n), &built);
        template = Some((
            built.capacity.template_heap(),
            built.capacity.unshared_root_bytes(),
        ));
        let down = tear_down(built);
        println!("{:>10}   (torn down in {})", "", secs(down));
    }
    if let Some((heap, root)) = template {
        println!(
            "(bytes per session; 'heap' is the whole build's live-heap growth, 'RSS' its resident growth. \
             The template's ParkedSession::heap_bytes() is {heap} B; its clones share its store root, \
             which each login has its own of in production: add {root} B.)"
        );
    }

    let shared: Vec<usize> = FAN_OUTS
        .iter()
        .scan(0, |sum, w| {
            *sum += w;
            Some((*sum, *w))
        })
        .take_while(|(sum, _)| *sum <= args.sessions)
        .map(|(_, w)| w)
        .collect();
    let watchers: usize = shared.iter().sum();
    println!(
        "-- fan-out: {} sessions, {} of them watching {} shared mailboxes (out of IDLE by a DONE answered from the record), the rest a mailbox each; median of {} runs",
        group(args.sessions),
        group(watchers),
        shared.len(),
        args.runs
    );
    let built = build(&Plan {
        sessions: args.sessions,
        shared: shared.clone(),
    });
    memory_line("this table", &built);
    println!(
        "{:>10} | {:>12} | {:>12} | {:>12} | {:>14}",
        "watchers", "bus publish", "reactor", "together", "per watcher"
    );
    for (mailbox, k) in shared.iter().enumerate() {
        let mut bus = Vec::new();
        let mut reactor = Vec::new();
        let mut total = Vec::new();
        for _ in 0..args.runs {
            let run = built.capacity.fan_out(mailbox).expect("shared mailbox");
            assert_eq!(run.told, *k, "subscribers told");
            assert_eq!(run.noted, *k, "sessions marked changed");
            bus.push(run.bus);
            reactor.push(run.reactor);
            total.push(run.bus + run.reactor);
        }
        let together = median(total);
        println!(
            "{:>10} | {:>12} | {:>12} | {:>12} | {:>14}",
            group(*k),
            secs(median(bus)),
            secs(median(reactor)),
            secs(together),
            format!("{:.1} ns", together.as_secs_f64() * 1e9 / *k as f64),
        );
    }
    let down = tear_down(built);
    println!("{:>10}   (torn down in {})", "", secs(down));
    let peak = snapshot().hwm_kib.unwrap_or(0);
    println!(
        "total: {:.1} s, peak RSS {:.0} MiB",
        whole.elapsed().as_secs_f64(),
        peak as f64 / 1024.0
    );
}
