//! The two delivery measurements: single deliveries one after another, each
//! timed from its final `.` to the `* n EXISTS` on every session of the
//! user; and a burst of one message to many distinct users over several
//! LMTP connections at once, timed from the first byte to the last EXISTS.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use tokio::task::JoinSet;

use crate::fleet::{Fleet, micros};
use crate::lmtp_client::{LmtpClient, RcptOutcome, test_message};
use crate::options::IdleOptions;
use crate::report::{BurstReport, DeliveryReport, rate};
use crate::stats::Samples;

/// The envelope sender of every message.
pub(crate) const SENDER: &str = "load@localhost";

/// A string that makes Message-IDs differ between runs.
pub(crate) fn run_id() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{}.{}", secs, std::process::id())
}

pub(crate) async fn single_deliveries(
    fleet: &mut Fleet,
    opts: &IdleOptions,
    rng: &mut StdRng,
    run: &str,
) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    let mut exists = Samples::new();
    let mut all = Samples::new();
    let mut replies = Samples::new();
    let mut transactions = Samples::new();
    let mut order = fleet.live_users();
    order.shuffle(rng);
    let mut next = order.iter().copied().cycle();
    let mut client: Option<LmtpClient> = None;
    for k in 0..opts.deliveries {
        let Some((user, sessions)) = next
            .by_ref()
            .take(order.len())
            .map(|u| (u, fleet.live_sessions_of(u)))
            .find(|(_, s)| !s.is_empty())
        else {
            fleet
                .errors
                .record("no-live-sessions", "no session left to deliver to");
            break;
        };
        let lmtp = match client.as_mut() {
            Some(c) => c,
            None => match LmtpClient::connect(opts.lmtp, opts.reply_timeout).await {
                Ok(c) => client.insert(c),
                Err(e) => {
                    fleet.errors.record("lmtp-connect", e.to_string());
                    break;
                }
            },
        };
        let Some(rcpt) = fleet.users.get(user).map(|u| u.rcpt.clone()) else {
            break;
        };
        let message = test_message(&rcpt, &format!("{run}.d{k}"));
        let mut pending: HashSet<u32> = sessions.iter().copied().collect();
        for &s in &sessions {
            fleet.expect_one_more(s);
        }
        let started = Instant::now();
        let delivered = lmtp
            .deliver(SENDER, std::slice::from_ref(&rcpt), &message)
            .await;
        let transaction = match delivered {
            Ok(t) => match t.outcomes.first() {
                Some(RcptOutcome::Delivered) => t,
                Some(RcptOutcome::Refused(r) | RcptOutcome::Failed(r)) => {
                    fleet.errors.record("lmtp-refused", format!("{rcpt}: {r}"));
                    sessions.iter().for_each(|&s| fleet.expect_one_less(s));
                    continue;
                }
                None => {
                    sessions.iter().for_each(|&s| fleet.expect_one_less(s));
                    continue;
                }
            },
            Err(e) => {
                fleet.errors.record("lmtp", format!("{rcpt}: {e}"));
                sessions.iter().for_each(|&s| fleet.expect_one_less(s));
                client = None;
                continue;
            }
        };
        replies.push(
            transaction
                .replied
                .saturating_duration_since(transaction.dot_sent),
        );
        transactions.push(transaction.replied.saturating_duration_since(started));
        report.samples += 1;
        let dot = transaction.dot_sent;
        let deadline = tokio::time::Instant::from_std(dot + opts.exists_timeout);
        let mut slowest = Duration::ZERO;
        while !pending.is_empty() {
            match tokio::time::timeout_at(deadline, fleet.events.recv()).await {
                Ok(Some(event)) => {
                    if let Some((_, at)) = fleet.take_exists(event, &mut pending) {
                        let latency = at.saturating_duration_since(dot);
                        exists.push(latency);
                        slowest = slowest.max(latency);
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    for s in pending.drain() {
                        report.missed += 1;
                        fleet.errors.record(
                            "exists-timeout",
                            format!(
                                "session {s} ({rcpt}): no EXISTS within {:?}",
                                opts.exists_timeout
                            ),
                        );
                    }
                }
            }
        }
        all.push(slowest);
    }
    if let Some(c) = client {
        c.quit().await;
    }
    report.exists_latency = exists.summary();
    report.all_sessions_latency = all.summary();
    report.lmtp_reply = replies.summary();
    report.lmtp_transaction = transactions.summary();
    report.lmtp_per_s = rate(transactions.len(), micros(transactions.total()));
    report
}

/// What one burst connection did.
struct ConnResult {
    failed: Vec<(usize, String)>,
    last_reply: Option<Instant>,
}

pub(crate) async fn burst(
    fleet: &mut Fleet,
    opts: &IdleOptions,
    rng: &mut StdRng,
    run: &str,
    notes: &mut Vec<String>,
) -> BurstReport {
    let mut report = BurstReport::default();
    let mut users = fleet.live_users();
    users.shuffle(rng);
    if users.len() < opts.burst {
        notes.push(format!(
            "burst cut from {} to the {} users with a live session",
            opts.burst,
            users.len()
        ));
    }
    users.truncate(opts.burst);
    let recipients: Vec<(usize, String)> = users
        .iter()
        .filter_map(|&u| fleet.users.get(u).map(|fu| (u, fu.rcpt.clone())))
        .collect();
    let chunks: Vec<Vec<(usize, String)>> = recipients
        .chunks(opts.rcpts_per_txn)
        .map(<[_]>::to_vec)
        .collect();
    report.recipients = recipients.len();
    report.transactions = chunks.len();
    if chunks.is_empty() {
        return report;
    }

    let mut clients = Vec::new();
    for _ in 0..opts.lmtp_connections.min(chunks.len()) {
        match LmtpClient::connect(opts.lmtp, opts.reply_timeout).await {
            Ok(c) => clients.push(c),
            Err(e) => fleet.errors.record("lmtp-connect", e.to_string()),
        }
    }
    report.connections = clients.len();
    if clients.is_empty() {
        return report;
    }
    let mut per_conn: Vec<Vec<Vec<(usize, String)>>> = clients.iter().map(|_| Vec::new()).collect();
    let n = per_conn.len();
    for (i, chunk) in chunks.into_iter().enumerate() {
        if let Some(list) = per_conn.get_mut(i % n) {
            list.push(chunk);
        }
    }

    let mut pending: HashSet<u32> = HashSet::new();
    for &(u, _) in &recipients {
        for s in fleet.live_sessions_of(u) {
            fleet.expect_one_more(s);
            pending.insert(s);
        }
    }
    report.sessions = pending.len();

    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for (i, (client, chunks)) in clients.into_iter().zip(per_conn).enumerate() {
        let id = format!("{run}.b{i}");
        tasks.spawn(connection(client, chunks, id));
    }
    let mut arrivals = Samples::new();
    let mut last_exists = start;
    let mut lmtp_done: Option<Instant> = None;
    let mut last_reply = start;
    loop {
        if tasks.is_empty() && lmtp_done.is_none() {
            lmtp_done = Some(Instant::now());
        }
        if pending.is_empty() && tasks.is_empty() {
            break;
        }
        // Until the LMTP side is done only the run's deadline applies.
        let wait_until = lmtp_done.map_or(start + Duration::from_secs(3600), |t| {
            t + opts.exists_timeout
        });
        tokio::select! {
            event = fleet.events.recv() => {
                let Some(event) = event else { break };
                if let Some((_, at)) = fleet.take_exists(event, &mut pending) {
                    arrivals.push(at.saturating_duration_since(start));
                    last_exists = last_exists.max(at);
                }
            }
            joined = tasks.join_next(), if !tasks.is_empty() => {
                let Some(joined) = joined else { continue };
                match joined {
                    Ok(result) => {
                        if let Some(t) = result.last_reply {
                            last_reply = last_reply.max(t);
                        }
                        for (user, why) in result.failed {
                            fleet.errors.record("lmtp-burst", why);
                            for s in fleet.live_sessions_of(user) {
                                if pending.remove(&s) {
                                    fleet.expect_one_less(s);
                                }
                            }
                        }
                    }
                    Err(e) => fleet.errors.record("lmtp-burst", e.to_string()),
                }
            }
            _ = tokio::time::sleep_until(tokio::time::Instant::from_std(wait_until)) => {
                for s in pending.drain() {
                    report.missed += 1;
                    fleet.errors.record(
                        "exists-timeout",
                        format!("session {s}: no burst EXISTS within {:?} of the last LMTP reply", opts.exists_timeout),
                    );
                }
            }
        }
    }
    report.all_notified_us = micros(last_exists.saturating_duration_since(start));
    report.lmtp_elapsed_us = micros(last_reply.saturating_duration_since(start));
    report.lmtp_per_s = rate(report.recipients, report.lmtp_elapsed_us);
    report.exists_after_start = arrivals.summary();
    report
}

/// Runs one burst connection's transactions in order. After a failed
/// transaction the connection is abandoned and its remaining recipients
/// count as failed.
async fn connection(
    mut client: LmtpClient,
    chunks: Vec<Vec<(usize, String)>>,
    id: String,
) -> ConnResult {
    let mut result = ConnResult {
        failed: Vec::new(),
        last_reply: None,
    };
    let mut broken: Option<String> = None;
    for (t, chunk) in chunks.into_iter().enumerate() {
        if let Some(why) = &broken {
            result
                .failed
                .extend(chunk.into_iter().map(|(u, r)| (u, format!("{r}: {why}"))));
            continue;
        }
        let rcpts: Vec<String> = chunk.iter().map(|(_, r)| r.clone()).collect();
        let first = rcpts.first().cloned().unwrap_or_default();
        let message = test_message(&first, &format!("{id}.t{t}"));
        match client.deliver(SENDER, &rcpts, &message).await {
            Ok(txn) => {
                result.last_reply = Some(txn.replied);
                for ((user, rcpt), outcome) in chunk.into_iter().zip(txn.outcomes) {
                    match outcome {
                        RcptOutcome::Delivered => {}
                        RcptOutcome::Refused(r) | RcptOutcome::Failed(r) => {
                            result.failed.push((user, format!("{rcpt}: {r}")));
                        }
                    }
                }
            }
            Err(e) => {
                let why = e.to_string();
                result
                    .failed
                    .extend(chunk.into_iter().map(|(u, r)| (u, format!("{r}: {why}"))));
                broken = Some(why);
            }
        }
    }
    if broken.is_none() {
        client.quit().await;
    }
    result
}
