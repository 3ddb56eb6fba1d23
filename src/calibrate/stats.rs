//! Agreement statistics between expert scores and a grader's scores.

use serde::Serialize;

/// Agreement over a set of (expert, grader) score pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub n: usize,
    /// Rank correlation (ties get their average rank); `None` with fewer than 2 pairs or
    /// when either side is constant.
    pub spearman: Option<f64>,
    pub pearson: Option<f64>,
    /// Mean absolute error, in points.
    pub mae: Option<f64>,
    /// Mean signed error (grader − expert): positive means the grader is lenient.
    pub bias: Option<f64>,
    /// Share of answers within 1 point of the expert.
    pub within_1: Option<f64>,
    pub within_2: Option<f64>,
}

/// Computes every figure over `pairs` of (expert, grader).
pub fn agreement(pairs: &[(f64, f64)]) -> Agreement {
    let n = pairs.len();
    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    let mean_of = |f: &dyn Fn(&(f64, f64)) -> f64| (n > 0).then(|| pairs.iter().map(f).sum::<f64>() / n as f64);
    Agreement {
        n,
        spearman: pearson(&ranks(&xs), &ranks(&ys)),
        pearson: pearson(&xs, &ys),
        mae: mean_of(&|(x, y)| (y - x).abs()),
        bias: mean_of(&|(x, y)| y - x),
        within_1: mean_of(&|(x, y)| f64::from(u8::from((y - x).abs() <= 1.0 + 1e-9))),
        within_2: mean_of(&|(x, y)| f64::from(u8::from((y - x).abs() <= 2.0 + 1e-9))),
    }
}

/// Area under the ROC curve: the chance that a random `positive` scores above a random
/// `negative` (ties count half). `None` when either side is empty.
pub fn auc(positive: &[f64], negative: &[f64]) -> Option<f64> {
    if positive.is_empty() || negative.is_empty() {
        return None;
    }
    let mut wins = 0.0;
    for p in positive {
        for n in negative {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    Some(wins / (positive.len() * negative.len()) as f64)
}

/// Pearson's correlation coefficient.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 2 || n != ys.len() {
        return None;
    }
    let mx = xs.iter().sum::<f64>() / n as f64;
    let my = ys.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// 1-based ranks; tied values share the average of their ranks.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = average;
        }
        i = j + 1;
    }
    ranks
}

/// Rounds for reports: three decimals.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn figures_match_hand_computed_values() {
        // expert: 0 2 5 8 10; grader: 1 2 4 9 7
        let pairs = [(0.0, 1.0), (2.0, 2.0), (5.0, 4.0), (8.0, 9.0), (10.0, 7.0)];
        let a = agreement(&pairs);
        assert_eq!(a.n, 5);
        // |errors| 1 0 1 1 3 → MAE 6/5; signed +1 0 −1 +1 −3 → bias −2/5.
        close(a.mae, 1.2);
        close(a.bias, -0.4);
        close(a.within_1, 0.8);
        close(a.within_2, 0.8);
        // Grader ranks 1 2 3 5 4: d² = 0 0 0 1 1 → 1 − 6·2/(5·24) = 0.9.
        close(a.spearman, 0.9);
        // Means 5 and 4.6; Σdxdy = 51, Σdx² = 68, Σdy² = 45.2 → 51/√(68·45.2) ≈ 0.9200.
        close(a.pearson, 51.0 / (68.0f64 * 45.2).sqrt());
    }

    #[test]
    fn auc_counts_ordered_pairs_and_ties_half() {
        close(auc(&[3.0, 5.0], &[1.0, 3.0]), (1.0 + 0.5 + 1.0 + 1.0) / 4.0);
        assert_eq!(auc(&[1.0], &[]), None);
    }

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
        // Perfect agreement with ties is still 1.
        close(agreement(&[(1.0, 0.0), (1.0, 0.0), (5.0, 6.0)]).spearman, 1.0);
    }

    #[test]
    fn degenerate_sets_have_no_correlation() {
        assert_eq!(agreement(&[]).mae, None);
        assert_eq!(agreement(&[(5.0, 5.0)]).spearman, None);
        assert_eq!(agreement(&[(1.0, 5.0), (2.0, 5.0)]).pearson, None);
    }
}
