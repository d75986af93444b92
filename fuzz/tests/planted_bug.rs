//! The fuzzer finds the planted bug (emit's `planted-bug` feature: viper's signed `<=`
//! compiled as `<`) and minimises it, within a minute:
//!
//!     cargo test -p fuzz --features planted-bug --test planted_bug -- --nocapture
//!
//! A divergence counts as the planted bug when the oracle, given the planted semantics
//! (`<=` written as `<`), agrees with the viper output again: other viper divergences
//! (see fuzz/README.md) do not.
#![cfg(feature = "planted-bug")]

use fuzz::diff::{self, Divergence, Generator, Harness};
use fuzz::paths::Case;
use std::time::{Duration, Instant};

#[test]
fn planted_viper_compare_bug_is_found_and_minimised_within_a_minute() {
    let mut harness = Harness::new(&["cpython", "viper"]).expect("paths start");
    let mut oracle = Harness::new(&["cpython"]).expect("python3 starts");
    let mut explained_by_planted_bug = |d: &Divergence| {
        let planted = Case::plain(d.case.source.replace(" <= ", " < "));
        let viper_output = d.others.iter().find(|(name, _)| *name == "viper");
        oracle.check(&planted).is_none()
            && viper_output.is_some_and(|(_, out)| {
                matches!(oracle.paths[0].run(&planted), fuzz::paths::Outcome::Output(o) if o == *out)
            })
    };
    let mut generator = Generator::new(42, 1);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let tree = generator.next_tree();
        let Some(found) = harness.check(&tree.case()) else {
            continue;
        };
        if !explained_by_planted_bug(&found) {
            continue;
        }
        let minimised = diff::minimise(
            &mut harness,
            tree,
            &mut explained_by_planted_bug,
            Duration::from_secs(20),
        );
        println!(
            "planted bug found and minimised in {:.1}s:\n{}",
            started.elapsed().as_secs_f64(),
            minimised.to_file()
        );
        assert!(minimised.case.viper.as_deref().unwrap_or("").contains("<="));
        return;
    }
    panic!("the planted bug was not found within a minute");
}
