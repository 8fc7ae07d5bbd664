//! Deterministic draws for tests that compare a fast path with the general one
//! over many generated inputs. A fixed seed keeps a failure reproducible
//! without a regressions file; the robustness crate's proptests cover the
//! adversarial inputs.

/// A linear congruential generator (Knuth's MMIX constants).
pub struct Draw(u64);

impl Draw {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A number below `bound` (which must not be zero).
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % bound
    }

    /// Fewer than `most` of `pieces`, drawn with repeats and joined.
    pub fn text(&mut self, pieces: &[&str], most: usize) -> String {
        (0..self.below(most)).map(|_| pieces[self.below(pieces.len())]).collect()
    }

    /// `count` such texts.
    pub fn texts(&mut self, pieces: &[&str], count: usize, most: usize) -> Vec<String> {
        (0..count).map(|_| self.text(pieces, most)).collect()
    }
}
