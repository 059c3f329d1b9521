//! Login rate: connect + LOGIN + LOGOUT per second over loopback, against a
//! cached credential and against an uncached ARGON2ID one, in one
//! invocation so the two figures share the machine's conditions.
//!
//! Run: `cargo bench -p dormouse-server --bench login`
//! (`-- --seconds N --clients N` to change the run length and concurrency).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Args {
    seconds: u64,
    clients: usize,
}

fn args() -> Args {
    let mut out = Args {
        seconds: 5,
        clients: 8,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => out.seconds = it.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--clients" => out.clients = it.next().and_then(|v| v.parse().ok()).unwrap_or(8),
            // cargo bench passes --bench; ignore what we do not know.
            _ => {}
        }
    }
    out
}

fn main() {
    let args = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let password = "correct horse battery staple";
    let hash = dormouse_auth::hash_password(password.as_bytes()).expect("hash");
    println!(
        "login benchmark: {} concurrent clients, {} s per mode, ARGON2ID {}",
        args.clients,
        args.seconds,
        hash.split('$').nth(3).unwrap_or("?")
    );
    let cached = rt.block_on(measure(&hash, password, "15m", &args));
    println!("cached credential:   {cached:>8.1} logins/s");
    let uncached = rt.block_on(measure(&hash, password, "0s", &args));
    println!("uncached ARGON2ID:   {uncached:>8.1} logins/s");
    if uncached > 0.0 {
        println!("ratio cached/uncached: {:.1}x", cached / uncached);
    }
}

async fn measure(hash: &str, password: &str, cache_ttl: &str, args: &Args) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("users"), format!("bench:{hash}::::::\n")).expect("users");
    let overrides = dormouse_config::Overrides {
        data_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let toml = format!("[auth]\ncache_ttl = \"{cache_ttl}\"\n[log]\nlevel = \"warn\"\n");
    let config = dormouse_config::parse_str(&toml, &overrides).expect("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dormouse_server::run(
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
    // One warm-up login fills the cache in the cached mode.
    login_once(addr, password).await;
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.clients {
        let done = done.clone();
        let password = password.to_string();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                login_once(addr, &password).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    let _ = tx.send(());
    let _ = server.await;
    rate
}

async fn login_once(addr: SocketAddr, password: &str) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let mut line = String::new();
    r.read_line(&mut line).await.expect("greeting");
    w.write_all(format!("a LOGIN bench \"{password}\"\r\nb LOGOUT\r\n").as_bytes())
        .await
        .expect("send");
    loop {
        line.clear();
        if r.read_line(&mut line).await.expect("read") == 0 {
            panic!("server closed early");
        }
        if line.starts_with("a ") {
            assert!(line.starts_with("a OK"), "login failed: {line}");
        }
        if line.starts_with("b ") {
            break;
        }
    }
}
