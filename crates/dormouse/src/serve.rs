//! `dormouse serve`: loads the config, prepares the data directory, binds
//! the listeners, sets up logging and runs the server until SIGINT/SIGTERM.

use std::sync::Arc;

use anyhow::Context;
use dormouse_server::{
    Listeners, LmtpListener, Stats, prepare_data_dir, raise_nofile_limit, run_with_stats,
};

use crate::cli::ServeArgs;
use crate::title::Title;

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = dormouse_config::load(args.config.as_deref(), &args.overrides)?;
    crate::logging::init(&config.log)?;
    // Before the runtime starts any thread: the title moves argv and
    // environ, which only the process's sole thread may do.
    let title = Title::claim();
    let nofile = raise_nofile_limit();
    let data = prepare_data_dir(&config)?;
    let config = Arc::new(config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let imap = dormouse_server::bind_tcp(config.listen.imap)
            .with_context(|| format!("cannot listen on {} (imap)", config.listen.imap))?;
        let bound = imap.local_addr()?;
        let lmtp = LmtpListener::bind(&config.listen.lmtp)
            .await
            .context("cannot start the LMTP listener")?;
        let lmtp_bound = lmtp.local_addr()?;
        // Printed on stdout, not logged: people and scripts both read it,
        // and the password must appear exactly once. Space-separated, so
        // a script can take the word after "imap" or "lmtp".
        println!(
            "dormouse {} listening: imap {bound} lmtp {lmtp_bound}",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(password) = &data.demo_password {
            println!(
                "created user 'demo' with password '{password}' (shown once; change it with `dormouse user passwd demo`)"
            );
        }
        // Accepted now so that configs and scripts written for the full
        // interface keep working; said out loud so nobody waits for it.
        if let Some(imaps) = config.listen.imaps {
            tracing::warn!(addr = %imaps, "implicit TLS is not implemented in this version; listen.imaps is ignored");
        }
        match nofile {
            Ok(limit) => tracing::info!(limit, "open-file limit"),
            Err(e) => tracing::warn!(error = %e, "cannot raise the open-file limit"),
        }
        let listeners = Listeners {
            imap: vec![imap],
            lmtp: vec![lmtp],
            ..Default::default()
        };
        let stats = Arc::new(Stats::default());
        if let Some(title) = title {
            tokio::spawn(title.keep_updated(Arc::clone(&stats)));
        }
        run_with_stats(listeners, config, shutdown_signal(), stats).await?;
        anyhow::Ok(())
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let interrupt = tokio::signal::ctrl_c();
    match term {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt => {}
            }
        }
        Err(_) => {
            let _ = interrupt.await;
        }
    }
}
