//! `run_idle` against the real dormouse server, started in this process on
//! port-0 listeners with a temporary data directory and generated users:
//! 20 sessions in IDLE, 5 single deliveries, a burst to 10 users, one wake
//! wave. The run must be clean: every reply as expected, every EXISTS with
//! the right count.

use std::sync::Arc;
use std::time::Duration;

use dormouse_config::Overrides;
use dormouse_load::passwd::{read_users, write_users};
use dormouse_load::{IdleOptions, run_idle};
use dormouse_server::{Listeners, LmtpListener};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_idle_sessions_against_dormouse() {
    let dir = tempfile::tempdir().unwrap();
    let users_file = dir.path().join("users");
    write_users(&users_file, "load", 30).unwrap();
    let overrides = Overrides {
        data_dir: Some(dir.path().to_path_buf()),
        ..Overrides::default()
    };
    let config = dormouse_config::parse_str("", &overrides).unwrap();
    let imap = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lmtp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let imap_addr = imap.local_addr().unwrap();
    let lmtp_addr = lmtp.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(dormouse_server::run(
        Listeners {
            imap: vec![imap],
            lmtp: vec![LmtpListener::Tcp(lmtp)],
            ..Default::default()
        },
        Arc::new(config),
        async {
            let _ = stopped.await;
        },
    ));

    let opts = IdleOptions {
        sessions: 20,
        sources: 4,
        concurrency: 8,
        hold: Duration::from_millis(100),
        deliveries: 5,
        burst: 10,
        rcpts_per_txn: 4,
        lmtp_connections: 2,
        wake_waves: 1,
        wake_percent: 50,
        max_duration: Duration::from_secs(60),
        reply_timeout: Duration::from_secs(10),
        exists_timeout: Duration::from_secs(5),
        ..IdleOptions::new(imap_addr, lmtp_addr, read_users(&users_file).unwrap())
    };
    let report = run_idle(opts).await.unwrap();
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;

    assert!(report.is_clean(), "{report}");
    assert_eq!(report.sessions_ready, 20);
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.exists_latency.count, 5, "{report}");
    let burst = report.burst.as_ref().unwrap();
    assert_eq!(burst.exists_after_start.count, 10, "{report}");
    assert_eq!(report.wake.as_ref().unwrap().done_to_ok.count, 10);
}
