//! What the crate logs: line numbers but never a line's content, usernames
//! only at debug level, passwords and hashes never.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::fixtures::{PasswdFile, accepts};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_logs(run: impl FnOnce()) -> String {
    let buffer = Captured::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, run);
    let bytes = buffer.0.lock().expect("log buffer").clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn logs_name_lines_not_secrets() {
    let logs = captured_logs(|| {
        let file = PasswdFile::new(concat!(
            "zelda:{PLAIN}hunter2\n",
            "bad/name:{PLAIN}leakedsecret\n",
            "yorick:{MD5}b1946ac92492d2347c6235b4d2611184\n",
        ));
        let db = file.open();
        assert!(accepts(&db, "zelda", b"hunter2"));
        assert!(!accepts(&db, "zelda", b"wrongguess"));
        assert!(!accepts(&db, "yorick", b"hello"));
        file.replace("zelda:{PLAIN}hunter3\n");
        assert!(db.reload_if_changed().expect("reload"));
    });
    assert!(logs.contains("line=2"), "{logs}");
    assert!(logs.contains("line=3") && logs.contains("MD5"), "{logs}");
    for secret in ["hunter", "leakedsecret", "b1946ac9", "wrongguess", "hello"] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
    let loud: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(" INFO ") || l.contains(" WARN ") || l.contains(" ERROR "))
        .collect();
    assert!(!loud.is_empty());
    for line in loud {
        for name in ["zelda", "yorick", "bad/name"] {
            assert!(!line.contains(name), "{name} logged above debug: {line}");
        }
    }
    // The debug level does name the user, which is what debug is for.
    assert!(logs.contains("DEBUG") && logs.contains("zelda"), "{logs}");
}
