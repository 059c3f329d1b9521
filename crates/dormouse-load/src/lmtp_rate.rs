//! `run_lmtp_rate`: LMTP deliveries per second alone, with no IMAP session
//! watching. Messages go to random users over several connections, each
//! running its transactions back to back.

use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use tokio::task::JoinSet;

use crate::LoadError;
use crate::delivery::{SENDER, run_id};
use crate::error::ErrorTally;
use crate::fleet::micros;
use crate::limits::ensure_fds;
use crate::lmtp_client::{LmtpClient, RcptOutcome, rcpt_address, test_message};
use crate::options::LmtpRateOptions;
use crate::report::{LmtpRateReport, rate};
use crate::stats::Samples;

struct ConnResult {
    delivered: usize,
    transactions: Samples,
    errors: ErrorTally,
    last_reply: Option<Instant>,
}

pub async fn run_lmtp_rate(opts: LmtpRateOptions) -> Result<LmtpRateReport, LoadError> {
    opts.validate()?;
    ensure_fds(0, opts.connections)?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let rcpts: Vec<String> = (0..opts.messages)
        .filter_map(|_| opts.users.choose(&mut rng))
        .map(|u| rcpt_address(&u.name, &opts.rcpt_domain))
        .collect();
    let mut shares: Vec<Vec<Vec<String>>> = (0..opts.connections).map(|_| Vec::new()).collect();
    for (i, chunk) in rcpts.chunks(opts.rcpts_per_txn).enumerate() {
        if let Some(share) = shares.get_mut(i % opts.connections) {
            share.push(chunk.to_vec());
        }
    }
    let mut report = LmtpRateReport {
        messages: rcpts.len(),
        ..LmtpRateReport::default()
    };
    let mut clients = Vec::new();
    for _ in 0..opts.connections {
        match LmtpClient::connect(opts.lmtp, opts.reply_timeout).await {
            Ok(c) => clients.push(c),
            Err(e) => {
                return Err(LoadError::Lmtp {
                    addr: opts.lmtp,
                    reason: e.to_string(),
                });
            }
        }
    }
    report.connections = clients.len();
    let run = run_id();
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for (i, (client, share)) in clients.into_iter().zip(shares).enumerate() {
        tasks.spawn(connection(client, share, format!("{run}.r{i}")));
    }
    let mut transactions = Samples::new();
    let mut last = start;
    let collect = async {
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(r) => {
                    report.delivered += r.delivered;
                    report.errors.merge(r.errors);
                    for s in r.transactions.iter() {
                        transactions.push(s);
                    }
                    if let Some(t) = r.last_reply {
                        last = last.max(t);
                    }
                }
                Err(e) => report.errors.record("lmtp", e.to_string()),
            }
        }
    };
    if tokio::time::timeout(opts.max_duration, collect)
        .await
        .is_err()
    {
        report.aborted = Some(format!("--max-duration {:?} reached", opts.max_duration));
    }
    report.elapsed_us = micros(last.saturating_duration_since(start));
    report.per_s = rate(report.delivered, report.elapsed_us);
    report.transaction = transactions.summary();
    Ok(report)
}

async fn connection(mut client: LmtpClient, share: Vec<Vec<String>>, id: String) -> ConnResult {
    let mut result = ConnResult {
        delivered: 0,
        transactions: Samples::new(),
        errors: ErrorTally::default(),
        last_reply: None,
    };
    for (t, rcpts) in share.iter().enumerate() {
        let first = rcpts.first().cloned().unwrap_or_default();
        let message = test_message(&first, &format!("{id}.t{t}"));
        let started = Instant::now();
        match client.deliver(SENDER, rcpts, &message).await {
            Ok(txn) => {
                result
                    .transactions
                    .push(txn.replied.saturating_duration_since(started));
                result.last_reply = Some(txn.replied);
                for (rcpt, outcome) in rcpts.iter().zip(txn.outcomes) {
                    match outcome {
                        RcptOutcome::Delivered => result.delivered += 1,
                        RcptOutcome::Refused(r) | RcptOutcome::Failed(r) => {
                            result.errors.record("lmtp-refused", format!("{rcpt}: {r}"));
                        }
                    }
                }
            }
            Err(e) => {
                // The connection's state is unknown after an error.
                result.errors.record("lmtp", e.to_string());
                return result;
            }
        }
    }
    client.quit().await;
    result
}
