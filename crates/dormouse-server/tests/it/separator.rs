//! `hierarchy_separator = "/"`: clients see `/` between levels, the
//! Maildir on disk keeps Dovecot's `.Parent.Child` directories.

use crate::harness::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_separator_is_shown_and_used() {
    let server = TestServer::start_with("hierarchy_separator = \"/\"").await;
    let mut c = server.connect().await;
    c.line().await;
    c.command("l", "LOGIN alice wonderland").await;
    let ns = c.command("n", "NAMESPACE").await;
    assert_eq!(ns[0], "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    let created = c.command("c", "CREATE Lists/rust").await;
    assert!(
        created.last().is_some_and(|l| l.starts_with("c OK")),
        "{created:?}"
    );
    let list = c.command("li", "LIST \"\" \"Lists/*\"").await;
    assert!(
        list.iter().any(|l| l.contains("\"/\" Lists/rust")),
        "{list:?}"
    );
    // A dot inside a level cannot be told apart from a separator on disk.
    let dotted = c.command("d", "CREATE a.b").await;
    assert!(
        dotted.last().is_some_and(|l| l.starts_with("d NO")),
        "{dotted:?}"
    );
    server.stop().await;
}
