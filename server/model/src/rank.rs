//! The arithmetic of ranking candidates by the model's log-probabilities,
//! kept apart from llama.cpp so that it is tested without a model.
//!
//! Each candidate is a continuation of the same prompt (see
//! [`crate::prompt::choice_text`]); its score is the sum of its tokens'
//! log-probabilities, and the model's ranking is the softmax of the scores
//! over the candidates shown. Sums, not means: the sum is the log of the
//! probability that the model writes exactly that answer, which is what is
//! compared; a mean would favour candidates whose class or line number
//! takes more tokens.

/// How many leading tokens all `texts` share, leaving at least one token of
/// each to score (the shared ones are decoded once, then each candidate's
/// rest on top of them).
pub(crate) fn shared_prefix<T: PartialEq>(texts: &[Vec<T>]) -> usize {
    let Some((first, rest)) = texts.split_first() else {
        return 0;
    };
    let mut shared = first.len();
    for text in rest {
        shared = shared.min(first.iter().zip(text).take_while(|(a, b)| a == b).count());
    }
    let shortest = texts.iter().map(Vec::len).min().unwrap_or(0);
    shared.min(shortest.saturating_sub(1))
}

/// Natural-log normaliser of a logit vector: `ln Σ exp(logit)`, computed
/// from the maximum so that large logits do not overflow.
pub(crate) fn log_sum_exp(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return max;
    }
    let sum: f64 = logits.iter().map(|&l| f64::from(l - max).exp()).sum();
    max + sum.ln() as f32
}

/// The log-probability of `token` under `logits`.
pub(crate) fn log_prob(logits: &[f32], token: usize) -> f32 {
    logits
        .get(token)
        .map_or(f32::NEG_INFINITY, |&l| l - log_sum_exp(logits))
}

/// The softmax of `scores`: each candidate's probability among these
/// candidates. All zero when no score is finite.
pub(crate) fn probabilities(scores: &[f32]) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return vec![0.0; scores.len()];
    }
    let exp: Vec<f64> = scores.iter().map(|&s| f64::from(s - max).exp()).collect();
    let total: f64 = exp.iter().sum();
    exp.iter().map(|e| (e / total) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_prefix_leaves_a_token_of_each_to_score() {
        assert_eq!(shared_prefix(&[vec![1, 2, 3], vec![1, 2, 4]]), 2);
        assert_eq!(shared_prefix(&[vec![1, 2], vec![1, 2, 3]]), 1);
        assert_eq!(shared_prefix(&[vec![1, 2, 3]]), 2);
        assert_eq!(shared_prefix(&[vec![5], vec![6]]), 0);
        assert_eq!(shared_prefix::<u8>(&[]), 0);
    }

    #[test]
    fn log_probabilities_are_normalised_and_stable() {
        // Logits far beyond what exp() of an f32 can hold.
        let logits = [1000.0, 1000.0, f32::NEG_INFINITY];
        assert!((log_prob(&logits, 0) - 0.5f32.ln()).abs() < 1e-3);
        assert_eq!(log_prob(&logits, 2), f32::NEG_INFINITY);
        assert_eq!(log_prob(&logits, 7), f32::NEG_INFINITY);
        let total: f32 = (0..3).map(|t| log_prob(&[0.1, 2.0, -3.0], t).exp()).sum();
        assert!((total - 1.0).abs() < 1e-5);
    }

    #[test]
    fn probabilities_follow_the_scores() {
        let p = probabilities(&[-1.0, -1.0 - 2f32.ln(), f32::NEG_INFINITY]);
        assert!((p[0] - 2.0 / 3.0).abs() < 1e-6, "{p:?}");
        assert!((p[1] - 1.0 / 3.0).abs() < 1e-6, "{p:?}");
        assert_eq!(p[2], 0.0);
        assert_eq!(probabilities(&[f32::NEG_INFINITY]), vec![0.0]);
    }
}
