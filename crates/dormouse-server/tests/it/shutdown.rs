//! Graceful shutdown says BYE to every connected client and then closes.

use crate::harness::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_sends_bye_to_every_client() {
    let server = TestServer::start().await;
    let mut clients = Vec::new();
    for _ in 0..5 {
        let mut c = server.connect().await;
        assert!(c.line().await.starts_with("* OK"));
        clients.push(c);
    }
    // One client logged in, to show BYE reaches every state.
    let reply = clients[0].command("a", "LOGIN alice wonderland").await;
    assert!(reply.last().is_some_and(|l| l.starts_with("a OK")));

    server.stop().await;
    for c in &mut clients {
        let line = c.line().await;
        assert!(line.starts_with("* BYE "), "{line:?}");
        assert!(c.closed().await);
    }
}
