//! Every supported scheme against hashes from real implementations (openssl,
//! glibc/libxcrypt's crypt(3) through Python, the Argon2 reference library
//! through argon2-cffi) and against hashes the Rust crates make now.

use crate::fixtures::{PasswdFile, accepts};

/// (passwd-file password field, the password it hashes, who made it)
const FOREIGN: &[(&str, &str, &str)] = &[
    (
        "{SHA256-CRYPT}$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
        "secret",
        "openssl passwd -5 -salt saltsalt secret",
    ),
    (
        "{SHA256-CRYPT}$5$rounds=10000$saltstring$zY4WhW6dya5uGVNotd0y2Lk.E4rItnX94Q0R1OCQl40",
        "Hello world!",
        "openssl passwd -5 -salt 'rounds=10000$saltstring'",
    ),
    (
        "{SHA512-CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
        "secret",
        "openssl passwd -6 -salt saltsalt secret",
    ),
    (
        "$6$rounds=6000$somesalt$FY4odLwHGRZ3roqAyn4Vpj5UuHezxavWuwxIfEVdfLftP06h5vucvRQOgFmfuSxMyfcR9RpPRPSHgt66KZu9G1",
        "secret",
        "python3 crypt.crypt (libxcrypt), bare field means CRYPT",
    ),
    (
        "{CRYPT}$6$abcdefgh$QYfu3RA0CovYV9ttff0aCqbuMbe07sEAKB9whB3hxRPQspQv902sKWigq1D0XWCQvU7OkPKFH6ln6fezlCfsy/",
        "s3cr\u{e9}t:x",
        "python3 crypt.crypt (libxcrypt), non-ASCII password",
    ),
    (
        "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
        "secret",
        "python3 crypt.crypt (libxcrypt) $2y$",
    ),
    (
        "{blf-crypt}$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
        "secret",
        "python3 crypt.crypt (libxcrypt) $2b$",
    ),
    (
        "{CRYPT}$2a$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
        "secret",
        "python3 crypt.crypt (libxcrypt) $2a$",
    ),
    (
        "{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$ki2QQIMdi3gALFf4XR64Y9rn4F8+JEUu2h0iBExveQo",
        "secret",
        "argon2-cffi (reference C library) Type.ID",
    ),
    (
        "{ARGON2I}$argon2i$v=19$m=4096,t=2,p=1$c2FsdHNhbHRzYWx0$fEGCbWi5gZRCnqWVcSLVKlicOY42ZuQ9M4nKfUITMX4",
        "secret",
        "argon2-cffi (reference C library) Type.I",
    ),
];

fn file_with(fields: &[String]) -> PasswdFile {
    let mut contents = String::new();
    for (i, field) in fields.iter().enumerate() {
        contents.push_str(&format!("user{i}:{field}:1000:1000::/home/user{i}::\n"));
    }
    PasswdFile::new(&contents)
}

#[test]
fn foreign_hashes_verify_and_wrong_passwords_do_not() {
    let fields: Vec<String> = FOREIGN.iter().map(|(f, _, _)| f.to_string()).collect();
    let file = file_with(&fields);
    let db = file.open();
    for (i, (_, password, origin)) in FOREIGN.iter().enumerate() {
        let user = format!("user{i}");
        assert!(accepts(&db, &user, password.as_bytes()), "{origin}");
        assert!(!accepts(&db, &user, b"wrong"), "{origin}");
        let mut altered = password.as_bytes().to_vec();
        altered.push(b'x');
        assert!(!accepts(&db, &user, &altered), "{origin}");
    }
}

#[test]
fn hashes_made_by_the_crates_now_verify() {
    let pw = "c0rrect horse";
    let sha256 = sha_crypt::Sha256Params::new(5000).expect("params");
    let sha512 = sha_crypt::Sha512Params::new(1000).expect("params");
    let argon2i = {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let params = argon2::Params::new(1024, 1, 1, None).expect("params");
        let hasher =
            argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x13, params);
        let salt = SaltString::encode_b64(b"sixteen byte slt").expect("salt");
        hasher
            .hash_password(pw.as_bytes(), &salt)
            .expect("hash")
            .to_string()
    };
    let fields = vec![
        format!("{{PLAIN}}{pw}"),
        format!("{{CLEAR}}{pw}"),
        format!("{{cleartext}}{pw}"),
        format!(
            "{{SHA256-CRYPT}}{}",
            sha_crypt::sha256_simple(pw, &sha256).expect("hash")
        ),
        format!(
            "{{sha512-crypt}}{}",
            sha_crypt::sha512_simple(pw, &sha512).expect("hash")
        ),
        format!("{{BLF-CRYPT}}{}", bcrypt::hash(pw, 4).expect("hash")),
        format!("{{ARGON2I}}{argon2i}"),
        format!("{{CRYPT}}{argon2i}"),
        dormouse_auth::hash_password(pw.as_bytes()).expect("hash"),
    ];
    let file = file_with(&fields);
    let db = file.open();
    for (i, field) in fields.iter().enumerate() {
        let scheme = field.split('}').next().unwrap_or_default();
        let user = format!("user{i}");
        assert!(accepts(&db, &user, pw.as_bytes()), "{scheme}");
        assert!(!accepts(&db, &user, b"c0rrect horsE"), "{scheme}");
    }
}

#[test]
fn new_hashes_use_owasp_argon2id_parameters_and_fresh_salts() {
    let a = dormouse_auth::hash_password(b"pw").expect("hash");
    let b = dormouse_auth::hash_password(b"pw").expect("hash");
    for h in [&a, &b] {
        assert!(
            h.starts_with("{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$"),
            "{h}"
        );
        assert!(!h.contains(':') && !h.contains('\n'), "{h}");
    }
    assert_ne!(a, b, "salts must differ");
}

#[test]
fn hash_password_refuses_empty_and_huge_passwords() {
    assert!(dormouse_auth::hash_password(b"").is_err());
    let huge = vec![b'a'; dormouse_auth::MAX_PASSWORD_LEN + 1];
    let err = dormouse_auth::hash_password(&huge).expect_err("too long");
    assert_eq!(err.fault(), dormouse_auth::Fault::Input);
}

#[test]
fn non_utf8_passwords_work_with_every_byte_scheme() {
    let pw: &[u8] = b"\xff\xfe caf\xe9";
    let sha = sha_crypt::sha512_crypt_b64(pw, b"saltsalt", &sha_crypt::Sha512Params::default())
        .expect("hash");
    let fields = vec![
        format!("{{SHA512-CRYPT}}$6$saltsalt${sha}"),
        format!("{{BLF-CRYPT}}{}", bcrypt::hash(pw, 4).expect("hash")),
    ];
    let file = file_with(&fields);
    let db = file.open();
    for i in 0..fields.len() {
        assert!(accepts(&db, &format!("user{i}"), pw), "field {i}");
        assert!(
            !accepts(&db, &format!("user{i}"), b"\xff\xfe caf"),
            "field {i}"
        );
    }
}

#[test]
fn unsupported_schemes_reject_even_the_right_password() {
    // The PLAIN user gives unknown users a cheap dummy hash to check.
    let file = PasswdFile::new(concat!(
        "ok:{PLAIN}other\n",
        "md5:$1$saltsalt$Gb6Zv4zQ0KMvDHM4yH5Fm/\n",
        "des:abJnggxhB/yWI\n",
        "sha:{SSHA}secret\n",
        "mismatch:{SHA512-CRYPT}$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA\n",
        "empty:\n",
        "nopass\n",
    ));
    let db = file.open();
    for user in ["md5", "des", "sha", "mismatch", "empty", "nopass"] {
        assert!(!accepts(&db, user, b"secret"), "{user}");
        assert!(!accepts(&db, user, b""), "{user}");
        // Still a user for delivery purposes.
        assert!(db.lookup(user).is_some(), "{user}");
    }
}
