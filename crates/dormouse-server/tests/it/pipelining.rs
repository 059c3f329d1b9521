//! Pipelined commands are answered in order, all of them, even when the
//! client writes them in one burst before reading anything.

use crate::harness::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_pipelined_commands_answer_in_order() {
    let server = TestServer::start().await;
    let mut client = server.connect().await;
    let greeting = client.line().await;
    assert!(greeting.starts_with("* OK "), "{greeting:?}");

    // Mix commands so that ordering across kinds (untagged data, plain OK,
    // a blocking LOGIN in the middle) is checked, not just NOOP.
    let mut burst = String::new();
    let mut expected = Vec::new();
    for i in 0..1000 {
        let tag = format!("p{i:04}");
        let cmd = match i % 4 {
            0 => "NOOP",
            1 => "CAPABILITY",
            2 if i == 502 => "LOGIN alice wonderland",
            2 => "ID NIL",
            _ => "NOOP",
        };
        burst.push_str(&format!("{tag} {cmd}\r\n"));
        expected.push(tag);
    }
    client.send(burst.as_bytes()).await;

    let mut seen = Vec::new();
    while seen.len() < expected.len() {
        let line = client.line().await;
        assert!(!line.is_empty(), "closed after {} replies", seen.len());
        if line.starts_with('*') {
            continue;
        }
        let tag = line.split(' ').next().unwrap_or_default().to_string();
        assert!(line.starts_with(&format!("{tag} OK")), "{line:?}");
        seen.push(tag);
    }
    assert_eq!(seen, expected);
    server.stop().await;
}
