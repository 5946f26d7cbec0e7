//! The fast parser agrees with pest: whatever it accepts, pest accepts with no finding and
//! the same tree.
#![no_main]

use ismsc_core::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(fast) = ismsc_core::syntax::parse_fast(FileId::default(), text) else {
        return;
    };
    let Some((tree, found)) = ismsc_core::syntax::parse_pest(FileId::default(), text) else {
        panic!("the fast parser accepts what pest refuses");
    };
    assert!(found.is_empty(), "the fast parser accepts what lowering reports");
    assert_eq!(tree, fast, "the trees differ");
});
