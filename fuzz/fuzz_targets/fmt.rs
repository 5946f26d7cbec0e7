//! The formatter never panics and never fails one of its safety checks (such a failure is a
//! bug of ismsc, whatever the input), and what it returns formats to itself.
#![no_main]

use ismsc_core::fmt::{format, FmtError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match format(text) {
        Ok(out) => assert_eq!(format(&out).ok().as_deref(), Some(out.as_str()), "not a fixed point"),
        Err(FmtError::Syntax(_)) => {}
        Err(FmtError::Internal(e)) => panic!("{e}"),
    }
});
