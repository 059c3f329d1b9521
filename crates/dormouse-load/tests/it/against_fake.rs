//! `run_idle` end to end against the scripted fake: a clean run reports
//! every phase with no error, and each fault the fake injects shows up as
//! the error it should be.

use std::time::Duration;

use dormouse_load::passwd::{User, parse_users, render_users};
use dormouse_load::{IdleOptions, LoadError, run_idle};

use crate::fake::{Fake, Fault};

fn users(n: usize) -> Vec<User> {
    parse_users(
        std::path::Path::new("mem"),
        &render_users("load", n).unwrap(),
    )
    .unwrap()
}

fn options(fake: &Fake, sessions: usize) -> IdleOptions {
    IdleOptions {
        sessions,
        sources: 4,
        concurrency: 8,
        hold: Duration::from_millis(50),
        deliveries: 5,
        burst: 10,
        rcpts_per_txn: 3,
        lmtp_connections: 2,
        wake_waves: 2,
        wake_percent: 50,
        max_duration: Duration::from_secs(60),
        reply_timeout: Duration::from_secs(10),
        exists_timeout: Duration::from_secs(5),
        server_pid: Some(std::process::id()),
        ..IdleOptions::new(fake.imap, fake.lmtp, users(30))
    }
}

#[tokio::test]
async fn clean_run_reports_every_phase() {
    // Some users already hold mail: EXISTS must count from what SELECT said.
    let initial: Vec<(String, u32)> = (1..=30).map(|i| (format!("load{i:05}"), i % 4)).collect();
    let initial: Vec<(&str, u32)> = initial.iter().map(|(u, n)| (u.as_str(), *n)).collect();
    let fake = Fake::start(Fault::None, &initial).await;
    let mut opts = options(&fake, 20);
    opts.wake_noop = true;
    let report = run_idle(opts).await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.sessions_ready, 20);
    assert_eq!(report.users, 20);
    assert_eq!(report.setup.failed, 0);
    assert_eq!(report.setup.idle.count, 20);
    assert!(report.setup.sessions_per_s > 0.0);
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.samples, 5);
    assert_eq!(delivery.exists_latency.count, 5);
    assert_eq!(delivery.lmtp_reply.count, 5);
    assert_eq!(delivery.missed, 0);
    let burst = report.burst.as_ref().unwrap();
    assert_eq!(burst.recipients, 10);
    assert_eq!(burst.sessions, 10);
    assert_eq!(burst.transactions, 4);
    assert_eq!(burst.connections, 2);
    assert_eq!(burst.exists_after_start.count, 10);
    assert!(burst.all_notified_us > 0);
    let wake = report.wake.as_ref().unwrap();
    assert_eq!(wake.wakes, 20);
    assert_eq!(wake.done_to_ok.count, 20);
    assert!(wake.noop);
    // --server-pid pointed at this process: readings exist.
    assert!(
        report
            .server
            .as_ref()
            .is_some_and(|s| s.after_setup.rss_kib > 0)
    );
    assert_eq!(fake.delivered(), 15);
    let text = report.to_string();
    assert!(text.contains("errors: 0\n"), "{text}");
}

#[tokio::test]
async fn many_sessions_on_one_account_all_see_each_delivery() {
    let fake = Fake::start(Fault::None, &[]).await;
    let opts = IdleOptions {
        sessions_per_user: 12,
        deliveries: 3,
        burst: 1,
        wake_waves: 0,
        ..options(&fake, 12)
    };
    let report = run_idle(opts).await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.users, 1);
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.exists_latency.count, 36);
    assert_eq!(delivery.all_sessions_latency.count, 3);
    assert_eq!(report.burst.as_ref().unwrap().sessions, 12);
}

#[tokio::test]
async fn a_wrong_exists_count_is_an_error() {
    let fake = Fake::start(Fault::WrongCount, &[]).await;
    let opts = IdleOptions {
        burst: 0,
        wake_waves: 0,
        ..options(&fake, 6)
    };
    let report = run_idle(opts).await.unwrap();
    assert!(!report.is_clean());
    assert_eq!(
        report.errors.by_kind.get("wrong-exists-count"),
        Some(&5),
        "{report}"
    );
}

#[tokio::test]
async fn a_missing_exists_times_out_as_an_error() {
    let fake = Fake::start(Fault::NoNotification, &[]).await;
    let opts = IdleOptions {
        deliveries: 2,
        burst: 3,
        wake_waves: 0,
        exists_timeout: Duration::from_millis(200),
        ..options(&fake, 6)
    };
    let report = run_idle(opts).await.unwrap();
    assert_eq!(
        report.errors.by_kind.get("exists-timeout"),
        Some(&5),
        "{report}"
    );
    assert_eq!(report.delivery.as_ref().unwrap().missed, 2);
    assert_eq!(report.burst.as_ref().unwrap().missed, 3);
}

#[tokio::test]
async fn a_refused_done_is_an_error_and_ends_the_session() {
    let fake = Fake::start(Fault::DoneRefused, &[]).await;
    let opts = IdleOptions {
        deliveries: 0,
        burst: 0,
        wake_waves: 1,
        wake_percent: 100,
        ..options(&fake, 4)
    };
    let report = run_idle(opts).await.unwrap();
    assert_eq!(
        report.errors.by_kind.get("unexpected-reply"),
        Some(&4),
        "{report}"
    );
    assert!(
        report
            .errors
            .examples
            .iter()
            .any(|e| e.contains("NO not today"))
    );
    assert_eq!(report.wake.as_ref().unwrap().done_to_ok.count, 0);
}

#[tokio::test]
async fn wrong_passwords_fail_setup_at_login() {
    let fake = Fake::start(Fault::None, &[]).await;
    let bad: Vec<User> = users(3)
        .into_iter()
        .map(|u| User {
            password: "wrong".into(),
            ..u
        })
        .collect();
    let opts = IdleOptions {
        users: bad,
        deliveries: 0,
        burst: 0,
        wake_waves: 0,
        ..options(&fake, 3)
    };
    let report = run_idle(opts).await.unwrap();
    assert_eq!(report.sessions_ready, 0);
    assert_eq!(report.setup.failed, 3);
    assert_eq!(
        report.errors.by_kind.get("setup-login"),
        Some(&3),
        "{report}"
    );
}

#[tokio::test]
async fn refuses_before_connecting() {
    let fake = Fake::start(Fault::None, &[]).await;
    let remote = IdleOptions {
        imap: "192.0.2.1:143".parse().unwrap(),
        ..options(&fake, 1)
    };
    assert!(matches!(
        run_idle(remote).await,
        Err(LoadError::NotLoopback { .. })
    ));
    let too_many = options(&fake, 19_001);
    assert!(matches!(
        run_idle(too_many).await,
        Err(LoadError::SessionCap { .. })
    ));
    let few_users = IdleOptions {
        users: users(2),
        ..options(&fake, 3)
    };
    assert!(matches!(
        run_idle(few_users).await,
        Err(LoadError::NotEnoughUsers {
            needed: 3,
            available: 2
        })
    ));
}

#[tokio::test]
async fn max_duration_stops_the_run_and_keeps_what_it_measured() {
    let fake = Fake::start(Fault::None, &[]).await;
    let opts = IdleOptions {
        hold: Duration::from_secs(30),
        max_duration: Duration::from_millis(500),
        ..options(&fake, 2)
    };
    let started = std::time::Instant::now();
    let report = run_idle(opts).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(report.aborted.is_some());
    assert!(!report.is_clean());
    assert_eq!(report.sessions_ready, 2);
}
