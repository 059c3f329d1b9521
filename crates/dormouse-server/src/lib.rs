//! dormouse-server (being written).
