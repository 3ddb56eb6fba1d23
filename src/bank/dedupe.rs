//! Grouping near-duplicate questions.
//!
//! HELPER-OWNED: implemented by the classify/dedupe/distil work item.

/// Groups question texts: returns groups of indices into `questions`, each group sorted, groups
/// ordered by their first index. Every index appears in exactly one group.
pub fn group(questions: &[&str]) -> Vec<Vec<usize>> {
    (0..questions.len()).map(|i| vec![i]).collect()
}
